import type { ComponentChildren } from "preact";
import { ApiError } from "../api.ts";
import { t } from "../i18n.ts";

/**
 * The settings form's controls: each with a label, a hint, and the API's message for its field path
 * (`settings.allowedOrigins.0`) beside it, marked invalid. Controls get their id from that path.
 */

export type FieldErrors = {
  /** The message for this exact field path (and it counts as shown). */
  at(path: string): string | undefined;
  /** The messages no control claimed: shown together at the end of the section. */
  rest(): { field: string; message: string }[];
};

/** The field errors of a failed save. Call `at` for every control while rendering, then `rest`. */
export function fieldErrors(error: unknown): FieldErrors {
  const list = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  const shown = new Set<string>();
  return {
    at(path) {
      const hit = list.find((e) => e.field === path);
      if (hit) shown.add(path);
      return hit?.message;
    },
    rest: () => list.filter((e) => !shown.has(e.field)),
  };
}

export const idOf = (path: string) => `f-${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;

type Common = { path: string; label: string; hint?: string | undefined; error?: string | undefined };

/** The line under a control: the API's message when there is one, else the hint. */
function Note(props: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <span id={`${props.id}-note`} class={props.error ? "error" : "hint"}>
      {props.error ?? props.hint ?? ""}
    </span>
  );
}

const described = (id: string, error: string | undefined) => ({
  id,
  "aria-describedby": `${id}-note`,
  "aria-invalid": error ? ("true" as const) : undefined,
});

export function TextControl(
  props: Common & {
    value: string;
    onInput: (value: string) => void;
    placeholder?: string | undefined;
    maxLength?: number;
    mono?: boolean;
  },
) {
  const id = idOf(props.path);
  return (
    <div class="control">
      <label for={id}>{props.label}</label>
      <input
        {...described(id, props.error)}
        class={props.mono ? "mono" : undefined}
        value={props.value}
        placeholder={props.placeholder}
        maxLength={props.maxLength}
        autoComplete="off"
        spellcheck={false}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <Note id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

/** A whole number; with `nullable`, an empty box means "off" (null). */
export function NumberControl(
  props: Common & {
    value: number | null;
    onInput: (value: number | null) => void;
    min: number;
    max: number;
    nullable?: boolean;
    unit?: string;
  },
) {
  const id = idOf(props.path);
  return (
    <div class="control">
      <label for={id}>{props.label}</label>
      <span class="with-unit">
        <input
          {...described(id, props.error)}
          type="number"
          inputMode="numeric"
          min={props.min}
          max={props.max}
          step={1}
          value={props.value === null || Number.isNaN(props.value) ? "" : String(props.value)}
          onInput={(e) => {
            const text = (e.currentTarget as HTMLInputElement).value.trim();
            props.onInput(text === "" ? (props.nullable ? null : Number.NaN) : Number(text));
          }}
        />
        {props.unit && <span class="hint">{props.unit}</span>}
      </span>
      <Note id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

export function SelectControl<T extends string>(
  props: Common & { value: T; options: readonly (readonly [T, string])[]; onChange: (value: T) => void },
) {
  const id = idOf(props.path);
  return (
    <div class="control">
      <label for={id}>{props.label}</label>
      <select
        {...described(id, props.error)}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as T)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <Note id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

/** A checkbox before its label, the hint (or the error) under both. */
export function CheckControl(props: Common & { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = idOf(props.path);
  return (
    <div class="control check">
      <input
        {...described(id, props.error)}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
      <Note id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

/** The platform's colour picker (always a valid #rrggbb) with the value beside it. */
export function ColorControl(props: Common & { value: string; onInput: (value: string) => void }) {
  const id = idOf(props.path);
  return (
    <div class="control">
      <label for={id}>{props.label}</label>
      <span class="with-unit">
        <input
          {...described(id, props.error)}
          type="color"
          value={props.value}
          onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
        />
        <code>{props.value}</code>
      </span>
      <Note id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

/**
 * A list of short texts (origins, selectors, event names): one box each with a remove button, and an
 * add button. `errors[i]` is the API's message for item i.
 */
export function ListControl(
  props: Common & {
    values: string[];
    errors: (string | undefined)[];
    onChange: (values: string[]) => void;
    itemLabel: string;
    addLabel: string;
    placeholder?: string;
    max: number;
    empty: string;
  },
) {
  const id = idOf(props.path);
  const set = (i: number, value: string) => props.onChange(props.values.map((v, j) => (j === i ? value : v)));
  return (
    <fieldset class="control list" aria-describedby={`${id}-note`}>
      <legend>{props.label}</legend>
      {props.values.length === 0 && <p class="hint">{props.empty}</p>}
      {props.values.map((value, i) => {
        const itemId = idOf(`${props.path}.${i}`);
        const error = props.errors[i];
        return (
          <div class="list-item" key={i}>
            <div class="list-row">
              <label class="sr-only" for={itemId}>
                {`${props.itemLabel} ${i + 1}`}
              </label>
              <input
                {...described(itemId, error)}
                class="mono"
                value={value}
                placeholder={props.placeholder}
                autoComplete="off"
                spellcheck={false}
                onInput={(e) => set(i, (e.currentTarget as HTMLInputElement).value)}
              />
              <button
                type="button"
                class="icon"
                aria-label={t.removeItem.replace("{item}", `${props.itemLabel} ${i + 1}`)}
                onClick={() => props.onChange(props.values.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
            <Note id={itemId} error={error} />
          </div>
        );
      })}
      {props.values.length < props.max && (
        <button type="button" class="add" onClick={() => props.onChange([...props.values, ""])}>
          {props.addLabel}
        </button>
      )}
      <Note id={id} hint={props.hint} error={props.error} />
    </fieldset>
  );
}

/** A titled group of controls inside a section. */
export function Group(props: { title: string; hint?: string; children: ComponentChildren }) {
  return (
    <fieldset class="group">
      <legend>{props.title}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      {props.children}
    </fieldset>
  );
}
