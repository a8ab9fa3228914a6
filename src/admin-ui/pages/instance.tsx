import { useState } from "preact/hooks";
import { ApiError } from "../api.ts";
import { problemText } from "../components.tsx";
import { t } from "../i18n.ts";
import type { PageProps } from "../router.ts";
import { navigate } from "../router.ts";
import { handleLostSession, type Me, Shell, type Team } from "../shell.tsx";
import { AuditSection } from "./instance/audit.tsx";
import { BackupsSection } from "./instance/backups.tsx";
import { fill } from "./instance/format.ts";
import { HealthSection } from "./instance/health.tsx";
import { SettingsSection } from "./instance/settings.tsx";
import { SsoSection } from "./instance/sso.tsx";
import { UsersSection } from "./instance/users.tsx";

/** Each section and its title (read when drawn: in the current language). */
const SECTIONS = [
  ["users", () => t.instUsers],
  ["settings", () => t.instSettings],
  ["sso", () => t.instSso],
  ["audit", () => t.instAudit],
  ["health", () => t.instHealth],
  ["backups", () => t.instBackups],
] as const;
type Section = (typeof SECTIONS)[number][0];

/**
 * The instance administration (instance admins only): accounts, security settings, SSO providers, the
 * instance audit trail with its verification, health, and backups. Anyone else gets a plain refusal here — and
 * the API refuses them too, whatever this page shows.
 */
export default function InstancePage({ params }: PageProps) {
  return (
    <Shell teamless area="instance">
      {(_team, me, teams) =>
        me.isInstanceAdmin ? (
          <Instance key={params.section} section={params.section ?? "users"} me={me} teams={teams} />
        ) : (
          <Refusal me={me} />
        )
      }
    </Shell>
  );
}

function Refusal({ me }: { me: Me }) {
  return (
    <main class="page">
      <section class="panel refusal" aria-labelledby="refusal-title">
        <h1 id="refusal-title">{t.instRefusedTitle}</h1>
        <p>{fill(t.instRefused, { email: me.email })}</p>
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate("/");
          }}
        >
          {t.instBackToInbox}
        </a>
      </section>
    </main>
  );
}

function Instance(props: { section: string; me: Me; teams: Team[] }) {
  const [refused, setRefused] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  // A section's first load failing: a lost session goes to sign-in, a refusal (rights taken away
  // since) is said as such, anything else shown as the API's problem.
  const onError = (error: unknown) => {
    handleLostSession(error);
    if (error instanceof ApiError && error.status === 403 && error.problem.code === "FORBIDDEN") setRefused(true);
    else if (!(error instanceof ApiError && error.status === 401)) setFailure(problemText(error));
  };
  if (refused) return <Refusal me={props.me} />;
  const known = SECTIONS.find(([id]) => id === props.section);
  const section = known?.[0] as Section | undefined;
  return (
    <div class="settings-layout">
      <nav class="section-nav" aria-label={t.instSections}>
        <h1>{t.instTitle}</h1>
        <ul>
          {SECTIONS.map(([id, label]) => (
            <li key={id}>
              <a
                href={`/instance/${id}`}
                aria-current={id === section ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/instance/${id}`);
                }}
              >
                {label()}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="page settings-main" aria-labelledby="section-title">
        <h2 id="section-title">{known?.[1]() ?? t.instTitle}</h2>
        {failure && (
          <p class="error" role="alert">
            {failure}
          </p>
        )}
        {section === undefined && <p class="empty">{t.instNoSection}</p>}
        {section === "users" && <UsersSection me={props.me} onError={onError} />}
        {section === "settings" && <SettingsSection onError={onError} />}
        {section === "sso" && <SsoSection teams={props.teams} onError={onError} />}
        {section === "audit" && <AuditSection onError={onError} />}
        {section === "health" && <HealthSection onError={onError} />}
        {section === "backups" && <BackupsSection onError={onError} />}
      </main>
    </div>
  );
}
