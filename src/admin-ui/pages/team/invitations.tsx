import { useEffect, useState } from "preact/hooks";
import { api, fieldError } from "../../api.ts";
import { Badge, ConfirmButton, CopyButton, EmptyState, problemText, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";
import { Labeled, type Role, roleName, type SectionProps, Time } from "./common.tsx";

type Invitation = {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  state: "pending" | "accepted" | "revoked" | "expired";
};
type Created = { invitation: Invitation; url: string | null; emailed: boolean };

const STATE_TONE = { pending: "accent", accepted: "good", revoked: "neutral", expired: "warn" } as const;

/** Invite by email with a role; without SMTP the owner gets the one-time link to pass on. */
export function InvitationsSection({ team }: SectionProps) {
  const [invitations, setInvitations] = useState<Invitation[] | undefined>(undefined);
  const [created, setCreated] = useState<Created | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const load = () =>
    api<{ invitations: Invitation[] }>("GET", `/teams/${team.id}/invitations`).then(
      (answer) => setInvitations(answer.invitations),
      handleLostSession,
    );
  useEffect(() => {
    load();
  }, [team.id]);
  const emailError = fieldError(error, "email");
  const general = error && !emailError ? problemText(error) : undefined;
  const pending = invitations?.filter((i) => i.state === "pending") ?? [];
  const past = invitations?.filter((i) => i.state !== "pending") ?? [];
  return (
    <>
      <section class="panel" aria-labelledby="invite-title">
        <h2 id="invite-title">{t.inviteTitle}</h2>
        <p>{t.inviteIntro}</p>
        <form
          class="inline-form"
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget as HTMLFormElement;
            const data = new FormData(form);
            setBusy(true);
            setError(undefined);
            try {
              const answer = await api<Created>("POST", `/teams/${team.id}/invitations`, {
                email: String(data.get("email") ?? "").trim(),
                role: data.get("role"),
              });
              setCreated(answer);
              if (answer.emailed) toast(t.invitationEmailed.replace("{email}", answer.invitation.email));
              form.reset();
              await load();
            } catch (caught) {
              handleLostSession(caught);
              setError(caught);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Labeled id="invite-email" class="grow" label={t.email} error={emailError} note="">
            <input
              id="invite-email"
              name="email"
              type="email"
              autoComplete="off"
              required
              aria-invalid={emailError ? "true" : undefined}
              aria-describedby="invite-email-note"
            />
          </Labeled>
          <Labeled id="invite-role" label={t.role}>
            <select id="invite-role" name="role" aria-describedby="invite-role-help">
              <option value="member">{roleName("member")}</option>
              <option value="reporter">{roleName("reporter")}</option>
              <option value="owner">{roleName("owner")}</option>
            </select>
          </Labeled>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.working : t.invite}
          </button>
        </form>
        <p id="invite-role-help" class="hint">
          {t.roleHelp}
        </p>
        {general && (
          <p class="error" role="alert">
            {general}
          </p>
        )}
        {created?.url && (
          <div class="callout" role="status">
            <p>
              <strong>{t.inviteLinkTitle.replace("{email}", created.invitation.email)}</strong>
            </p>
            <p>{t.inviteLinkIntro}</p>
            <div class="secret-row">
              <input class="secret-field" readOnly value={created.url} aria-label={t.inviteLink} />
              <CopyButton text={created.url} label={t.copyLink} />
            </div>
          </div>
        )}
      </section>
      <section class="panel" aria-labelledby="pending-title">
        <h2 id="pending-title">{t.pendingInvitations}</h2>
        {!invitations && <Skeleton lines={2} />}
        {invitations && pending.length === 0 && <EmptyState>{t.noPendingInvitations}</EmptyState>}
        {pending.length > 0 && (
          <ul class="entities" aria-labelledby="pending-title">
            {pending.map((invitation) => (
              <InvitationRow key={invitation.id} invitation={invitation} teamId={team.id} reload={load} />
            ))}
          </ul>
        )}
      </section>
      {past.length > 0 && (
        <section class="panel" aria-labelledby="past-title">
          <h2 id="past-title">{t.pastInvitations}</h2>
          <ul class="entities" aria-labelledby="past-title">
            {past.map((invitation) => (
              <InvitationRow key={invitation.id} invitation={invitation} teamId={team.id} reload={load} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function InvitationRow(props: { invitation: Invitation; teamId: string; reload: () => Promise<void> }) {
  const { invitation } = props;
  return (
    <li class="entity">
      <div class="entity-main">
        <span class="entity-title">{invitation.email}</span>
        <span class="entity-sub">
          {roleName(invitation.role)} · {t.invitedAt} <Time iso={invitation.createdAt} past />
          {invitation.state === "pending" && (
            <>
              {" "}
              · {t.teamExpires} <Time iso={invitation.expiresAt} />
            </>
          )}
        </span>
      </div>
      <div class="entity-actions">
        <Badge tone={STATE_TONE[invitation.state]}>{t[`invitationState_${invitation.state}`]}</Badge>
        {invitation.state === "pending" && (
          <ConfirmButton
            label={t.teamRevoke}
            question={t.revokeInvitationQuestion.replace("{email}", invitation.email)}
            confirm={t.teamRevoke}
            action={async () => {
              await api("DELETE", `/teams/${props.teamId}/invitations/${invitation.id}`);
              toast(t.invitationRevoked.replace("{email}", invitation.email));
              await props.reload();
            }}
          />
        )}
      </div>
    </li>
  );
}
