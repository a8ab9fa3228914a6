// Invariant: the display rules are one pure function (settings + visitor state + time → decision with a
// reason per check), the same for the widget and the admin UI's rule explainer; URL globs match in
// linear time without regular expressions.
import { expect, test } from "bun:test";
import * as v from "valibot";
import { evaluateDisplayRules } from "../../src/shared/display-decision.ts";
import {
  globMatches,
  type Reason,
  sampleBucket,
  urlRuleMatches,
  type VisitorState,
} from "../../src/shared/display-rules.ts";
import { describeCheck } from "../../src/shared/display-rules-explain.ts";
import { WidgetSettingsSchema } from "../../src/shared/widget-settings.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const settings = (input: unknown) => v.parse(WidgetSettingsSchema, input);
const visitor = (overrides: Partial<VisitorState> = {}): VisitorState => ({
  now: NOW,
  url: "https://shop.example.eu/checkout",
  device: "desktop",
  identified: false,
  reporterId: "reporter-aaaaaaaaaaaa",
  timesShown: 0,
  lastAnswer: null,
  launcherHiddenAt: null,
  forced: null,
  secondsOnPage: 0,
  scrollPercent: 0,
  exitIntent: false,
  events: [],
  ...overrides,
});
const failing = (d: { checks: { rule: string; ok: boolean }[] }) => d.checks.filter((c) => !c.ok).map((c) => c.rule);

test("defaults: the launcher shows, the prompt never opens by itself (no trigger set)", () => {
  const d = evaluateDisplayRules(settings({}), visitor());
  expect(d.launcher).toBe(true);
  expect(d.autoOpen).toBe(false);
  expect(failing(d)).toEqual(["trigger"]);
});

test("triggers: seconds, scroll, exit intent and a logged event each open it; before they fire it waits", () => {
  const s = settings({
    rules: { autoOpen: { afterSeconds: 20, scrollPercent: 50, exitIntent: true, onEvents: ["checkout.failed"] } },
  });
  expect(evaluateDisplayRules(s, visitor({ secondsOnPage: 19, scrollPercent: 49 })).autoOpen).toBe(false);
  expect(evaluateDisplayRules(s, visitor({ secondsOnPage: 20 })).autoOpen).toBe(true);
  expect(evaluateDisplayRules(s, visitor({ scrollPercent: 50 })).autoOpen).toBe(true);
  expect(evaluateDisplayRules(s, visitor({ exitIntent: true })).autoOpen).toBe(true);
  expect(evaluateDisplayRules(s, visitor({ events: ["other", "checkout.failed"] })).autoOpen).toBe(true);
});

test("audience, device, URL rules and sampling each refuse with their reason", () => {
  const base = { autoOpen: { afterSeconds: 1 } };
  const seen = visitor({ secondsOnPage: 5 });
  expect(failing(evaluateDisplayRules(settings({ rules: { ...base, audience: "nobody" } }), seen))).toEqual([
    "audience",
  ]);
  expect(failing(evaluateDisplayRules(settings({ rules: { ...base, audience: "identified" } }), seen))).toEqual([
    "audience",
  ]);
  expect(
    evaluateDisplayRules(settings({ rules: { ...base, audience: "identified" } }), { ...seen, identified: true })
      .autoOpen,
  ).toBe(true);
  expect(failing(evaluateDisplayRules(settings({ rules: { ...base, devices: ["mobile"] } }), seen))).toEqual([
    "device",
  ]);
  const urls = {
    include: [{ match: "startsWith", value: "https://shop.example.eu/" }],
    exclude: [{ match: "contains", value: "/checkout" }],
  };
  const excluded = evaluateDisplayRules(settings({ rules: { ...base, urls } }), seen);
  expect(failing(excluded)).toEqual(["url"]);
  expect(describeCheck(excluded.checks.find((c) => c.rule === "url")!)).toContain("/checkout");
  expect(
    evaluateDisplayRules(settings({ rules: { ...base, urls } }), { ...seen, url: "https://shop.example.eu/cart" })
      .autoOpen,
  ).toBe(true);
  expect(failing(evaluateDisplayRules(settings({ rules: { ...base, samplePercent: 0 } }), seen))).toEqual(["sample"]);
  expect(evaluateDisplayRules(settings({ rules: { ...base, samplePercent: 100 } }), seen).autoOpen).toBe(true);
});

test("sampling is stable per visitor and close to its share over many visitors", () => {
  expect(sampleBucket("same-visitor-id-123")).toBe(sampleBucket("same-visitor-id-123"));
  let inside = 0;
  for (let i = 0; i < 10_000; i++) if (sampleBucket(`visitor-${i}-x`) < 30) inside++;
  expect(inside).toBeGreaterThan(2_700);
  expect(inside).toBeLessThan(3_300);
});

test("frequency: once, at most K times, again N days after a dismiss and never after a submit (injected time)", () => {
  const auto = { afterSeconds: 1 };
  const seen = visitor({ secondsOnPage: 5 });
  expect(
    failing(
      evaluateDisplayRules(settings({ rules: { autoOpen: auto, frequency: { showOnce: true } } }), {
        ...seen,
        timesShown: 1,
      }),
    ),
  ).toEqual(["frequency"]);
  expect(
    failing(
      evaluateDisplayRules(settings({ rules: { autoOpen: auto, frequency: { maxTimes: 3 } } }), {
        ...seen,
        timesShown: 3,
      }),
    ),
  ).toEqual(["frequency"]);
  const s = settings({
    rules: { autoOpen: auto, frequency: { againAfterDismissDays: 7, againAfterSubmitDays: null } },
  });
  const dismissed = { ...seen, lastAnswer: { action: "dismiss" as const, at: NOW - 6 * DAY } };
  expect(evaluateDisplayRules(s, dismissed).autoOpen).toBe(false);
  expect(evaluateDisplayRules(s, { ...dismissed, now: NOW + DAY }).autoOpen).toBe(true);
  const submitted = { ...seen, lastAnswer: { action: "submit" as const, at: NOW - 3650 * DAY } };
  expect(failing(evaluateDisplayRules(s, submitted))).toEqual(["frequency"]);
});

test("the launcher: hidden by the visitor for N days, none at all, or forced by Loupe.show()/hide()", () => {
  const s = settings({ appearance: { visitorMayHideDays: 3 } });
  expect(evaluateDisplayRules(s, visitor({ launcherHiddenAt: NOW - 2 * DAY })).launcher).toBe(false);
  expect(evaluateDisplayRules(s, visitor({ launcherHiddenAt: NOW - 4 * DAY })).launcher).toBe(true);
  expect(evaluateDisplayRules(settings({ appearance: { launcher: "none" } }), visitor()).launcher).toBe(false);
  expect(
    evaluateDisplayRules(settings({ appearance: { launcher: "none" } }), visitor({ forced: "show" })).launcher,
  ).toBe(true);
  const auto = settings({ rules: { autoOpen: { afterSeconds: 1 } } });
  const hidden = evaluateDisplayRules(auto, visitor({ forced: "hide", secondsOnPage: 9 }));
  expect([hidden.launcher, hidden.autoOpen]).toEqual([false, false]);
});

test("URL rules: the five comparisons, and globs agree with a reference matcher on 2,000 generated cases", () => {
  const url = "https://shop.example.eu/a/b?x=1";
  expect(urlRuleMatches({ match: "contains", value: "/a/" }, url)).toBe(true);
  expect(urlRuleMatches({ match: "equals", value: url }, url)).toBe(true);
  expect(urlRuleMatches({ match: "startsWith", value: "https://shop." }, url)).toBe(true);
  expect(urlRuleMatches({ match: "endsWith", value: "x=1" }, url)).toBe(true);
  expect(urlRuleMatches({ match: "glob", value: "https://*.example.eu/*" }, url)).toBe(true);
  expect(urlRuleMatches({ match: "glob", value: "https://*.example.com/*" }, url)).toBe(false);
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
  for (let i = 0; i < 2_000; i++) {
    const pattern = pick("ab*", 1 + Math.floor(random() * 8));
    const text = pick("ab", Math.floor(random() * 10));
    const reference = new RegExp(`^${pattern.replaceAll("*", ".*")}$`).test(text);
    expect(`${pattern} ${text} ${globMatches(pattern, text)}`).toBe(`${pattern} ${text} ${reference}`);
  }
  // A pattern that backtracks catastrophically as a regular expression is instant here.
  expect(globMatches(`${"*a".repeat(200)}b`, "a".repeat(2_000))).toBe(false);
});

test("every reason the rules give has words for the explainer", () => {
  const reasons: Reason[] = [
    ["forced", "hide"],
    ["noLauncher"],
    ["hiddenUntil", 0],
    ["shown", "button", "bottom-right"],
    ["audience", "nobody"],
    ["audience", "identified"],
    ["audience", "anonymous"],
    ["audience", "everyone"],
    ["device", "mobile", ["desktop"]],
    ["excluded", "contains", "/checkout"],
    ["included", true],
    ["included", false],
    ["sample", 42, 10],
    ["shownOnce"],
    ["maxTimes", 3, 3],
    ["never", "dismiss"],
    ["againAt", 0, "submit"],
    ["times", 2],
    ["noTrigger"],
    ["fired", []],
    ["fired", ["exit intent"]],
  ];
  const texts = reasons.map((why) => describeCheck({ rule: "x", ok: false, why }));
  for (const text of texts) expect(text.length).toBeGreaterThan(5);
  expect(new Set(texts).size).toBe(texts.length);
});
