import type { ComponentType } from "preact";
import { t } from "../i18n.ts";
import { navigate, type PageProps } from "../router.ts";
import { Shell, type Team } from "../shell.tsx";
import { AuditSection } from "./team/audit.tsx";
import { OwnersOnly, type Role, type SectionProps } from "./team/common.tsx";
import { ExportSection } from "./team/export.tsx";
import { InvitationsSection } from "./team/invitations.tsx";
import { LabelsSection } from "./team/labels.tsx";
import { MembersSection } from "./team/members.tsx";
import { PolicySection } from "./team/policy.tsx";
import { PrivacySection } from "./team/privacy.tsx";
import { SupportSection } from "./team/support.tsx";
import { TokensSection } from "./team/tokens.tsx";

type Section = {
  id: string;
  label: () => string;
  /**
   * Who may open it: the API's rule (src/services/authz.ts); the others get a clear note, not the
   * controls. Members see the policy they work under, read-only.
   */
  roles: readonly Role[];
  /** What only those roles may do, said to everyone else. */
  refused: () => string;
  view: ComponentType<SectionProps>;
};

const OWNERS = ["owner"] as const;
const STAFF = ["owner", "member"] as const;

/** The team's settings, one section per path (`/team/:section`), in a left column (a row on a phone). */
const SECTIONS: Section[] = [
  { id: "members", label: () => t.teamMembers, roles: STAFF, refused: () => t.refusedMembers, view: MembersSection },
  {
    id: "invitations",
    label: () => t.teamInvitations,
    roles: OWNERS,
    refused: () => t.refusedInvitations,
    view: InvitationsSection,
  },
  { id: "policy", label: () => t.teamPolicy, roles: STAFF, refused: () => t.refusedPolicy, view: PolicySection },
  {
    id: "support-access",
    label: () => t.teamSupport,
    roles: OWNERS,
    refused: () => t.refusedSupport,
    view: SupportSection,
  },
  { id: "labels", label: () => t.teamLabels, roles: STAFF, refused: () => t.refusedLabels, view: LabelsSection },
  { id: "tokens", label: () => t.teamTokens, roles: OWNERS, refused: () => t.refusedTokens, view: TokensSection },
  { id: "audit", label: () => t.teamAudit, roles: OWNERS, refused: () => t.refusedAudit, view: AuditSection },
  { id: "export", label: () => t.teamExport, roles: OWNERS, refused: () => t.refusedExport, view: ExportSection },
  { id: "privacy", label: () => t.teamPrivacy, roles: OWNERS, refused: () => t.refusedPrivacy, view: PrivacySection },
];

export default function TeamPage({ params }: PageProps) {
  return (
    <Shell area="team">
      {(team, me) => <TeamSettings team={team} me={me} sectionId={params.section ?? "members"} />}
    </Shell>
  );
}

const allowed = (section: Section, team: Team) => team.role !== null && section.roles.includes(team.role);

function TeamSettings(props: SectionProps & { sectionId: string }) {
  const { team, me, sectionId } = props;
  const section = SECTIONS.find((s) => s.id === sectionId);
  const visible = SECTIONS.filter((s) => allowed(s, team));
  // Reporters send feedback and follow their own items: nothing here is theirs.
  if (visible.length === 0)
    return (
      <main class="page" aria-labelledby="section-title">
        <h1 id="section-title">{t.teamSettings}</h1>
        <OwnersOnly team={team} title={t.staffOnlyTitle} what={t.refusedTeam}>
          <p>
            <a
              href="/"
              onClick={(event) => {
                event.preventDefault();
                navigate("/");
              }}
            >
              {t.toInbox}
            </a>
          </p>
        </OwnersOnly>
      </main>
    );
  return (
    <div class="settings">
      <nav class="subnav" aria-label={t.teamSettings}>
        <p class="subnav-title">{team.name}</p>
        <ul>
          {visible.map((s) => (
            <li key={s.id}>
              <a
                class="subnav-link"
                href={`/team/${s.id}`}
                aria-current={s.id === section?.id ? "page" : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/team/${s.id}`);
                }}
              >
                {s.label()}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="settings-body" aria-labelledby="section-title">
        {section ? (
          <>
            <h1 id="section-title">{section.label()}</h1>
            {allowed(section, team) ? (
              <section.view key={section.id} team={team} me={me} />
            ) : (
              <OwnersOnly
                team={team}
                title={section.roles.length > 1 ? t.staffOnlyTitle : t.ownersOnlyTitle}
                what={section.refused()}
              />
            )}
          </>
        ) : (
          <>
            <h1 id="section-title">{t.noSuchSection}</h1>
            <p>
              <a
                href="/team/members"
                onClick={(event) => {
                  event.preventDefault();
                  navigate("/team/members");
                }}
              >
                {t.teamMembers}
              </a>
            </p>
          </>
        )}
      </main>
    </div>
  );
}
