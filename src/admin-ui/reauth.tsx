import { signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api } from "./api.ts";
import { problemText } from "./components.tsx";
import { t } from "./i18n.ts";
import { navigate } from "./router.ts";

/** What the account can prove itself with (GET /me's user). */
export type Proofs = { hasPassword: boolean; mfaEnabled: boolean };
type Pending = { resolve: () => void; reject: (error: unknown) => void };
const pending = signal<Pending | undefined>(undefined);

/** What a cancelled confirmation leaves: a problem like the API's, so callers show it the same way. */
const cancelled = () => new ApiError(403, { code: "REAUTH_CANCELLED", detail: t.reauthCancelled });
/** Whether `error` is the user declining to confirm (nothing to report beyond "nothing changed"). */
export const isCancelled = (error: unknown) => error instanceof ApiError && error.problem.code === "REAUTH_CANCELLED";

/**
 * Runs an API call that needs a sign-in from the last 5 minutes: when the server answers
 * REAUTH_REQUIRED, asks for the password (or an authentication code) with <ReauthDialog>, confirms
 * it through POST /auth/reauth and runs the call once more. Cancelling rejects with REAUTH_CANCELLED,
 * so forms and confirm buttons say that nothing changed. The one way every page does this.
 */
export async function recent<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiError && error.problem.code === "REAUTH_REQUIRED")) throw error;
    pending.value?.reject(cancelled());
    await new Promise<void>((resolve, reject) => {
      pending.value = { resolve, reject };
    });
    return call();
  }
}

/**
 * The confirmation `recent` asks for, rendered once per page (the Shell does; a card page renders its
 * own). Its own <dialog>, not <Dialog>: it may open above another dialog, and their title ids differ.
 */
export function ReauthDialog(props: { account: Proofs | undefined }) {
  const asking = pending.value;
  const { hasPassword, mfaEnabled } = props.account ?? { hasPassword: true, mfaEnabled: false };
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [useCode, setUseCode] = useState(!hasPassword);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (asking && !dialog.current?.open) dialog.current?.showModal();
  }, [asking]);
  useEffect(() => input.current?.focus(), [asking, useCode]);
  if (!asking) return null;
  const close = () => {
    if (pending.value !== asking) return;
    pending.value = undefined;
    setError(undefined);
    asking.reject(cancelled());
  };
  const field = useCode ? "code" : "password";
  // A wrong password or code is said beside the field; anything else (too many attempts) below it.
  const wrong = error instanceof ApiError && error.problem.code === "INVALID_CREDENTIALS";
  const message = wrong ? (useCode ? t.reauthWrongCode : t.reauthWrongPassword) : undefined;
  const general = error && !wrong ? problemText(error) : undefined;
  return (
    <dialog ref={dialog} aria-labelledby="reauth-title" onClose={close}>
      <h2 id="reauth-title">{t.reauthTitle}</h2>
      {!hasPassword && !mfaEnabled ? (
        // Signed in through a provider only: a fresh sign-in is the only proof there is.
        <>
          <p>{t.reauthSignInAgain}</p>
          <div class="actions">
            <button type="button" onClick={close}>
              {t.cancel}
            </button>
            <button
              type="button"
              class="primary"
              onClick={async () => {
                const here = location.pathname + location.search;
                await api("POST", "/auth/logout").catch(() => undefined);
                pending.value = undefined;
                navigate(`/sign-in?next=${encodeURIComponent(here)}`);
              }}
            >
              {t.signInAgain}
            </button>
          </div>
        </>
      ) : (
        <form
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const value = input.current?.value ?? "";
            setBusy(true);
            setError(undefined);
            try {
              await api("POST", "/auth/reauth", useCode ? { code: value.trim() } : { password: value });
              pending.value = undefined;
              asking.resolve();
            } catch (failure) {
              // The session itself is gone (a wrong password is a 401 too, but INVALID_CREDENTIALS).
              if (failure instanceof ApiError && failure.problem.code === "UNAUTHENTICATED") {
                pending.value = undefined;
                navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
              }
              setError(failure);
            } finally {
              setBusy(false);
            }
          }}
        >
          <p>{useCode ? t.reauthCodeIntro : t.reauthIntro}</p>
          <label key={field}>
            {useCode ? t.code : t.password}
            <input
              ref={input}
              name={field}
              type={(useCode ? "text" : "password") as "text"}
              inputMode={useCode ? "numeric" : undefined}
              autoComplete={useCode ? "one-time-code" : "current-password"}
              aria-invalid={message ? "true" : undefined}
              aria-describedby="reauth-note"
              required
            />
            <span id="reauth-note" class={message ? "error" : "hint"} role={message ? "alert" : undefined}>
              {message ?? (useCode ? t.codeHint : "")}
            </span>
          </label>
          {general && (
            <p class="error" role="alert">
              {general}
            </p>
          )}
          {hasPassword && mfaEnabled && (
            <button
              type="button"
              class="link"
              onClick={() => {
                setUseCode(!useCode);
                setError(undefined);
              }}
            >
              {useCode ? t.reauthUsePassword : t.reauthUseCode}
            </button>
          )}
          <div class="actions">
            <button type="button" onClick={close}>
              {t.cancel}
            </button>
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t.working : t.confirm}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
