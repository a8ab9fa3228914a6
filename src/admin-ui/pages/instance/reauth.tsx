import { signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, fieldError } from "../../api.ts";
import { problemText } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";

type Pending = { resolve: () => void; reject: (error: unknown) => void };
const pending = signal<Pending | undefined>(undefined);

/** What a cancelled confirmation leaves: a problem like the API's, so callers show it the same way. */
const cancelled = () => new ApiError(403, { code: "REAUTH_CANCELLED", detail: t.instReauthCancelled });

/**
 * Runs an API call that needs a sign-in from the last 5 minutes: when the server answers
 * REAUTH_REQUIRED, asks for the password (or a code) with <ReauthDialog>, confirms it through
 * POST /auth/reauth and runs the call once more. Cancelling rejects with REAUTH_CANCELLED.
 */
export async function recent<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiError && error.problem.code === "REAUTH_REQUIRED")) throw error;
    await new Promise<void>((resolve, reject) => {
      pending.value = { resolve, reject };
    });
    return call();
  }
}

/** The confirmation asked by `recent` (rendered once by the page). */
export function ReauthDialog(props: { hasPassword: boolean }) {
  const asking = pending.value;
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (asking && !dialog.current?.open) dialog.current?.showModal();
  }, [asking]);
  const [useCode, setUseCode] = useState(!props.hasPassword);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  if (!asking) return null;
  const close = () => {
    pending.value = undefined;
    setError(undefined);
    asking.reject(cancelled());
  };
  const field = useCode ? "code" : "password";
  // A wrong password or code is said beside the field; anything else (too many attempts) below.
  const message =
    fieldError(error, field) ??
    (error instanceof ApiError && error.problem.code === "INVALID_CREDENTIALS" ? problemText(error) : undefined);
  const general = error && !message ? problemText(error) : undefined;
  return (
    // Its own <dialog> (not <Dialog>): it opens above another dialog, and their title ids must differ.
    <dialog ref={dialog} aria-labelledby="reauth-title" onClose={close}>
      <h2 id="reauth-title">{t.instReauthTitle}</h2>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const value = String(new FormData(event.currentTarget).get(field) ?? "");
          setBusy(true);
          setError(undefined);
          try {
            await api("POST", "/auth/reauth", { [field]: value });
            pending.value = undefined;
            asking.resolve();
          } catch (failure) {
            if (failure instanceof ApiError && failure.problem.code === "UNAUTHENTICATED") {
              pending.value = undefined;
              handleLostSession(failure);
            }
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>{useCode ? t.instReauthCodeIntro : t.instReauthIntro}</p>
        <label key={field}>
          {useCode ? t.code : t.password}
          <input
            name={field}
            type={(useCode ? "text" : "password") as "text"}
            inputMode={useCode ? "numeric" : undefined}
            autoComplete={useCode ? "one-time-code" : "current-password"}
            aria-invalid={message ? "true" : undefined}
            aria-describedby="reauth-note"
            required
          />
          <span id="reauth-note" class={message ? "error" : "hint"}>
            {message ?? ""}
          </span>
        </label>
        {general && (
          <p class="error" role="alert">
            {general}
          </p>
        )}
        {props.hasPassword && (
          <button type="button" class="link" onClick={() => setUseCode(!useCode)}>
            {useCode ? t.instUsePassword : t.instUseCode}
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
    </dialog>
  );
}
