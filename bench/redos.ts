/**
 * T-V6: every regular expression of src/ (literals and the constructed ones) on the 100 KB
 * adversarial strings the ReDoS test builds for it (test/support/regex-safety.ts), and the display
 * rules' glob matcher on a 100 KB URL. Per pattern: the slowest input's time, beside a linear scan of
 * the same string (`indexOf` of an absent character) as the baseline ratio; and, for reference, the
 * e-mail scrubber the logger had before (unbounded runs), on 10 KB and 20 KB: quadratic growth.
 * Figures only; the test asserts the checker's verdicts and that every run completes.
 */

import { globMatches } from "../src/shared/display-rules.ts";
import { FLAGGED_BUT_BOUNDED, srcPatterns } from "../test/support/regex-inventory.ts";
import { adversarialInputs } from "../test/support/regex-safety.ts";

function time(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

export async function benchRedos(): Promise<void> {
  console.log("== ReDoS: each pattern on its 100 KB adversarial strings (slowest input per pattern)");
  const patterns = srcPatterns().filter((p) => !FLAGGED_BUT_BOUNDED[p.name]);
  const rows: { name: string; ms: number; baseline: number }[] = [];
  for (const { name, re } of patterns) {
    let worst = 0;
    let baseline = 0;
    for (const input of adversarialInputs(re.source, re.flags)) {
      re.lastIndex = 0;
      const ms = time(() => (re.global ? input.replace(re, "") : re.test(input)));
      if (ms > worst) {
        worst = ms;
        baseline = time(() => input.indexOf("\u0001\u0002"));
      }
    }
    rows.push({ name, ms: worst, baseline });
  }
  rows.sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`${rows.length} patterns, ${total.toFixed(0)} ms in all; the ten slowest:`);
  for (const r of rows.slice(0, 10))
    console.log(
      `  ${r.ms.toFixed(2).padStart(8)} ms  (${(r.ms / Math.max(r.baseline, 0.001)).toFixed(0)}× indexOf)  ${r.name.slice(0, 110)}`,
    );
  const url = `https://shop.example.test/${"a".repeat(100_000)}`;
  const glob = `https://shop.example.test/${"*a".repeat(100)}*b`;
  console.log(`  glob matcher, 100-star pattern on a 100 KB URL: ${time(() => globMatches(glob, url)).toFixed(2)} ms`);
  const before = /[^\s@]+@[^\s@]+/g;
  const after = /[^\s@]{1,64}@[^\s@]{1,255}/g;
  for (const size of [10_000, 20_000]) {
    const text = "a".repeat(size);
    console.log(
      `  logger e-mail scrub on ${size / 1000} KB without an @: before ${time(() => text.replace(before, "")).toFixed(1)} ms, now ${time(() => text.replace(after, "")).toFixed(2)} ms`,
    );
  }
}

if (import.meta.main) await benchRedos();
