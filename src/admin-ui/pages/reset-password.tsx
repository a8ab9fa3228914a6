import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api.ts";
import { Card, Field, Form } from "../components.tsx";
import { t } from "../i18n.ts";
import { LanguageSwitch } from "../language.tsx";
import { NewPasswordField, samePasswords } from "../password-field.tsx";
import { navigate } from "../router.ts";

const toSignIn = (e?: Event) => {
  e?.preventDefault();
  navigate("/sign-in");
};

/**
 * `/reset-password`: ask for a reset link by email (the same answer whether or not the account
 * exists), or, from the emailed link `/reset-password#token=…` (the token in the fragment, which is
 * never sent to a server), choose a new password.
 */
export default function ResetPasswordPage() {
  const [token, setToken] = useState(tokenInFragment);
  useEffect(() => {
    // A link opened while this page is showing changes only the fragment.
    const read = () => setToken(tokenInFragment());
    addEventListener("hashchange", read);
    return () => removeEventListener("hashchange", read);
  }, []);
  return token ? <Complete key={token} token={token} /> : <Request />;
}

function tokenInFragment(): string | undefined {
  const value = new URLSearchParams(location.hash.slice(1)).get("token");
  return value && /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
}

function Request(props: { problem?: string }) {
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  if (sentTo)
    return (
      <Card area="account" title={t.resetSentTitle}>
        <p role="status">{t.resetSent.replace("{email}", sentTo)}</p>
        <p>{t.resetSentHint}</p>
        <a class="button" href="/sign-in" onClick={toSignIn}>
          {t.backToSignIn}
        </a>
      </Card>
    );
  return (
    <Card area="account" title={t.resetTitle}>
      {props.problem && (
        <p class="error" role="alert">
          {props.problem}
        </p>
      )}
      <p>{t.resetIntro}</p>
      <Form
        button={t.sendResetLink}
        submit={async (f) => {
          await api("POST", "/auth/password-reset/request", { email: f.email });
          setSentTo(f.email);
        }}
      >
        {(error) => <Field name="email" label={t.email} type="email" autoComplete="username" error={error} />}
      </Form>
      <a class="quiet-link" href="/sign-in" onClick={toSignIn}>
        {t.backToSignIn}
      </a>
      <LanguageSwitch compact />
    </Card>
  );
}

function Complete({ token }: { token: string }) {
  const [state, setState] = useState<"form" | "done" | "invalid">("form");
  if (state === "done")
    return (
      <Card area="account" title={t.resetDoneTitle}>
        <p role="status">{t.resetDone}</p>
        <a class="button primary" href="/sign-in" onClick={toSignIn}>
          {t.signIn}
        </a>
      </Card>
    );
  // A used or expired link: say so, and offer a new one right here.
  if (state === "invalid") return <Request problem={t.resetLinkInvalid} />;
  return (
    <Card area="account" title={t.chooseNewPassword}>
      <p>{t.chooseNewPasswordIntro}</p>
      <Form
        button={t.setNewPassword}
        submit={async (f) => {
          samePasswords(f, "newPassword", "repeatPassword");
          try {
            await api("POST", "/auth/password-reset/complete", { token, newPassword: f.newPassword });
          } catch (error) {
            if (!(error instanceof ApiError && error.problem.code === "TOKEN_INVALID")) throw error;
            history.replaceState(null, "", "/reset-password");
            return setState("invalid");
          }
          // The token is spent: keep it out of the address bar and the history.
          history.replaceState(null, "", "/reset-password");
          setState("done");
        }}
      >
        {(error) => (
          <>
            <NewPasswordField name="newPassword" label={t.newPassword} context={[]} error={error} />
            <Field
              name="repeatPassword"
              label={t.repeatPassword}
              type="password"
              autoComplete="new-password"
              error={error}
            />
          </>
        )}
      </Form>
    </Card>
  );
}
