import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, fieldError } from "./api.ts";
import { t } from "./i18n.ts";

/** A labelled input whose error (the API's message for this field) is announced and marked. */
export function Field(props: {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  hint?: string;
  error: unknown;
  autoComplete?: string;
  inputMode?: "numeric" | "text" | "email";
  /** The value the field starts with (and returns to when its form resets). */
  defaultValue?: string;
  /** Default true. */
  required?: boolean;
}) {
  const message = fieldError(props.error, props.name);
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type={(props.type ?? "text") as "text"}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        defaultValue={props.defaultValue}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={`${props.name}-note`}
        required={props.required ?? true}
      />
      <span id={`${props.name}-note`} class={message ? "error" : "hint"}>
        {message ?? props.hint ?? ""}
      </span>
    </label>
  );
}

/** A form that sends its fields to `submit` and shows progress and the API's problem. */
export function Form(props: {
  submit: (fields: Record<string, string>) => Promise<void>;
  button: string;
  children: (error: unknown) => ComponentChildren;
}) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    setBusy(true);
    setError(undefined);
    try {
      await props.submit(data);
      form.reset(); // done: the form is ready for the next one
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const general =
    error instanceof ApiError && !error.problem.errors?.length
      ? (error.problem.detail ?? t.failed.replace("{code}", error.problem.code))
      : undefined;
  return (
    <form onSubmit={onSubmit} noValidate>
      {props.children(error)}
      {general && (
        <p class="error" role="alert">
          {general}
        </p>
      )}
      <button class="primary" type="submit" disabled={busy}>
        {busy ? t.working : props.button}
      </button>
    </form>
  );
}

export function Card(props: { title: string; children: ComponentChildren; area?: string }) {
  return (
    <main class={props.area ? `center area-${props.area}` : "center"}>
      <section class="card" aria-labelledby="card-title">
        <span class="brand">Loupe</span>
        <h1 id="card-title">{props.title}</h1>
        {props.children}
      </section>
    </main>
  );
}

/** A titled block of a settings page. */
export function Section(props: { id: string; title: string; intro?: string; children: ComponentChildren }) {
  return (
    <section class="panel" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.intro && <p>{props.intro}</p>}
      {props.children}
    </section>
  );
}

/** A short coloured label (status, role, state); the text says it all, the colour only helps. */
export function Badge(props: {
  tone?: "neutral" | "accent" | "good" | "warn" | "danger";
  children: ComponentChildren;
}) {
  return <span class={`badge ${props.tone ?? "neutral"}`}>{props.children}</span>;
}

/** Nothing to show yet: what this place is for and what to do. */
export function EmptyState(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/** A placeholder while the first answer is on its way. */
export function Skeleton(props: { lines?: number }) {
  return (
    <div role="status" aria-busy="true">
      <span class="sr-only">{t.working}</span>
      {Array.from({ length: props.lines ?? 3 }, (_, i) => (
        <div key={i} class="skeleton line" />
      ))}
    </div>
  );
}

/** A modal dialog (the platform's <dialog>: focus trapped, Esc closes). */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={props.onClose}>
      <h2 id="dialog-title">{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** A destructive action that asks first, saying what will happen. */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirm: string;
  action: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <>
      <button type="button" class="danger" onClick={() => setAsking(true)}>
        {props.label}
      </button>
      {asking && (
        <Dialog title={props.label} onClose={() => setAsking(false)}>
          <p>{props.question}</p>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <div class="actions">
            <button type="button" onClick={() => setAsking(false)}>
              {t.cancel}
            </button>
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(undefined);
                try {
                  await props.action();
                  setAsking(false);
                } catch (caught) {
                  setError(problemText(caught));
                } finally {
                  setBusy(false);
                }
              }}
            >
              {busy ? t.working : props.confirm}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

/** Copies text to the clipboard and says so. */
export function CopyButton(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        await navigator.clipboard.writeText(props.text);
        setCopied(true);
      }}
    >
      {copied ? t.copied : props.label}
    </button>
  );
}

/** The API's explanation of a failure, for a person. */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail ?? t.failed.replace("{code}", error.problem.code);
  return t.failed.replace("{code}", "NETWORK");
}

/** Short confirmations ("Saved") announced to screen readers and shown for a few seconds. */
export const toasts = signal<{ id: number; text: string; tone: "good" | "danger" }[]>([]);
let toastId = 0;
export function toast(text: string, tone: "good" | "danger" = "good"): void {
  const id = ++toastId;
  toasts.value = [...toasts.value, { id, text, tone }];
  setTimeout(() => {
    toasts.value = toasts.value.filter((entry) => entry.id !== id);
  }, 4000);
}
export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.value.map((entry) => (
        <p key={entry.id} class={`toast ${entry.tone}`}>
          {entry.text}
        </p>
      ))}
    </div>
  );
}
