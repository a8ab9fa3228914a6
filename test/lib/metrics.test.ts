// Invariant: the metrics registry writes valid Prometheus text 0.0.4 whatever a label value holds
// (backslashes, quotes, line feeds, unicode come back unchanged through a strict parser), histograms
// are cumulative with +Inf = _count, and no label set can grow a family past its bound.
import { expect, test } from "bun:test";
import { escapeLabelValue, MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from "../../src/lib/metrics.ts";
import { parsePrometheusText, sampleValue } from "../support/prometheus.ts";

test("label values with backslashes, quotes, line feeds and unicode survive the round trip", () => {
  const registry = new MetricsRegistry();
  const c = registry.counter<"v">({ name: "t_total", help: 'A "help" with \\ and\nnewline', labelNames: ["v"] });
  const values = ['a"b', "back\\slash", "line\nfeed", "\\n literal", "ünïcödé ✓", "", '\\"', "}{,="];
  for (const [i, v] of values.entries()) c.inc({ v }, i + 1);
  const text = registry.render();
  expect(text).toContain('t_total{v="a\\"b"} 1');
  expect(text).toContain('t_total{v="line\\nfeed"} 3');
  expect(text).toContain('# HELP t_total A "help" with \\\\ and\\nnewline\n');
  const families = parsePrometheusText(text);
  expect(families.get("t_total")?.help).toBe('A "help" with \\ and\nnewline');
  for (const [i, v] of values.entries()) expect(sampleValue(families, "t_total", { v })).toBe(i + 1);
  expect(escapeLabelValue('\\"\n')).toBe('\\\\\\"\\n');
  expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
});

test("histograms: cumulative buckets, +Inf equals _count, _sum adds up, a value on a bound falls in that bucket", () => {
  const registry = new MetricsRegistry();
  const h = registry.histogram<"route">({
    name: "lat_seconds",
    help: "x",
    labelNames: ["route"],
    buckets: [1, 0.1, 0.5],
  });
  for (const v of [0.05, 0.1, 0.3, 0.7, 2, 100]) h.observe(v, { route: "/a" });
  const families = parsePrometheusText(registry.render());
  const at = (le: string) => sampleValue(families, "lat_seconds_bucket", { route: "/a", le });
  expect([at("0.1"), at("0.5"), at("1"), at("+Inf")]).toEqual([2, 3, 4, 6]);
  expect(sampleValue(families, "lat_seconds_count", { route: "/a" })).toBe(6);
  expect(sampleValue(families, "lat_seconds_sum", { route: "/a" })).toBeCloseTo(103.15, 10);
  expect(() => registry.histogram({ name: "bad", help: "x", labelNames: ["le"], buckets: [1] })).toThrow();
});

test("names are checked, a family is registered once, counters only go up, gauges take any value", () => {
  const registry = new MetricsRegistry();
  expect(() => registry.counter({ name: "9starts_with_digit", help: "x" })).toThrow();
  expect(() => registry.counter({ name: "ok_total", help: "x", labelNames: ["bad-label"] })).toThrow();
  expect(() => registry.counter({ name: "ok_total", help: "x", labelNames: ["__reserved"] })).toThrow();
  const c = registry.counter({ name: "ok_total", help: "x" });
  expect(() => registry.gauge({ name: "ok_total", help: "y" })).toThrow();
  expect(() => c.inc(undefined, -1)).toThrow();
  const g = registry.gauge({ name: "g", help: "x" });
  g.set(Number.NaN);
  expect(registry.render()).toContain("g NaN\n");
  g.set(Number.POSITIVE_INFINITY);
  expect(registry.render()).toContain("g +Inf\n");
  g.set(-2.5e-7);
  expect(sampleValue(parsePrometheusText(registry.render()), "g")).toBe(-2.5e-7);
});

test("a family keeps at most maxSeries label sets; further ones are dropped and counted", () => {
  const registry = new MetricsRegistry();
  const c = registry.counter<"k">({ name: "capped_total", help: "x", labelNames: ["k"], maxSeries: 10 });
  for (let i = 0; i < 1000; i++) c.inc({ k: String(i) });
  const family = parsePrometheusText(registry.render()).get("capped_total");
  expect(family?.samples.length).toBe(10);
  expect(c.dropped).toBe(990);
  c.inc({ k: "3" });
  expect(c.get({ k: "3" })).toBe(2);
});

test("the strict parser refuses what Prometheus refuses (so the tests above can fail)", () => {
  const bad = [
    'x{a="b} 1\n', // unterminated value
    'x{a="\\q"} 1\n', // unknown escape
    "x 1", // no final line feed
    "x one\n",
    "# TYPE x counter\nx -1\n", // a counter below zero
    "# TYPE x counter\n# TYPE x gauge\n",
    "x 1\n# TYPE x counter\n", // TYPE after samples
    "x 1\ny 1\nx 2\n", // a family split
    'x{a="1"} 1\nx{a="1"} 2\n', // duplicate series
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', // not cumulative
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', // +Inf ≠ count
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', // no +Inf
    '{a="b"} 1\n',
    'x{__name="b"} 1\n',
  ];
  for (const text of bad) expect(() => parsePrometheusText(text)).toThrow();
  expect(parsePrometheusText('# a comment\n# TYPE x gauge\nx{a="b",} 1 1700000000000\n').get("x")?.samples).toEqual([
    { name: "x", labels: { a: "b" }, value: 1, timestamp: 1700000000000 },
  ]);
});
