// Invariant (T-V6): no regular expression in src/ can backtrack catastrophically. A checker
// (test/support/regex-safety.ts) finds nested and overlapping repetitions, ambiguous alternations
// and unanchored scans; every pattern (and the display rules' glob matcher) then runs to the end on
// 100 KB strings built to make it backtrack. Timing figures: bench/redos.ts (npm run bench).
import { describe, expect, test } from "bun:test";
import { globMatches } from "../src/shared/display-rules.ts";
import { CONSTRUCTED, FLAGGED_BUT_BOUNDED, srcPatterns } from "./support/regex-inventory.ts";
import { adversarialInputs, checkRegex, regexesInSource } from "./support/regex-safety.ts";

const { literals, constructed } = regexesInSource();
const patterns = srcPatterns();

describe("ReDoS", () => {
  test("the checker flags the classic shapes and passes their safe rewrites", () => {
    const kinds = (source: string) => checkRegex(source).map((f) => f.kind);
    expect(kinds("^(a+)+$")).toContain("nested");
    expect(kinds("^(\\w*\\s?)*$")).toContain("nested");
    expect(kinds("^(a|ab)*c$")).toContain("ambiguous-alternation");
    expect(kinds("^\\d+\\.?\\d+x$")).toContain("adjacent-overlap");
    expect(kinds("\\s+$")).toContain("unanchored-scan");
    expect(kinds("[^\\s@]+@[^\\s@]+")).toContain("unanchored-scan");
    expect(kinds("^(?:[a-z]+\\.)+[a-z]+$")).toEqual([]);
    expect(kinds("[^\\s@]{1,64}@[^\\s@]{1,255}")).toEqual([]);
    expect(kinds("^\\s+|\\s+$").length).toBeGreaterThan(0);
  });

  test("every regex literal and constructed RegExp of src/ is found", () => {
    expect(literals.length).toBeGreaterThan(150);
    expect(constructed.map((c) => `${c.file}: ${c.dynamic}`).sort()).toEqual(Object.keys(CONSTRUCTED).sort());
  });

  test("the checker's verdict: every pattern is safe, or a listed one whose input is bounded", () => {
    const verdicts = patterns
      .map((p) => ({ name: p.name, findings: checkRegex(p.re.source, p.re.flags).map((f) => f.kind) }))
      .filter((v) => v.findings.length > 0);
    expect(verdicts as unknown[]).toEqual(
      Object.entries(FLAGGED_BUT_BOUNDED).map(([name, e]) => ({ name, findings: [e.finding] })),
    );
  });

  test("each pattern runs to the end on 100 KB adversarial strings", () => {
    let runs = 0;
    for (const { name, re } of patterns) {
      if (FLAGGED_BUT_BOUNDED[name]) continue;
      for (const input of adversarialInputs(re.source, re.flags)) {
        expect(input.length).toBeGreaterThanOrEqual(100_000);
        re.lastIndex = 0;
        const result = re.global ? input.replace(re, "") : re.test(input);
        expect(result).toBeDefined();
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(patterns.length);
  });

  test("the display rules' glob matcher runs to the end on a 100 KB URL", () => {
    const url = `https://shop.example.test/${"a".repeat(100_000)}`;
    expect(globMatches(`https://shop.example.test/${"*a".repeat(100)}*b`, url)).toBe(false);
    expect(globMatches("*a*a*a*a*a*", url)).toBe(true);
  });
});
