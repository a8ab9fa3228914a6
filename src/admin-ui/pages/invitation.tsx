import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api.ts";
import { Card, Field, Form, problemText, Skeleton } from "../components.tsx";
import { t } from "../i18n.ts";
import { navigate } from "../router.ts";
import { chooseTeam, type Me } from "../shell.tsx";

type Preview = {
  teamName: string;
  invitedBy: string | null;
  email: string;
  role: "owner" | "member" | "reporter";
  expiresAt: string;
  hasAccount: boolean;
};
type Login = { status: "signed_in"; mfaEnrolmentRequired: boolean } | { status: "mfa_required" };

/**
 * The token arrives in the fragment (`/invitation#token=…`: never sent to a server, never in a
 * Referer). It is kept in this tab's session storage and the fragment is dropped from the address
 * bar, so signing in first and coming back here still knows it.
 */
const KEY = "loupe.invitation";
function takeToken(): string | null {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromLink) {
    sessionStorage.setItem(KEY, fromLink);
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem(KEY);
}
const forgetToken = () => sessionStorage.removeItem(KEY);

const roleWord = (role: Preview["role"]) =>
  ({ owner: t.asRoleOwner, member: t.asRoleMember, reporter: t.asRoleReporter })[role];

/** Joining a team from an invitation: accept when signed in as the invited address, else sign in or register. */
export default function InvitationPage() {
  const [token] = useState(takeToken);
  const [preview, setPreview] = useState<Preview | undefined>(undefined);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const loadMe = () =>
    api<{ user: Me }>("GET", "/me").then(
      (answer) => setMe(answer.user),
      () => setMe(null),
    );
  useEffect(() => {
    if (!token) return;
    api<Preview>("POST", "/invitations/preview", { token }).then(setPreview, (error) => {
      if (error instanceof ApiError && error.problem.code === "TOKEN_INVALID") forgetToken();
      setFailure(
        error instanceof ApiError && error.problem.code === "TOKEN_INVALID" ? t.invitationInvalid : problemText(error),
      );
    });
    loadMe();
  }, [token]);
  if (!token)
    return (
      <Card area="team" title={t.invitationTitle}>
        <p role="alert">{t.invitationMissing}</p>
      </Card>
    );
  if (failure)
    return (
      <Card area="team" title={t.invitationTitle}>
        <p role="alert">{failure}</p>
        <a href="/sign-in">{t.signIn}</a>
      </Card>
    );
  if (!preview || me === undefined)
    return (
      <Card area="team" title={t.invitationTitle}>
        <Skeleton lines={3} />
      </Card>
    );
  const join = (teamId: string) => {
    forgetToken();
    chooseTeam(teamId);
    navigate("/");
  };
  return (
    <Card area="team" title={t.invitationJoin.replace("{team}", preview.teamName)}>
      <p>
        {(preview.invitedBy ? t.invitationBy.replace("{name}", preview.invitedBy) : t.invitationByUnknown)
          .replace("{email}", preview.email)
          .replace("{team}", preview.teamName)
          .replace("{role}", roleWord(preview.role))}
      </p>
      {me && me.email === preview.email ? (
        <Form
          button={t.invitationAccept}
          submit={async () => {
            try {
              join((await api<{ teamId: string }>("POST", "/invitations/accept", { token })).teamId);
            } catch (error) {
              if (error instanceof ApiError && error.problem.code === "TOKEN_INVALID") forgetToken();
              throw error;
            }
          }}
        >
          {() => <p class="muted">{t.invitationSignedInAs.replace("{email}", me.email)}</p>}
        </Form>
      ) : me ? (
        <>
          <p role="alert">{t.invitationOtherAccount.replace("{me}", me.email).replace("{email}", preview.email)}</p>
          <button
            type="button"
            class="primary"
            onClick={async () => {
              await api("POST", "/auth/logout").catch(() => undefined);
              setMe(null);
            }}
          >
            {t.invitationSwitch}
          </button>
        </>
      ) : preview.hasAccount ? (
        <>
          <p>{t.invitationSignInFirst.replace("{email}", preview.email)}</p>
          <button type="button" class="primary" onClick={() => navigate("/sign-in?next=/invitation")}>
            {t.invitationSignIn}
          </button>
        </>
      ) : (
        <>
          <p class="muted">{t.invitationRegisterIntro}</p>
          <Form
            button={t.invitationRegister}
            submit={async (f) => {
              const joined = await api<{ teamId: string }>("POST", "/invitations/register", {
                token,
                displayName: f.displayName,
                password: f.password,
              });
              forgetToken();
              chooseTeam(joined.teamId);
              // The account exists: sign in with it (a team requiring MFA goes to enrolment first).
              const login = await api<Login>("POST", "/auth/login", {
                email: preview.email,
                password: f.password,
              }).catch(() => undefined);
              if (login?.status === "signed_in" && login.mfaEnrolmentRequired) navigate("/account/mfa");
              else if (login?.status === "signed_in") navigate("/");
              else navigate("/sign-in");
            }}
          >
            {(error) => (
              <>
                <label>
                  {t.email}
                  <input name="email" type="email" value={preview.email} readOnly autoComplete="username" />
                </label>
                <Field name="displayName" label={t.displayName} autoComplete="name" error={error} />
                <Field
                  name="password"
                  label={t.password}
                  type="password"
                  autoComplete="new-password"
                  hint={t.passwordHint}
                  error={error}
                />
              </>
            )}
          </Form>
        </>
      )}
      <p class="hint">
        {t.invitationExpires}{" "}
        {new Intl.DateTimeFormat(navigator.language || "en", { dateStyle: "medium", timeStyle: "short" }).format(
          Date.parse(preview.expiresAt),
        )}
      </p>
    </Card>
  );
}
