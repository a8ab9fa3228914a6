import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { Card, Field, Form } from "../components.tsx";
import { t } from "../i18n.ts";
import { navigate } from "../router.ts";

type Login = { status: "signed_in"; mfaEnrolmentRequired: boolean } | { status: "mfa_required"; challenge: string };

/** Where to go after signing in: back to where the session was lost, on this origin only. */
function next(signedIn: { mfaEnrolmentRequired: boolean }): string {
  if (signedIn.mfaEnrolmentRequired) return "/account/mfa";
  const to = new URLSearchParams(location.search).get("next") ?? "/";
  // "//host" and "/\\host" would leave the origin.
  return /^\/(?![/\\])/.test(to) ? to : "/";
}

/** Password, then the authentication code (or a recovery code) when the account has a second factor. */
export function SignInPage() {
  const [challenge, setChallenge] = useState<string | undefined>(undefined);
  const [recovery, setRecovery] = useState(false);
  if (!challenge)
    return (
      <Card title={t.signInTitle}>
        <Form
          button={t.signIn}
          submit={async (f) => {
            const answer = await api<Login>("POST", "/auth/login", { email: f.email, password: f.password });
            if (answer.status === "mfa_required") setChallenge(answer.challenge);
            else navigate(next(answer));
          }}
        >
          {(error) => (
            <>
              <Field name="email" label={t.email} type="email" autoComplete="username" error={error} />
              <Field name="password" label={t.password} type="password" autoComplete="current-password" error={error} />
            </>
          )}
        </Form>
      </Card>
    );
  return (
    <Card title={t.signInTitle}>
      <Form
        button={t.verify}
        submit={async (f) => {
          const body = recovery ? { challenge, recoveryCode: f.recoveryCode } : { challenge, code: f.code };
          navigate(next(await api<{ mfaEnrolmentRequired: boolean }>("POST", "/auth/mfa", body)));
        }}
      >
        {(error) =>
          recovery ? (
            <Field name="recoveryCode" label={t.recoveryCode} autoComplete="one-time-code" error={error} />
          ) : (
            <Field
              name="code"
              label={t.code}
              hint={t.codeHint}
              inputMode="numeric"
              autoComplete="one-time-code"
              error={error}
            />
          )
        }
      </Form>
      {!recovery && (
        <button type="button" onClick={() => setRecovery(true)}>
          {t.useRecovery}
        </button>
      )}
    </Card>
  );
}
