import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { Badge, ConfirmButton, EmptyState, problemText, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";
import { type Role, roleName, type SectionProps, Time } from "./common.tsx";

type Member = { userId: string; displayName: string; email: string; role: Role; since: string };
const ROLES: Role[] = ["owner", "member", "reporter"];

/** Who is in the team; owners change roles and remove people (the API keeps at least one owner). */
export function MembersSection({ team, me }: SectionProps) {
  const [members, setMembers] = useState<Member[] | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const owner = team.role === "owner";
  const load = () =>
    api<{ members: Member[] }>("GET", `/teams/${team.id}/members`).then(
      (answer) => setMembers(answer.members),
      (error) => {
        handleLostSession(error);
        setFailure(problemText(error));
      },
    );
  useEffect(() => {
    load();
  }, [team.id]);
  if (failure)
    return (
      <p class="error" role="alert">
        {failure}
      </p>
    );
  if (!members) return <Skeleton />;
  return (
    <>
      <p class="muted">{owner ? t.membersIntroOwner : t.membersIntroMember}</p>
      {members.length === 0 && <EmptyState>{t.membersEmpty}</EmptyState>}
      <ul class="entities" aria-label={t.teamMembers}>
        {members.map((member) => (
          <MemberRow
            key={member.userId}
            member={member}
            teamId={team.id}
            isMe={member.userId === me.id}
            owner={owner}
            reload={load}
          />
        ))}
      </ul>
    </>
  );
}

function MemberRow(props: { member: Member; teamId: string; isMe: boolean; owner: boolean; reload: () => void }) {
  const { member, teamId, isMe, owner } = props;
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const errorId = `member-${member.userId}-error`;
  const changeRole = async (role: Role) => {
    setBusy(true);
    setError(undefined);
    try {
      await api("PATCH", `/teams/${teamId}/members/${member.userId}`, { role });
      // Giving up one's own ownership changes this page: start it afresh with the new role.
      if (isMe) location.assign("/team/members");
      toast(t.roleChanged.replace("{name}", member.displayName).replace("{role}", roleName(role)));
      props.reload();
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="entity">
      <div class="entity-main">
        <span class="entity-title">
          {member.displayName}
          {isMe && <span class="muted"> ({t.you})</span>}
        </span>
        <span class="entity-sub">
          {member.email} · {t.memberSince} <Time iso={member.since} past />
        </span>
        {error && (
          <span id={errorId} class="error" role="alert">
            {error}
          </span>
        )}
      </div>
      <div class="entity-actions">
        {owner ? (
          <select
            aria-label={t.roleOf.replace("{name}", member.displayName)}
            aria-describedby={error ? errorId : undefined}
            aria-invalid={error ? "true" : undefined}
            value={member.role}
            disabled={busy}
            onChange={(event) => {
              const select = event.currentTarget as HTMLSelectElement;
              const role = select.value as Role;
              select.value = member.role; // shown once the API agrees
              changeRole(role);
            }}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {roleName(role)}
              </option>
            ))}
          </select>
        ) : (
          <Badge tone={member.role === "owner" ? "accent" : "neutral"}>{roleName(member.role)}</Badge>
        )}
        {owner && (
          <ConfirmButton
            label={isMe ? t.leaveTeam : t.removeMember}
            question={
              isMe
                ? t.leaveTeamQuestion
                : t.removeMemberQuestion.replace("{name}", `${member.displayName} (${member.email})`)
            }
            confirm={isMe ? t.leaveTeam : t.removeMember}
            action={async () => {
              await api("DELETE", `/teams/${teamId}/members/${member.userId}`);
              if (isMe) {
                location.assign("/");
                return;
              }
              toast(t.memberRemoved.replace("{name}", member.displayName));
              props.reload();
            }}
          />
        )}
      </div>
    </li>
  );
}
