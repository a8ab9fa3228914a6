import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
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
        aria-invalid={message ? "true" : undefined}
        aria-describedby={`${props.name}-note`}
        required
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

export function Card(props: { title: string; children: ComponentChildren }) {
  return (
    <main class="center">
      <section class="card" aria-labelledby="card-title">
        <span class="brand">Loupe</span>
        <h1 id="card-title">{props.title}</h1>
        {props.children}
      </section>
    </main>
  );
}
