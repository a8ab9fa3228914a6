/**
 * A small metrics registry rendered in the Prometheus text exposition format 0.0.4: counters, gauges
 * and histograms with labels. Label values are escaped as the format requires (backslash, double
 * quote, line feed); each family keeps at most `maxSeries` label sets, so no input can grow memory
 * without bound (labels are route patterns and error codes, never raw paths or user data).
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DEFAULT_MAX_SERIES = 2000;

type Labels<L extends string> = Readonly<Record<L, string>>;

/** A label value inside double quotes: `\` → `\\`, `"` → `\"`, line feed → `\n`. */
export function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** HELP text: `\` → `\\`, line feed → `\n` (double quotes stay as they are). */
export function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** A sample value as the format writes it (NaN, +Inf, -Inf, else the shortest round-trip decimal). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? "")}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

type FamilyOptions<L extends string> = {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Most label sets kept; observations of further ones are dropped (and counted in `dropped`). */
  maxSeries?: number;
};

abstract class Family<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  abstract readonly type: "counter" | "gauge" | "histogram";
  /** Observations refused because the family already held `maxSeries` label sets. */
  dropped = 0;
  protected readonly series = new Map<string, { values: string[]; state: S }>();
  readonly #maxSeries: number;

  constructor(options: FamilyOptions<L>) {
    if (!METRIC_NAME.test(options.name)) throw new Error(`invalid metric name ${options.name}`);
    for (const label of options.labelNames ?? []) {
      if (!LABEL_NAME.test(label) || label.startsWith("__")) throw new Error(`invalid label name ${label}`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    this.#maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  protected abstract initial(): S;

  protected state(labels: Labels<L> | undefined): S | undefined {
    const values = this.labelNames.map((name) => {
      const value = labels?.[name];
      if (typeof value !== "string") throw new Error(`metric ${this.name} needs label ${name}`);
      return value;
    });
    const key = JSON.stringify(values);
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= this.#maxSeries) {
        this.dropped += 1;
        return undefined;
      }
      entry = { values, state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  /** Forgets every label set (gauges that are recomputed on each scrape). */
  reset(): void {
    this.series.clear();
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

export class Counter<L extends string = never> extends Family<L, { value: number }> {
  readonly type = "counter";
  protected initial() {
    return { value: 0 };
  }
  /** Adds `by` (≥ 0) to the series of `labels`. */
  inc(labels?: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name} can only go up`);
    const state = this.state(labels);
    if (state) state.value += by;
  }
  /** The current value of one series (0 when never incremented). */
  get(labels?: Labels<L>): number {
    const key = JSON.stringify(this.labelNames.map((n) => labels?.[n]));
    return this.series.get(key)?.state.value ?? 0;
  }
  render(): string {
    let out = this.header();
    for (const { values, state } of this.series.values()) {
      out += `${this.name}${labelText(this.labelNames, values)} ${formatValue(state.value)}\n`;
    }
    return out;
  }
}

export class Gauge<L extends string = never> extends Family<L, { value: number }> {
  readonly type = "gauge";
  protected initial() {
    return { value: 0 };
  }
  set(value: number, labels?: Labels<L>): void {
    const state = this.state(labels);
    if (state) state.value = value;
  }
  render(): string {
    let out = this.header();
    for (const { values, state } of this.series.values()) {
      out += `${this.name}${labelText(this.labelNames, values)} ${formatValue(state.value)}\n`;
    }
    return out;
  }
}

type HistogramState = { counts: number[]; sum: number; count: number };

export class Histogram<L extends string = never> extends Family<L, HistogramState> {
  readonly type = "histogram";
  readonly buckets: readonly number[];
  constructor(options: FamilyOptions<L> & { buckets: readonly number[] }) {
    super(options);
    if ((options.labelNames ?? []).some((l) => l === "le")) throw new Error("a histogram cannot have a label le");
    const sorted = [...options.buckets].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    if (sorted.length === 0 || new Set(sorted).size !== sorted.length) throw new Error("invalid histogram buckets");
    this.buckets = sorted;
  }
  protected initial(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }
  observe(value: number, labels?: Labels<L>): void {
    const state = this.state(labels);
    if (!state) return;
    // Non-cumulative per bucket here; rendering sums them up.
    const index = this.buckets.findIndex((b) => value <= b);
    if (index >= 0) state.counts[index] = (state.counts[index] ?? 0) + 1;
    state.sum += value;
    state.count += 1;
  }
  render(): string {
    let out = this.header();
    for (const { values, state } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += state.counts[i] ?? 0;
        out += `${this.name}_bucket${labelText(this.labelNames, values, ["le", formatValue(bound)])} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelText(this.labelNames, values, ["le", "+Inf"])} ${state.count}\n`;
      out += `${this.name}_sum${labelText(this.labelNames, values)} ${formatValue(state.sum)}\n`;
      out += `${this.name}_count${labelText(this.labelNames, values)} ${state.count}\n`;
    }
    return out;
  }
}

/** The families of one process, rendered in registration order; `collect` hooks refresh gauges first. */
export class MetricsRegistry {
  readonly #families = new Map<string, Family<string, unknown>>();
  readonly #collectors: Array<() => void> = [];

  #add<F extends Family<string, unknown>>(family: F): F {
    if (this.#families.has(family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.#families.set(family.name, family);
    return family;
  }
  counter<L extends string = never>(options: FamilyOptions<L>): Counter<L> {
    return this.#add(new Counter<L>(options));
  }
  gauge<L extends string = never>(options: FamilyOptions<L>): Gauge<L> {
    return this.#add(new Gauge<L>(options));
  }
  histogram<L extends string = never>(options: FamilyOptions<L> & { buckets: readonly number[] }): Histogram<L> {
    return this.#add(new Histogram<L>(options));
  }
  /** Runs before each rendering (gauges read from the database, the disk, the process). */
  onCollect(collect: () => void): void {
    this.#collectors.push(collect);
  }
  /** The whole exposition, collectors run first; a failing collector leaves its gauges as they were. */
  render(onCollectError?: (error: unknown) => void): string {
    for (const collect of this.#collectors) {
      try {
        collect();
      } catch (error) {
        onCollectError?.(error);
      }
    }
    let out = "";
    for (const family of this.#families.values()) out += family.render();
    return out;
  }
}
