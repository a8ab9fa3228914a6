import fc from "fast-check";
import * as v from "valibot";

/**
 * fast-check arbitraries built from a valibot schema object: `validArbitrary` walks the schema (strict
 * objects, pipes with their length/value/regex/format actions, unions, records …) and produces values
 * the schema should accept; `mutate` takes such a value and breaks it in one place (a wrong type, a
 * length or value boundary, hostile unicode, a huge string, NaN/Infinity, deep nesting, an unknown key).
 * Custom `check` actions cannot be generated for; the validator decides those.
 */

type Node = {
  kind: string;
  type: string;
  pipe?: Node[];
  entries?: Record<string, Node>;
  wrapped?: Node;
  item?: Node;
  options?: unknown[];
  key?: Node | string;
  value?: Node;
  literal?: unknown;
  requirement?: unknown;
};

/** The actions of a (possibly nested) pipe, outermost last. */
function actionsOf(node: Node): Node[] {
  if (!node.pipe) return [];
  const [base, ...rest] = node.pipe;
  return [...(base && base !== node ? actionsOf(base) : []), ...rest];
}

function requirement(actions: Node[], type: string): number | undefined {
  const found = actions.filter((a) => a.type === type).map((a) => a.requirement as number);
  if (found.length === 0) return undefined;
  return type.startsWith("min") ? Math.max(...found) : Math.min(...found);
}

/** The string bounds a schema declares (min/max length), looking through wrappers. */
export function stringBounds(schema: v.GenericSchema): { min: number; max: number | undefined } {
  let node = schema as unknown as Node;
  while (node.wrapped) node = node.wrapped;
  const actions = actionsOf(node);
  const nonEmpty = actions.some((a) => a.type === "non_empty") ? 1 : 0;
  return {
    min: Math.max(requirement(actions, "min_length") ?? 0, nonEmpty),
    max: requirement(actions, "max_length"),
  };
}

const SHORT = 24;

function stringArbitrary(actions: Node[]): fc.Arbitrary<string> {
  const min = Math.max(requirement(actions, "min_length") ?? 0, actions.some((a) => a.type === "non_empty") ? 1 : 0);
  const max = requirement(actions, "max_length");
  const clip = (s: string) => (max !== undefined ? s.slice(0, max) : s);
  const regexes = actions.filter((a) => a.type === "regex").map((a) => a.requirement as RegExp);
  if (actions.some((a) => a.type === "email"))
    return fc
      .oneof(
        {
          weight: 4,
          arbitrary: fc
            .tuple(
              fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,15}[a-z0-9]$/),
              fc.constantFrom("example.test", "example.com"),
            )
            .map(([local, domain]) => `${local.replace(/\.{2,}/g, ".")}@${domain}`),
        },
        { weight: 1, arbitrary: fc.emailAddress() },
      )
      .filter((s) => s.length >= min && (max === undefined || s.length <= max));
  if (actions.some((a) => a.type === "url")) return fc.webUrl({ withQueryParameters: true }).map(clip);
  if (actions.some((a) => a.type === "iso_timestamp"))
    return fc
      .date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (regexes.length > 0) {
    const [first] = regexes;
    try {
      // Flags (i, u) are dropped: a match of the bare pattern matches the flagged one too.
      return fc.stringMatching(new RegExp(first!.source)).map(clip);
    } catch {
      // A construct fast-check cannot generate from: plain strings, and the validator decides.
    }
  }
  const upper = max === undefined ? SHORT : Math.min(max, Math.max(min, SHORT));
  const plain = fc.string({ minLength: min, maxLength: upper, unit: "grapheme" });
  if (max === undefined || max > 20_000) return plain;
  // The exact upper boundary is a valid value too.
  return fc.oneof(
    { weight: 4, arbitrary: plain },
    { weight: 1, arbitrary: fc.string({ minLength: max, maxLength: max, unit: "grapheme-ascii" }) },
  );
}

function numberArbitrary(actions: Node[]): fc.Arbitrary<number> {
  const min = requirement(actions, "min_value");
  const max = requirement(actions, "max_value");
  if (actions.some((a) => a.type === "integer")) {
    // Small values most of the time (scales, counts, limits live there), the whole range sometimes.
    const low = min ?? 0;
    const small = fc.integer({ min: low, max: Math.max(low, Math.min(max ?? 20, low + 20)) });
    return fc.oneof(
      { weight: 3, arbitrary: small },
      { weight: 1, arbitrary: fc.integer({ min: min ?? -1_000_000, max: max ?? 1_000_000 }) },
    );
  }
  return fc.double({ min: min ?? -1e6, max: max ?? 1e6, noNaN: true, noDefaultInfinity: true });
}

/** Values `schema` should accept (custom checks aside). */
export function validArbitrary(schema: v.GenericSchema, pools: Pools = {}): fc.Arbitrary<unknown> {
  return arbitraryOf(schema as unknown as Node, pools);
}

/**
 * Real ids by field name (`projectId`, `itemId` …): a field of that name — or a list named in the
 * plural (`itemIds`) — mostly takes one of them, so a valid request names a record that exists.
 * Read at generation time (a pool may be refilled).
 */
export type Pools = Record<string, string[]>;

function pooled(key: string, entry: Node, pools: Pools): fc.Arbitrary<unknown> | undefined {
  let node = entry;
  while (node.wrapped) node = node.wrapped;
  const single = pools[key];
  const plural = key.endsWith("s") ? pools[key.slice(0, -1)] : undefined;
  const pick = (pool: string[]) => fc.nat().map((i) => pool[i % pool.length]!);
  let arbitrary: fc.Arbitrary<unknown> | undefined;
  // An empty pool: the project has none (no categories), so the field is mostly left out.
  if (single?.length === 0 && entry !== node)
    return fc.oneof(
      { weight: 9, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: arbitraryOf(entry, pools) },
    );
  if (single?.length && node.type === "string") arbitrary = pick(single);
  else if (plural?.length && node.type === "array") {
    const min = requirement(actionsOf(node), "min_length") ?? 0;
    arbitrary = fc.array(pick(plural), { minLength: Math.max(min, 1), maxLength: Math.max(min, 3) });
  }
  if (!arbitrary) return undefined;
  const own = arbitraryOf(entry, pools);
  // Optional or nullable as the schema says, through the schema's own arbitrary one time in five.
  return fc.oneof(
    {
      weight: 4,
      arbitrary:
        entry === node
          ? arbitrary
          : fc.option(arbitrary, { nil: entry.type === "nullable" ? null : undefined, freq: 3 }),
    },
    { weight: 1, arbitrary: own },
  );
}

/** Opaque server-made tokens (a page cursor): a made-up one is refused, so mostly left out. */
const OPAQUE = new Set(["cursor"]);

const CUSTOM_CHECKS = new Set(["check", "partial_check", "raw_check"]);

/**
 * A schema with custom checks (a rating's value within its scale …): its values are filtered through
 * the schema when enough of them pass to make filtering cheap; otherwise the validator decides.
 */
function arbitraryOf(node: Node, pools: Pools): fc.Arbitrary<unknown> {
  const base = structuralArbitrary(node, pools);
  if (!actionsOf(node).some((a) => CUSTOM_CHECKS.has(a.type))) return base;
  const schema = node as unknown as v.GenericSchema;
  const passing = fc.sample(base, { numRuns: 200, seed: 1 }).filter((x) => v.is(schema, x)).length;
  return passing >= 10 ? base.filter((x) => v.is(schema, x)) : base;
}

function structuralArbitrary(node: Node, pools: Pools): fc.Arbitrary<unknown> {
  const actions = actionsOf(node);
  switch (node.type) {
    case "string":
      return stringArbitrary(actions);
    case "number":
      return numberArbitrary(actions);
    case "boolean":
      return fc.boolean();
    case "literal":
      return fc.constant(node.literal);
    case "picklist":
    case "enum":
      return fc.constantFrom(...(node.options as unknown[]));
    case "optional":
    case "exact_optional":
    case "nullish":
      return fc.option(arbitraryOf(node.wrapped!, pools), { nil: undefined, freq: 4 });
    case "nullable":
      return fc.option(arbitraryOf(node.wrapped!, pools), { nil: null, freq: 4 });
    case "union":
    case "variant":
      return fc.oneof(...(node.options as Node[]).map((o) => arbitraryOf(o, pools)));
    case "array": {
      const min = requirement(actions, "min_length") ?? 0;
      const max = requirement(actions, "max_length") ?? 5;
      return fc.array(arbitraryOf(node.item!, pools), { minLength: min, maxLength: Math.min(max, Math.max(min, 5)) });
    }
    case "record":
      return fc.dictionary(
        arbitraryOf(node.key as Node, pools) as fc.Arbitrary<string>,
        arbitraryOf(node.value!, pools),
        {
          maxKeys: 4,
        },
      );
    case "object":
    case "strict_object":
    case "loose_object": {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const [key, entry] of Object.entries(node.entries ?? {})) {
        const optional = ["optional", "exact_optional", "nullish"].includes(entry.type);
        model[key] =
          pooled(key, entry, pools) ??
          (OPAQUE.has(key) && optional
            ? fc.oneof(
                { weight: 9, arbitrary: fc.constant(undefined) },
                { weight: 1, arbitrary: arbitraryOf(entry, pools) },
              )
            : arbitraryOf(entry, pools));
        if (!["optional", "exact_optional", "nullish"].includes(entry.type)) requiredKeys.push(key);
      }
      // An optional key is sometimes absent, sometimes present (fc.option above gives undefined, which JSON drops).
      return fc.record(model, { requiredKeys });
    }
    case "unknown":
    case "any":
      return fc.jsonValue({ maxDepth: 2 });
    default:
      throw new Error(`no arbitrary for valibot schema type "${node.type}"`);
  }
}

/** Hostile strings: control characters, NUL, bidi overrides, astral planes, lone surrogates, injections. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\r\n\r\nX-Injected: 1",
  "\u001b[31mred\u001b[0m",
  "\u202egnp.exe",
  "\u200f\u05e9\u05dc\u05d5\u05dd",
  "𝕃𝕠𝕦𝕡𝕖 😀👩‍👩‍👧‍👦",
  "\ud800",
  "\udfff\ud800",
  "\u2028\u2029",
  "\ufeff",
  "Z̸̢̛̠̞̰̲̈́̿a̸̛͙͇͂l̵̡̛̟g̷̦̈́o̴̢͐",
  "１２３",
  "' OR 1=1--",
  '"; DROP TABLE feedback; --',
  "%00%0d%0a",
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text
  "${7*7}{{7*7}}",
  "NaN",
  "Infinity",
  "-0",
  "__proto__",
  "\\",
  "\t\v\f\b",
];

/** Numeric tokens JSON.stringify cannot write; placed as sentinels and substituted in the raw text. */
export const RAW_NUMBERS = ["1e309", "-1e309", "1e-400", "-0", "123456789012345678901234567890", "NaN", "Infinity"];
const RAW_SENTINEL = "\u0001raw:";

/** A value JSON.stringify writes as `"\u0001raw:…"`; `toJsonText` turns it into the bare token. */
export function rawToken(token: string): string {
  return `${RAW_SENTINEL}${token}`;
}

/** JSON text of a value, with raw tokens (NaN, 1e309, deep nesting …) spliced in. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  return text.replace(/"\\u0001raw:([^"]*)"/g, (_m, token: string) => JSON.parse(`"${token}"`));
}

export const UNKNOWN_KEY = "zzFuzzUnknown";

/** What one mutation did, and what the answer must then be. */
export type Mutation = {
  kind: string;
  /** Path of the changed key (dotted); for `unknown_key`, the path of the added key. */
  path: string;
  /** The body exceeds the route's byte limit: 413. */
  oversize?: boolean;
};

type Location = { path: string[]; get(): unknown; set(value: unknown): void };

/** Every place in a JSON value that can be replaced (the root included), and every object. */
function locations(root: { value: unknown }): {
  slots: Location[];
  objects: { path: string[]; obj: Record<string, unknown> }[];
} {
  const slots: Location[] = [];
  const objects: { path: string[]; obj: Record<string, unknown> }[] = [];
  const visit = (holder: Record<string | number, unknown>, key: string | number, path: string[]) => {
    slots.push({ path, get: () => holder[key], set: (value) => (holder[key] = value) });
    const value = holder[key];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        visit(value as unknown as Record<number, unknown>, i, [...path, String(i)]);
    } else if (value && typeof value === "object") {
      objects.push({ path, obj: value as Record<string, unknown> });
      for (const k of Object.keys(value)) visit(value as Record<string, unknown>, k, [...path, k]);
    }
  };
  visit(root as unknown as Record<string, unknown>, "value", []);
  return { slots, objects };
}

const WRONG_TYPES: unknown[] = [0, -1, 1.5, true, false, null, [], {}, "text", [1, "2"], { a: 1 }];

function deepNesting(depth: number): string {
  return rawToken(`${"[".repeat(depth)}${"]".repeat(depth)}`);
}

/** One mutation of a valid value, chosen by `pick` (fast-check's random choices). */
export function mutationArbitrary(
  valid: fc.Arbitrary<unknown>,
  bodyLimit: number,
): fc.Arbitrary<{ value: unknown; mutation: Mutation }> {
  return fc
    .tuple(
      valid,
      fc.constantFrom(
        "wrong_type",
        "boundary",
        "hostile_string",
        "raw_number",
        "huge_string",
        "oversize",
        "deep_nesting",
        "unknown_key",
        "proto_key",
      ),
      fc.nat(),
      fc.nat(),
    )
    .map(([original, kind, a, b]) => {
      const root = { value: structuredClone(original) };
      const { slots, objects } = locations(root);
      const slot = slots[a % slots.length]!;
      const path = slot.path.join(".");
      switch (kind) {
        case "wrong_type":
          slot.set(WRONG_TYPES[b % WRONG_TYPES.length]);
          break;
        case "boundary": {
          const current = slot.get();
          if (typeof current === "string") {
            const lengths = [0, 1, current.length + 1, 255, 256, 1001, 10_001];
            slot.set("x".repeat(lengths[b % lengths.length]!));
          } else {
            const numbers = [-1, 0, 2 ** 31, 2 ** 53 + 1, -(2 ** 53) - 1, Number.MAX_VALUE, Number.MIN_VALUE, 0.1];
            slot.set(numbers[b % numbers.length]);
          }
          break;
        }
        case "hostile_string":
          slot.set(HOSTILE_STRINGS[b % HOSTILE_STRINGS.length]);
          break;
        case "raw_number":
          slot.set(rawToken(RAW_NUMBERS[b % RAW_NUMBERS.length]!));
          break;
        case "huge_string":
          slot.set("\u00e9".repeat(Math.floor(bodyLimit / 8)));
          break;
        case "oversize":
          slot.set("o".repeat(bodyLimit + 1));
          return { value: root.value, mutation: { kind, path, oversize: true } };
        case "deep_nesting":
          slot.set(deepNesting([64, 1_000, 20_000][b % 3]!));
          break;
        case "unknown_key":
        case "proto_key": {
          // At the root (a strict object in every route's schema); nested objects may be records, whose
          // keys are the client's — the inventory test checks statically that nested objects are strict.
          const target = objects.find((o) => o.path.length === 0);
          if (!target) {
            slot.set({ [UNKNOWN_KEY]: 1 });
            break;
          }
          if (kind === "proto_key") {
            // JSON.parse makes "__proto__" an own key: it must be refused like any unknown key.
            Object.defineProperty(target.obj, "__proto__", { value: { polluted: true }, enumerable: true });
            return { value: root.value, mutation: { kind, path: [...target.path, "__proto__"].join(".") } };
          }
          target.obj[UNKNOWN_KEY] = "x";
          return { value: root.value, mutation: { kind, path: [...target.path, UNKNOWN_KEY].join(".") } };
        }
      }
      return { value: root.value, mutation: { kind, path } };
    });
}
