import { api } from "../api.ts";
import { Card, Field, Form } from "../components.tsx";
import { t } from "../i18n.ts";
import { navigate } from "../router.ts";

/** `/setup#token=…`: the link Loupe writes at first start creates the first administrator. */
export function SetupPage() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (!token)
    return (
      <Card area="account" title={t.setupTitle}>
        <p role="alert">{t.setupMissing}</p>
      </Card>
    );
  return (
    <Card area="account" title={t.setupTitle}>
      <p>{t.setupIntro}</p>
      <Form
        button={t.createAdmin}
        submit={async (f) => {
          await api("POST", "/setup", { token, email: f.email, displayName: f.displayName, password: f.password });
          // The token is spent: keep it out of the history, then enrol the second factor an admin needs.
          history.replaceState(null, "", "/setup");
          navigate("/account/mfa");
        }}
      >
        {(error) => (
          <>
            <Field name="email" label={t.email} type="email" autoComplete="username" error={error} />
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
    </Card>
  );
}
