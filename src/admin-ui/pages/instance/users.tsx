import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { Badge, CopyButton, Dialog, EmptyState, problemText, Skeleton } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { recent } from "../../reauth.tsx";
import type { Me } from "../../shell.tsx";
import { date, dateTime, fill, initials, time } from "./format.ts";

/** An account as the instance's user list answers it: what GET /me says of one's own, and more. */
export type User = Me & { disabled: boolean; createdAt: string };

type Filter = "all" | "disabled" | "noMfa" | "admins";
const filters = (): [Filter, string][] => [
  ["all", t.instShowAll],
  ["disabled", t.instShowDisabled],
  ["noMfa", t.instShowNoMfa],
  ["admins", t.instShowAdmins],
];
const matchesFilter = (user: User, filter: Filter) =>
  filter === "all" ||
  (filter === "disabled" && user.disabled) ||
  (filter === "noMfa" && !user.mfaEnabled) ||
  (filter === "admins" && user.isInstanceAdmin);

/** Rows drawn at once: an instance with thousands of accounts is searched, not scrolled. */
const SHOWN = 200;

/** Every account of the installation: search, filter, and one dialog per account with its actions. */
export function UsersSection(props: { me: Me; onError: (error: unknown) => void }) {
  const [users, setUsers] = useState<User[] | undefined>(undefined);
  const [smtp, setSmtp] = useState(false);
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [openId, setOpenId] = useState<string | undefined>(undefined);
  const load = () =>
    api<{ users: User[] }>("GET", "/instance/users").then((answer) => setUsers(answer.users), props.onError);
  useEffect(() => {
    load();
    api<{ email: boolean }>("GET", "/instance/health").then(
      (health) => setSmtp(health.email),
      () => undefined,
    );
  }, []);
  if (!users) return <Skeleton lines={6} />;
  const needle = query.trim().toLowerCase();
  const found = users.filter(
    (u) =>
      matchesFilter(u, filter) &&
      (!needle || u.email.toLowerCase().includes(needle) || u.displayName.toLowerCase().includes(needle)),
  );
  const open = users.find((u) => u.id === openId);
  return (
    <>
      <p class="intro">{t.instUsersIntro}</p>
      <search class="toolbar">
        <label>
          {t.instSearchUsers}
          <input
            type="search"
            value={query}
            placeholder={t.instSearchUsersPlaceholder}
            maxLength={200}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <label>
          {t.instShow}
          <select value={filter} onChange={(e) => setFilter(e.currentTarget.value as Filter)}>
            {filters().map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </search>
      <p class="hint" role="status">
        {fill(t.instUserCount, { shown: found.length, total: users.length })}
      </p>
      {found.length === 0 ? (
        <EmptyState>{t.instUsersNone}</EmptyState>
      ) : (
        <ul class="user-list" aria-label={t.instUsers}>
          {found.slice(0, SHOWN).map((user) => (
            <li key={user.id}>
              <button type="button" class="user-row" onClick={() => setOpenId(user.id)}>
                <span class="avatar" aria-hidden="true">
                  {initials(user.displayName, user.email)}
                </span>
                <span class="who">
                  <span class="name">{user.displayName}</span>
                  <span class="email">{user.email}</span>
                </span>
                <span class="badges">
                  <UserBadges user={user} me={props.me} />
                </span>
                <span class="since">{date(user.createdAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {found.length > SHOWN && <p class="hint">{fill(t.instUsersMore, { n: SHOWN })}</p>}
      {open && (
        <UserDialog
          user={open}
          me={props.me}
          smtp={smtp}
          onClose={() => setOpenId(undefined)}
          onChanged={() => load()}
        />
      )}
    </>
  );
}

function UserBadges({ user, me }: { user: User; me: Me }) {
  return (
    <>
      {user.id === me.id && <Badge tone="accent">{t.instBadgeYou}</Badge>}
      {user.disabled && <Badge tone="danger">{t.instBadgeDisabled}</Badge>}
      {user.isInstanceAdmin && <Badge tone="accent">{t.instBadgeAdmin}</Badge>}
      {user.mfaEnabled ? <Badge tone="good">{t.instBadgeMfaOn}</Badge> : <Badge tone="warn">{t.instBadgeMfaOff}</Badge>}
      {!user.hasPassword && <Badge>{t.instBadgeSsoOnly}</Badge>}
    </>
  );
}

type Kind = "disable" | "enable" | "resetEmail" | "resetLink" | "resetMfa" | "revoke";
type Link = { url: string; expiresAt: string };

/** One account: what it is, and each action with what it does, confirmed before it runs. */
function UserDialog(props: { user: User; me: Me; smtp: boolean; onClose: () => void; onChanged: () => void }) {
  const { user } = props;
  const [asking, setAsking] = useState<Kind | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const [link, setLink] = useState<Link | undefined>(undefined);
  const own = user.id === props.me.id;
  const base = `/instance/users/${encodeURIComponent(user.id)}`;
  const email = user.email;
  const actions: Record<Kind, { label: string; what: string; danger: boolean; run: () => Promise<string> }> = {
    disable: {
      label: t.instDisable,
      what: fill(t.instDisableWhat, { email }),
      danger: true,
      run: async () => {
        await recent(() => api("POST", `${base}/disable`));
        return fill(t.instDisabled, { email });
      },
    },
    enable: {
      label: t.instEnable,
      what: fill(t.instEnableWhat, { email }),
      danger: false,
      run: async () => {
        await recent(() => api("POST", `${base}/enable`));
        return fill(t.instEnabled, { email });
      },
    },
    resetEmail: {
      label: t.instResetEmail,
      what: fill(t.instResetEmailWhat, { email }),
      danger: false,
      run: async () => {
        const sent = await recent(() => api<{ expiresAt: string }>("POST", `${base}/password-reset-email`));
        return fill(t.instResetEmailSent, { email, time: time(sent.expiresAt) });
      },
    },
    resetLink: {
      label: t.instResetLink,
      what: fill(t.instResetLinkWhat, { email }),
      danger: false,
      run: async () => {
        const made = await recent(() => api<Link>("POST", `${base}/password-reset-link`));
        setLink(made);
        return fill(t.instResetLinkMade, { email, time: time(made.expiresAt) });
      },
    },
    resetMfa: {
      label: t.instResetMfa,
      what: fill(t.instResetMfaWhat, { email }),
      danger: true,
      run: async () => {
        await recent(() => api("POST", `${base}/mfa/reset`));
        return fill(t.instMfaReset, { email });
      },
    },
    revoke: {
      label: t.instRevoke,
      what: fill(t.instRevokeWhat, { email }),
      danger: true,
      run: async () => {
        const answer = await recent(() => api<{ revoked: number }>("POST", `${base}/sessions/revoke`));
        return fill(t.instRevoked, { email, n: answer.revoked });
      },
    },
  };
  const available: Kind[] = [
    ...(props.smtp ? (["resetEmail"] as const) : []),
    "resetLink",
    ...(user.mfaEnabled && !own ? (["resetMfa"] as const) : []),
    ...(own ? [] : (["revoke"] as const)),
    ...(own ? [] : user.disabled ? (["enable"] as const) : (["disable"] as const)),
  ];
  const run = async (kind: Kind) => {
    setBusy(true);
    setError(undefined);
    try {
      const said = await actions[kind].run();
      // Said inside the dialog (a toast would sit under the modal dialog).
      setDone(said);
      setAsking(undefined);
      props.onChanged();
    } catch (failure) {
      setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  };
  const choice = asking && actions[asking];
  return (
    <Dialog title={user.displayName} onClose={props.onClose}>
      <div class="user-dialog">
        <p class="email">{user.email}</p>
        <p class="badges">
          <UserBadges user={user} me={props.me} />
        </p>
        <dl class="facts">
          <dt>{t.instAccountState}</dt>
          <dd>{user.disabled ? t.instStateDisabled : t.instStateActive}</dd>
          <dt>{t.instRole}</dt>
          <dd>{user.isInstanceAdmin ? t.instRoleAdmin : t.instRoleUser}</dd>
          <dt>{t.instTwoFactor}</dt>
          <dd>{user.mfaEnabled ? t.instMfaOnText : t.instMfaOffText}</dd>
          <dt>{t.instPasswordLabel}</dt>
          <dd>{user.hasPassword ? t.instPasswordSet : t.instPasswordNone}</dd>
          <dt>{t.instJoined}</dt>
          <dd>{dateTime(user.createdAt)}</dd>
        </dl>
        {done && (
          <p class="done" role="status">
            {done}
          </p>
        )}
        {link && (
          <div class="link-box">
            <label>
              {t.instResetLinkLabel}
              <input readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
            </label>
            <CopyButton text={link.url} label={t.instCopyLink} />
          </div>
        )}
        {choice ? (
          <fieldset class="confirm">
            <legend class="sr-only">{choice.label}</legend>
            <p>{choice.what}</p>
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <div class="actions">
              <button type="button" onClick={() => setAsking(undefined)}>
                {t.cancel}
              </button>
              <button
                type="button"
                class={choice.danger ? "danger" : "primary"}
                disabled={busy}
                onClick={() => run(asking)}
              >
                {busy ? t.working : choice.label}
              </button>
            </div>
          </fieldset>
        ) : (
          <>
            {own && <p class="hint">{t.instOwnAccount}</p>}
            {!props.smtp && <p class="hint">{t.instNoSmtp}</p>}
            <div class="action-buttons">
              {available.map((kind) => (
                <button
                  key={kind}
                  type="button"
                  class={actions[kind].danger ? "danger" : undefined}
                  onClick={() => {
                    setError(undefined);
                    setDone(undefined);
                    setLink(undefined);
                    setAsking(kind);
                  }}
                >
                  {actions[kind].label}
                </button>
              ))}
            </div>
          </>
        )}
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            {t.close}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
