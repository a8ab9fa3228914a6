import * as v from "valibot";
import { IdSchema } from "./common.ts";
import { OriginPatternSchema } from "./origins.ts";
import { MultilineText, PlainText } from "./text.ts";

/**
 * A project's widget settings: one schema for the server (validation, defaults, the public config)
 * and the admin UI (the settings form). Every field has a default, so `{}` is a complete, private-by-
 * default configuration: no allowed origin, no console capture, no IP, query strings dropped.
 */
const Color = v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i, "Expected a colour like #3366ff."));
const Text = (max: number) => v.pipe(v.string(), v.trim(), PlainText, v.maxLength(max));
const Days = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650));
const Toggle = v.strictObject({ enabled: v.optional(v.boolean(), false), required: v.optional(v.boolean(), false) });

export const AppearanceSchema = v.strictObject({
  /** A round button, a side tab with the label, or nothing (the page opens the widget through `Loupe.open()`). */
  launcher: v.optional(v.picklist(["button", "tab", "none"]), "button"),
  position: v.optional(v.picklist(["bottom-right", "bottom-left", "top-right", "top-left"]), "bottom-right"),
  color: v.optional(Color, "#4f46e5"),
  label: v.optional(Text(40), "Feedback"),
  /** Days a visitor may hide the launcher for (`us-bubbleHiddenAt_`); 0: the visitor cannot hide it. */
  visitorMayHideDays: v.optional(v.pipe(Days, v.maxValue(365)), 0),
});

const CustomFieldId = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,31}$/, "Expected a short lower-case key."));
const CustomField = v.variant("type", [
  v.strictObject({
    type: v.literal("select"),
    id: CustomFieldId,
    label: Text(100),
    options: v.pipe(v.array(Text(100)), v.minLength(1), v.maxLength(20)),
    required: v.optional(v.boolean(), false),
  }),
  v.strictObject({
    type: v.literal("checkbox"),
    id: CustomFieldId,
    label: Text(200),
    required: v.optional(v.boolean(), false),
  }),
]);

export const FieldsSchema = v.strictObject({
  rating: v.optional(
    v.strictObject({ ...Toggle.entries, scale: v.optional(v.picklist(["stars", "emoji", "nps"]), "stars") }),
    {},
  ),
  email: v.optional(Toggle, {}),
  title: v.optional(Toggle, {}),
  /** A category picker offering some of the team's labels. */
  category: v.optional(
    v.strictObject({ ...Toggle.entries, labelIds: v.optional(v.pipe(v.array(IdSchema), v.maxLength(20)), []) }),
    {},
  ),
  custom: v.optional(
    v.pipe(
      v.array(CustomField),
      v.maxLength(10),
      v.check((fields) => new Set(fields.map((f) => f.id)).size === fields.length, "Custom field ids must differ."),
    ),
    [],
  ),
});

export const PrivacySchema = v.strictObject({
  /** CSS selectors of the page's private parts, blacked out in the clone before anything is rendered. */
  selectors: v.optional(v.pipe(v.array(Text(200)), v.maxLength(50)), []),
  /** Black out the values of all form fields (passwords and sensitive autofill fields always are). */
  formFields: v.optional(v.boolean(), true),
  /** Also black out text that looks like an email address or a (Luhn-valid) card number. */
  maskEmails: v.optional(v.boolean(), false),
  maskCardNumbers: v.optional(v.boolean(), false),
});

/** URL rules: plain comparisons or a glob with `*` — never a regular expression (no catastrophic backtracking). */
const UrlRule = v.strictObject({
  match: v.picklist(["contains", "equals", "startsWith", "endsWith", "glob"]),
  value: Text(500),
});
const EventName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, "Expected an event name."));

export const RulesSchema = v.strictObject({
  autoOpen: v.optional(
    v.strictObject({
      afterSeconds: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600))), null),
      scrollPercent: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))), null),
      exitIntent: v.optional(v.boolean(), false),
      onEvents: v.optional(v.pipe(v.array(EventName), v.maxLength(20)), []),
    }),
    {},
  ),
  urls: v.optional(
    v.strictObject({
      include: v.optional(v.pipe(v.array(UrlRule), v.maxLength(50)), []),
      exclude: v.optional(v.pipe(v.array(UrlRule), v.maxLength(50)), []),
    }),
    {},
  ),
  devices: v.optional(v.pipe(v.array(v.picklist(["desktop", "tablet", "mobile"])), v.minLength(1), v.maxLength(3)), [
    "desktop",
    "tablet",
    "mobile",
  ]),
  /** Who gets the automatic prompt: everyone, visitors the page identified, or nobody (API only). */
  audience: v.optional(v.picklist(["everyone", "identified", "nobody"]), "everyone"),
  /** Share of visitors (stable per reporter id) who get the prompt. */
  samplePercent: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)), 100),
  frequency: v.optional(
    v.strictObject({
      showOnce: v.optional(v.boolean(), false),
      /** Days until the prompt may return after a dismiss / a submit; null: never again. */
      againAfterDismissDays: v.optional(v.nullable(Days), 30),
      againAfterSubmitDays: v.optional(v.nullable(Days), null),
      maxTimes: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))), null),
    }),
    {},
  ),
});

const Locale = v.pipe(v.string(), v.regex(/^[a-z]{2}(-[A-Z]{2})?$/, "Expected a language like de or de-AT."));
const StringKey = v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9_.]{0,63}$/, "Expected a string key."));
const Strings = v.pipe(
  v.record(Locale, v.record(StringKey, v.pipe(v.string(), v.maxLength(500), MultilineText))),
  v.check((s) => new TextEncoder().encode(JSON.stringify(s)).length <= 32 * 1024, "At most 32 KB of strings."),
);

export const WidgetSettingsSchema = v.strictObject({
  // Privacy-affecting: the team's owners change these (each change is in the audit trail).
  allowedOrigins: v.optional(v.pipe(v.array(OriginPatternSchema), v.maxLength(50)), []),
  privacy: v.optional(PrivacySchema, {}),
  /** The widget may keep its documented `us-` keys in localStorage; off: every visit is a first one. */
  storage: v.optional(v.boolean(), true),
  /** Store the visitor's IP address with the item. */
  storeIp: v.optional(v.boolean(), false),
  /** The page URL's query string and fragment: dropped (default) or kept. */
  urlQuery: v.optional(v.picklist(["drop", "keep"]), "drop"),
  /** The last 50 console errors and warnings, secrets redacted. */
  consoleCapture: v.optional(v.boolean(), false),
  /** Feedback older than this many days is deleted for good by the daily job; null: kept until deleted. */
  retentionDays: v.optional(
    v.nullable(
      v.pipe(
        v.number("Expected a number of days."),
        v.integer("Expected a whole number of days."),
        v.minValue(1, "At least 1 day."),
        v.maxValue(3650, "At most 3650 days (10 years)."),
      ),
    ),
    null,
  ),
  // Members and owners change these.
  appearance: v.optional(AppearanceSchema, {}),
  fields: v.optional(FieldsSchema, {}),
  rules: v.optional(RulesSchema, {}),
  capture: v.optional(
    v.strictObject({
      mode: v.optional(v.picklist(["viewport", "fullPage"]), "viewport"),
      maxWidth: v.optional(v.pipe(v.number(), v.integer(), v.minValue(640), v.maxValue(3840)), 1920),
    }),
    {},
  ),
  /** Overrides of the widget's built-in strings, by language. */
  strings: v.optional(Strings, {}),
});
export type WidgetSettings = v.InferOutput<typeof WidgetSettingsSchema>;

/** The settings only the team's owners may change: who may submit and what is collected. */
export const PRIVACY_SETTINGS = [
  "allowedOrigins",
  "privacy",
  "storage",
  "storeIp",
  "urlQuery",
  "consoleCapture",
  "retentionDays",
] as const;

/** A change of settings: each section given is replaced whole (its own defaults fill what it omits). */
export const WidgetSettingsChangeSchema = v.strictObject(
  Object.fromEntries(
    Object.entries(WidgetSettingsSchema.entries).map(([key, entry]) => [key, v.optional(entry.wrapped)]),
  ) as {
    [K in keyof typeof WidgetSettingsSchema.entries]: v.OptionalSchema<
      (typeof WidgetSettingsSchema.entries)[K]["wrapped"],
      undefined
    >;
  },
);
export type WidgetSettingsChange = v.InferOutput<typeof WidgetSettingsChangeSchema>;
/** What a client sends to change settings (every default may be left out). */
export type WidgetSettingsChangeInput = v.InferInput<typeof WidgetSettingsChangeSchema>;

/** What the widget on a visitor's page fetches: no team data, no allowed origins, nothing about IPs. */
export const PublicWidgetConfigSchema = v.object({
  /** The project's id: names the widget's `us-…_<id>` localStorage keys (it survives a key rotation). */
  widgetId: v.string(),
  /** Whether the prompt may open by itself for someone: the widget then loads its display-rule chunk. */
  autoOpenRules: v.boolean(),
  /**
   * The launcher's stylesheet and the theme variables (`--c`, the project's colour), rendered by the
   * server from the validated appearance: the loader adopts it as is and stays under its 1 KB budget.
   */
  launcherCss: v.string(),
  privacy: PrivacySchema,
  storage: v.boolean(),
  urlQuery: v.picklist(["drop", "keep"]),
  consoleCapture: v.boolean(),
  appearance: AppearanceSchema,
  fields: v.object({
    ...FieldsSchema.entries,
    category: v.object({
      enabled: v.boolean(),
      required: v.boolean(),
      options: v.array(v.object({ id: v.string(), name: v.string() })),
    }),
  }),
  rules: RulesSchema,
  capture: v.object({ mode: v.picklist(["viewport", "fullPage"]), maxWidth: v.number() }),
  strings: v.record(v.string(), v.record(v.string(), v.string())),
});
export type PublicWidgetConfig = v.InferOutput<typeof PublicWidgetConfigSchema>;
