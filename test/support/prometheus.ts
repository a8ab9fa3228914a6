/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (as the Prometheus server's own
 * parser reads it, stricter where the format says MUST): HELP/TYPE lines, metric and label names,
 * label values with exactly the escapes `\\`, `\"`, `\n`, float values (NaN, ±Inf), optional
 * timestamps, one TYPE per family before its samples, samples of a family kept together, no
 * duplicate series, and for histograms: `_bucket` series with an `le` label, buckets cumulative
 * (non-decreasing as `le` grows), a `+Inf` bucket equal to `_count`, and `_sum`/`_count` present.
 * Throws an Error naming the line on any violation.
 */

export type Sample = { name: string; labels: Record<string, string>; value: number; timestamp?: number };
export type MetricFamily = {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string | undefined;
  samples: Sample[];
};

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseFloatStrict(text: string, where: string): number {
  if (text === "NaN") return Number.NaN;
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`${where}: invalid value ${text}`);
  return Number(text);
}

function unescapeHelp(text: string, where: string): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    throw new Error(`${where}: invalid escape \\${c} in HELP`);
  });
}

/** The family a sample name belongs to, given the declared types (histogram/summary suffixes). */
function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = types.get(base);
    if (type === "histogram" || (type === "summary" && suffix !== "_bucket")) return base;
  }
  return name;
}

function parseLabels(text: string, where: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let s = text.slice(1); // after "{"
  for (;;) {
    s = s.replace(/^[ \t]*/, "");
    if (s.startsWith("}")) return { labels, rest: s.slice(1) };
    const name = LABEL_NAME.exec(s)?.[0];
    if (!name) throw new Error(`${where}: invalid label name at ${JSON.stringify(s.slice(0, 20))}`);
    if (name.startsWith("__")) throw new Error(`${where}: reserved label name ${name}`);
    if (name in labels) throw new Error(`${where}: duplicate label ${name}`);
    s = s.slice(name.length).replace(/^[ \t]*/, "");
    if (!s.startsWith("=")) throw new Error(`${where}: expected = after label ${name}`);
    s = s.slice(1).replace(/^[ \t]*/, "");
    if (!s.startsWith('"')) throw new Error(`${where}: expected " to open the value of ${name}`);
    let value = "";
    let i = 1;
    for (;;) {
      const c = s[i];
      if (c === undefined || c === "\n") throw new Error(`${where}: unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === "\\") {
        const next = s[i + 1];
        if (next === "\\") value += "\\";
        else if (next === '"') value += '"';
        else if (next === "n") value += "\n";
        else throw new Error(`${where}: invalid escape \\${next ?? ""} in the value of ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i += 1;
    }
    labels[name] = value;
    s = s.slice(i + 1).replace(/^[ \t]*/, "");
    if (s.startsWith(",")) {
      s = s.slice(1);
      continue;
    }
    if (s.startsWith("}")) return { labels, rest: s.slice(1) };
    throw new Error(`${where}: expected , or } after the value of ${name}`);
  }
}

/** Parses a whole exposition; throws on the first violation. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the exposition must end with a line feed");
  const families = new Map<string, MetricFamily>();
  const types = new Map<string, string>();
  const closed = new Set<string>();
  const seenSeries = new Set<string>();
  let current: string | undefined;
  const lines = text.split("\n");
  lines.pop();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: "untyped", help: undefined, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const enter = (name: string, where: string) => {
    if (current !== name) {
      if (closed.has(name)) throw new Error(`${where}: the lines of ${name} are not kept together`);
      if (current !== undefined) closed.add(current);
      current = name;
    }
  };
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!m) return; // an ordinary comment
      const [, kind, name = "", rest = ""] = m;
      if (!METRIC_NAME.test(name) || METRIC_NAME.exec(name)?.[0] !== name)
        throw new Error(`${where}: invalid metric name ${name}`);
      enter(name, where);
      const f = family(name);
      if (kind === "HELP") {
        if (f.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
        f.help = unescapeHelp(rest, where);
      } else {
        if (types.has(name)) throw new Error(`${where}: second TYPE for ${name}`);
        if (f.samples.length > 0) throw new Error(`${where}: TYPE of ${name} after its samples`);
        if (!TYPES.has(rest.trim())) throw new Error(`${where}: unknown type ${rest}`);
        types.set(name, rest.trim());
        f.type = rest.trim() as MetricFamily["type"];
      }
      return;
    }
    const name = METRIC_NAME.exec(line)?.[0];
    if (!name) throw new Error(`${where}: expected a metric name`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, where));
    const parts = rest.trim().split(/[ \t]+/);
    if (!/^[ \t]/.test(rest) || parts.length < 1 || parts.length > 2 || parts[0] === "")
      throw new Error(`${where}: expected a value after the name and labels`);
    const value = parseFloatStrict(parts[0] as string, where);
    const timestamp =
      parts[1] === undefined
        ? undefined
        : /^-?\d+$/.test(parts[1])
          ? Number(parts[1])
          : (() => {
              throw new Error(`${where}: invalid timestamp ${parts[1]}`);
            })();
    const base = familyOf(name, types);
    enter(base, where);
    const f = family(base);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(key)) throw new Error(`${where}: duplicate series ${key}`);
    seenSeries.add(key);
    if (f.type === "counter" && !(value >= 0)) throw new Error(`${where}: counter ${name} is ${value}`);
    if (f.type === "histogram") {
      if (name === `${base}_bucket` && !("le" in labels)) throw new Error(`${where}: bucket without le`);
      if (name === base) throw new Error(`${where}: histogram ${base} has a bare sample`);
    }
    f.samples.push({ name, labels, value, ...(timestamp === undefined ? {} : { timestamp }) });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function checkHistogram(f: MetricFamily): void {
  const series = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let entry = series.get(key);
    if (!entry) {
      entry = { buckets: [] };
      series.set(key, entry);
    }
    if (s.name === `${f.name}_bucket`) entry.buckets.push([parseFloatStrict(le as string, `${f.name} le`), s.value]);
    else if (s.name === `${f.name}_sum`) entry.sum = s.value;
    else if (s.name === `${f.name}_count`) entry.count = s.value;
  }
  for (const [key, entry] of series) {
    const where = `histogram ${f.name}${key}`;
    if (entry.count === undefined || entry.sum === undefined) throw new Error(`${where}: _sum or _count missing`);
    const sorted = [...entry.buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.length === 0 || sorted.at(-1)?.[0] !== Number.POSITIVE_INFINITY)
      throw new Error(`${where}: no +Inf bucket`);
    for (let i = 1; i < sorted.length; i++) {
      if ((sorted[i]?.[1] ?? 0) < (sorted[i - 1]?.[1] ?? 0)) throw new Error(`${where}: buckets not cumulative`);
    }
    if (sorted.at(-1)?.[1] !== entry.count) throw new Error(`${where}: +Inf bucket ≠ _count`);
  }
}

/** The value of one series (labels must match exactly), undefined when absent. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const a = Object.entries(s.labels).sort();
      const b = Object.entries(labels).sort();
      if (JSON.stringify(a) === JSON.stringify(b)) return s.value;
    }
  }
  return undefined;
}
