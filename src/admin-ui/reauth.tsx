import { signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api } from "./api.ts";
import { problemText } from "./components.tsx";
import { t } from "./i18n.ts";
import { navigate } from "./router.ts";

/** What the account can prove itself with (GET /me's user). */
export type Proofs = { hasPassword: boolean; mfaEnabled: boolean };
type Waiter = { resolve: () => void; reject: (error: unknown) => void };
/** The calls waiting for one confirmation (two sensitive calls at once need it only once). */
const pending = signal<Waiter[] | undefined>(undefined);

/** Ends the wait: every waiting call runs again (confirmed) or fails as cancelled. */
function settle(confirmed: boolean): void {
  const waiters = pending.value ?? [];
  pending.value = undefined;
  for (const waiter of waiters) confirmed ? waiter.resolve() : waiter.reject(cancelled());
}

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
    await new Promise<void>((resolve, reject) => {
      pending.value = [...(pending.value ?? []), { resolve, reject }];
    });
    return call();
  }
}

/**
 * The confirmation `recent` asks for, rendered once per page (the Shell does; a card page renders its
 * own). Its own <dialog>, not <Dialog>: it may open above another dialog, and their title ids differ.
 * It asks GET /me what the account can prove itself with when it opens (a password set or two-factor
 * turned off a minute ago counts). Leaving the page cancels what waits: it never runs elsewhere.
 */
export function ReauthDialog() {
  const asking = pending.value !== undefined;
  const [proofs, setProofs] = useState<Proofs | undefined>(undefined);
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [useCode, setUseCode] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => settle(false), []);
  useEffect(() => {
    if (!asking) return;
    setProofs(undefined);
    setError(undefined);
    api<{ user: Proofs }>("GET", "/me").then(
      ({ user }) => {
        setProofs(user);
        setUseCode(!user.hasPassword);
      },
      // Unknown: offer the password (a wrong guess only costs a refusal beside the field).
      () => setProofs({ hasPassword: true, mfaEnabled: false }),
    );
  }, [asking]);
  useEffect(() => {
    if (proofs && !dialog.current?.open) dialog.current?.showModal();
  }, [proofs]);
  useEffect(() => input.current?.focus(), [proofs, useCode]);
  if (!asking || !proofs) return null;
  const { hasPassword, mfaEnabled } = proofs;
  const close = () => settle(false);
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
                settle(false);
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
              settle(true);
            } catch (failure) {
              // The session itself is gone (a wrong password is a 401 too, but INVALID_CREDENTIALS).
              if (failure instanceof ApiError && failure.problem.code === "UNAUTHENTICATED") {
                settle(false);
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
