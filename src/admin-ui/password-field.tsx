import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, fieldError } from "./api.ts";
import { t } from "./i18n.ts";

const MIN = 12;

/**
 * A rough, offline strength estimate for the hint under a new password (the server has the last
 * word: it also refuses the 49,000 most common passwords). 0 = refused, 4 = very strong.
 */
export function passwordStrength(password: string, context: string[]): { score: 0 | 1 | 2 | 3 | 4; text: string } {
  const chars = [...password];
  if (chars.length < MIN) return { score: 0, text: t.strengthShort.replace("{n}", String(MIN - chars.length)) };
  const lower = password.toLowerCase();
  if (context.some((word) => word.length >= 4 && lower === word.toLowerCase()))
    return { score: 0, text: t.strengthContext };
  const distinct = new Set(chars).size;
  if (distinct < 5) return { score: 1, text: t.strengthRepetitive };
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^A-Za-z0-9]/.test(password)) pool += 33;
  // Each distinct character adds less when few are used (a rough penalty for repeats and patterns).
  const bits = Math.log2(Math.max(pool, 2)) * Math.min(chars.length, distinct * 2);
  if (bits < 50) return { score: 2, text: t.strengthFair };
  if (bits < 75) return { score: 3, text: t.strengthGood };
  return { score: 4, text: t.strengthStrong };
}

/** A new password with a live strength hint; the API's message for the field replaces the hint. */
export function NewPasswordField(props: { name: string; label: string; error: unknown; context: string[] }) {
  const [value, setValue] = useState("");
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // The form resets after a successful submit: the hint starts over with it.
    const form = ref.current?.form;
    const clear = () => setValue("");
    form?.addEventListener("reset", clear);
    return () => form?.removeEventListener("reset", clear);
  }, []);
  const message = fieldError(props.error, props.name);
  const strength = value ? passwordStrength(value, props.context) : undefined;
  // The hint is outside the label: it describes the field (aria-describedby) without renaming it.
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <input
        ref={ref}
        id={props.name}
        name={props.name}
        type="password"
        autoComplete="new-password"
        aria-invalid={message ? "true" : undefined}
        aria-describedby={`${props.name}-note`}
        required
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
      />
      {strength && (
        <span class={`strength s${strength.score}`} aria-hidden="true">
          <span />
        </span>
      )}
      <span id={`${props.name}-note`} class={message ? "error" : "hint"} aria-live="polite">
        {message ?? strength?.text ?? t.passwordHint}
      </span>
    </div>
  );
}

/** The "repeat the password" check, before anything is sent: the mismatch named beside the field. */
export function samePasswords(fields: Record<string, string>, first: string, second: string): void {
  if (fields[first] !== fields[second])
    throw new ApiError(400, { code: "VALIDATION_FAILED", errors: [{ field: second, message: t.passwordsDiffer }] });
}
