import { useState } from "preact/hooks";
import { ApiError, api } from "./api.ts";
import { Dialog, Field, Form } from "./components.tsx";
import { t } from "./i18n.ts";
import { navigate } from "./router.ts";

type Proofs = { hasPassword: boolean; mfaEnabled: boolean };
type Pending = { resolve: () => void; reject: (error: unknown) => void };

/**
 * Sensitive changes need a sign-in from the last 5 minutes. `run(call)` makes the call; when the API
 * answers REAUTH_REQUIRED it asks for the password (or an authentication code), confirms it with the
 * API and makes the call once more. Cancelling rejects with the API's problem, so forms and confirm
 * buttons say that nothing changed. Render `dialog` somewhere in the page.
 */
export function useReauth(account: Proofs | undefined) {
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  async function run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError && error.problem.code === "REAUTH_REQUIRED")) throw error;
      await new Promise<void>((resolve, reject) => setPending({ resolve, reject }));
      return call();
    }
  }
  const dialog = pending ? (
    <ReauthDialog
      account={account ?? { hasPassword: true, mfaEnabled: false }}
      onDone={() => {
        setPending(undefined);
        pending.resolve();
      }}
      onCancel={() => {
        setPending(undefined);
        pending.reject(new ApiError(403, { code: "REAUTH_REQUIRED", detail: t.reauthCancelled }));
      }}
    />
  ) : null;
  return { run, dialog };
}

function ReauthDialog(props: { account: Proofs; onDone: () => void; onCancel: () => void }) {
  const { hasPassword, mfaEnabled } = props.account;
  const [useCode, setUseCode] = useState(!hasPassword);
  if (!hasPassword && !mfaEnabled)
    return (
      <Dialog title={t.reauthTitle} onClose={props.onCancel}>
        <p>{t.reauthSignInAgain}</p>
        <div class="actions">
          <button type="button" onClick={props.onCancel}>
            {t.cancel}
          </button>
          <button
            type="button"
            class="primary"
            onClick={async () => {
              const here = location.pathname + location.search;
              await api("POST", "/auth/logout").catch(() => undefined);
              navigate(`/sign-in?next=${encodeURIComponent(here)}`);
            }}
          >
            {t.signInAgain}
          </button>
        </div>
      </Dialog>
    );
  return (
    <Dialog title={t.reauthTitle} onClose={props.onCancel}>
      <p class="dialog-intro">{t.reauthIntro}</p>
      <Form
        button={t.confirm}
        submit={async (f) => {
          const field = useCode ? "code" : "password";
          try {
            await api("POST", "/auth/reauth", useCode ? { code: f.code } : { password: f.password });
          } catch (error) {
            // A wrong password or code is this field's error (the API answers without naming it).
            if (error instanceof ApiError && error.problem.code === "INVALID_CREDENTIALS")
              throw new ApiError(error.status, {
                ...error.problem,
                errors: [{ field, message: useCode ? t.reauthWrongCode : t.reauthWrongPassword }],
              });
            throw error;
          }
          props.onDone();
        }}
      >
        {(error) =>
          useCode ? (
            <Field
              name="code"
              label={t.code}
              hint={t.codeHint}
              inputMode="numeric"
              autoComplete="one-time-code"
              error={error}
            />
          ) : (
            <Field name="password" label={t.password} type="password" autoComplete="current-password" error={error} />
          )
        }
      </Form>
      <div class="actions">
        {hasPassword && mfaEnabled && (
          <button type="button" class="link" onClick={() => setUseCode(!useCode)}>
            {useCode ? t.reauthUsePassword : t.reauthUseCode}
          </button>
        )}
        <button type="button" onClick={props.onCancel}>
          {t.cancel}
        </button>
      </div>
    </Dialog>
  );
}
