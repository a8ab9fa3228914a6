import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api.ts";
import { problemText } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { isCancelled } from "../../reauth.tsx";
import type { Me, Team } from "../../shell.tsx";

/** What every team section gets. */
export type SectionProps = { team: Team; me: Me };
export type Role = "owner" | "member" | "reporter";

export const roleName = (role: Role): string =>
  ({ owner: t.roleOwner, member: t.roleMember, reporter: t.roleReporter })[role];
/** The role inside a sentence ("as a member", "als Mitglied"). */
export const asRole = (role: Role): string =>
  ({ owner: t.asRoleOwner, member: t.asRoleMember, reporter: t.asRoleReporter })[role];

const language = navigator.language || "en";

/** A moment as "3 hours ago" (or "in 5 days"), the exact time on hover and for assistive technology. */
export function Time(props: { iso: string; past?: boolean; exact?: boolean }) {
  const at = Date.parse(props.iso);
  const exact = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(at);
  // A moment known to be past never reads "in 2 minutes" when this device's clock is behind the server's.
  const seconds = Math.round(((props.past ? Math.min(at, Date.now()) : at) - Date.now()) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 31_536_000],
    ["month", 2_592_000],
    ["day", 86_400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const [unit, size] = steps.find(([, s]) => Math.abs(seconds) >= s) ?? ["second", 1];
  const relative =
    unit === "second"
      ? t.teamJustNow
      : new Intl.RelativeTimeFormat(language, { numeric: "auto" }).format(Math.round(seconds / size), unit);
  return (
    <time dateTime={props.iso} title={props.exact ? relative : exact}>
      {props.exact ? exact : relative}
    </time>
  );
}

/** A button that runs an API call, shows progress, and the API's explanation when it fails (beside it). */
export function ActionButton(props: {
  label: string;
  run: () => Promise<void>;
  tone?: "primary" | "danger";
  busyLabel?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <span class="action">
      <button
        type="button"
        class={props.tone}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await props.run();
          } catch (caught) {
            if (!isCancelled(caught)) setError(problemText(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? (props.busyLabel ?? t.working) : props.label}
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** Shown instead of a section the caller's role may not use (the API refuses it too). */
export function OwnersOnly(props: { team: Team; what: string; title?: string; children?: ComponentChildren }) {
  return (
    <div class="notice" role="note">
      <p>
        <strong>{props.title ?? t.ownersOnlyTitle}</strong>
      </p>
      <p>{props.what}</p>
      <p class="muted">
        {props.team.role
          ? t.yourRole.replace("{role}", asRole(props.team.role)).replace("{team}", props.team.name)
          : ""}
      </p>
      {props.children}
    </div>
  );
}

/**
 * Downloads an API answer as a file (fetched with the session; no token in any URL). With `body`, a
 * POST of that JSON: what it names (an email address) stays out of every URL.
 */
export async function downloadFrom(path: string, fallbackName: string, body?: unknown): Promise<void> {
  const response = await fetch(`/api/v1${path}`, {
    credentials: "same-origin",
    ...(body === undefined
      ? { headers: { "X-Requested-With": "loupe-ui" } }
      : {
          method: "POST",
          headers: { "X-Requested-With": "loupe-ui", "Content-Type": "application/json" },
          body: JSON.stringify(body),
        }),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ code: "NETWORK" }));
    throw new ApiError(response.status, problem);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A colour swatch; the colour is set through the CSSOM (the strict CSP forbids style attributes). */
export function Swatch(props: { color: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.style.backgroundColor = props.color;
  }, [props.color]);
  return <span ref={ref} class="swatch" aria-hidden="true" />;
}

/**
 * A control with its label and a note (the API's message for it when there is one) beside it, not
 * inside the label: the control's accessible name is the label alone, and the note its description.
 */
export function Labeled(props: {
  id: string;
  label: string;
  note?: string;
  error?: string;
  /** The note is for assistive technology only, unless it is an error. */
  quietNote?: boolean;
  class?: string;
  children: ComponentChildren;
}) {
  const text = props.error ?? props.note;
  const noteClass = props.error ? "error" : props.quietNote ? "sr-only" : "hint";
  return (
    <div class={props.class ? `field ${props.class}` : "field"}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {text !== undefined && (
        <span id={`${props.id}-note`} class={noteClass}>
          {text}
        </span>
      )}
    </div>
  );
}

/** A checkbox with its label and, below, a hint that describes it (not part of its name). */
export function Check(props: {
  id: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div class="check">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        aria-describedby={`${props.id}-hint`}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <div>
        <label htmlFor={props.id}>{props.label}</label>
        <span id={`${props.id}-hint`} class="hint block">
          {props.hint}
        </span>
      </div>
    </div>
  );
}
