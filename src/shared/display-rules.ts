import type { WidgetSettings } from "./widget-settings.ts";

/**
 * The widget's display rules as pure functions: settings + what is known of the visitor + time →
 * whether the prompt opens by itself (here) and whether the launcher shows (display-rules-explain.ts),
 * with the reason for each check.
 * The widget runs it for the current visitor (`Loupe.debug()` prints the reasons); the admin UI runs
 * it for a simulated visitor to explain a rule. No DOM, no storage, no clock of its own.
 */
export type Device = "desktop" | "tablet" | "mobile";

export type VisitorState = {
  now: number;
  /** The page URL (as the widget reports it: query and fragment per the project's policy). */
  url: string;
  device: Device;
  /** Whether the page called `Loupe.identify()`. */
  identified: boolean;
  /** The anonymous reporter id (`us-reporter_`): sampling is stable per visitor. */
  reporterId: string;
  /** `us-TimesShown_`: how often the prompt opened by itself. */
  timesShown: number;
  /** `us-ShowAgainAction_` and `us-ShowAgainTimestamp_`: the visitor's last answer to the prompt. */
  lastAnswer: { action: "dismiss" | "submit"; at: number } | null;
  /** `us-bubbleHiddenAt_`: when the visitor hid the launcher. */
  launcherHiddenAt: number | null;
  /** `Loupe.show()` / `Loupe.hide()` override the rules. */
  forced: "show" | "hide" | null;
  /** What has happened on the page so far. */
  secondsOnPage: number;
  scrollPercent: number;
  exitIntent: boolean;
  events: readonly string[];
};

/**
 * Why a check came out as it did: a code and its values. The decision needs no text (the widget's
 * display-rule chunk stays small); `describeCheck` (display-rules-explain.ts) words it for
 * `Loupe.debug()` and the admin UI.
 */
export type Reason =
  | ["forced", "show" | "hide"]
  | ["noLauncher"]
  | ["hiddenUntil", number]
  | ["shown", string, string]
  | ["audience", "nobody" | "identified" | "anonymous" | "everyone"]
  | ["device", Device, string[]]
  | ["excluded", string, string]
  | ["included", boolean]
  | ["sample", number, number]
  | ["shownOnce"]
  | ["maxTimes", number, number]
  | ["never", string]
  | ["againAt", number, string]
  | ["times", number]
  | ["noTrigger"]
  | ["fired", string[]];
export type Check = { rule: string; ok: boolean; why: Reason };
export type Decision = { launcher: boolean; autoOpen: boolean; checks: Check[] };

const DAY_MS = 86_400_000;

/** `*` matches any run of characters; everything else literally. Linear-time greedy matching, no regex. */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== "*" && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

type UrlRule = WidgetSettings["rules"]["urls"]["include"][number];

export function urlRuleMatches(rule: UrlRule, url: string): boolean {
  switch (rule.match) {
    case "contains":
      return url.includes(rule.value);
    case "equals":
      return url === rule.value;
    case "startsWith":
      return url.startsWith(rule.value);
    case "endsWith":
      return url.endsWith(rule.value);
    case "glob":
      return globMatches(rule.value, url);
  }
}

/** A stable bucket 0–99 for a visitor (FNV-1a of the reporter id): the same visitor, the same answer. */
export function sampleBucket(reporterId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < reporterId.length; i++) {
    hash ^= reporterId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

/**
 * Whether the prompt opens by itself now, with the reason of each check (the display-rule chunk runs
 * only this; `evaluateDisplayRules` in display-rules-explain.ts adds the launcher).
 */
export function evaluatePrompt(
  rules: WidgetSettings["rules"],
  visitor: VisitorState,
): { autoOpen: boolean; checks: Check[] } {
  const checks: Check[] = [];
  const check = (rule: string, ok: boolean, why: Reason) => {
    checks.push({ rule, ok, why });
    return ok;
  };

  // The prompt opening by itself: every condition, then at least one trigger.
  const audience = rules.audience === "identified" ? (visitor.identified ? "identified" : "anonymous") : rules.audience;
  const excluded = rules.urls.exclude.find((r) => urlRuleMatches(r, visitor.url));
  const included = rules.urls.include.length === 0 || rules.urls.include.some((r) => urlRuleMatches(r, visitor.url));
  const bucket = sampleBucket(visitor.reporterId);
  const eligible = [
    check("audience", audience === "identified" || audience === "everyone", ["audience", audience]),
    check("device", rules.devices.includes(visitor.device), ["device", visitor.device, rules.devices]),
    excluded
      ? check("url", false, ["excluded", excluded.match, excluded.value])
      : check("url", included, ["included", included]),
    check("sample", bucket < rules.samplePercent, ["sample", bucket, rules.samplePercent]),
    frequencyAllows(rules.frequency, visitor, check),
  ].every(Boolean);

  const auto = rules.autoOpen;
  const fired: string[] = [];
  if (auto.afterSeconds !== null && visitor.secondsOnPage >= auto.afterSeconds) fired.push(`${auto.afterSeconds} s`);
  if (auto.scrollPercent !== null && visitor.scrollPercent >= auto.scrollPercent)
    fired.push(`scroll ${auto.scrollPercent} %`);
  if (auto.exitIntent && visitor.exitIntent) fired.push("exit intent");
  const event = auto.onEvents.find((e) => visitor.events.includes(e));
  if (event) fired.push(`event ${event}`);
  const anyTrigger =
    auto.afterSeconds !== null || auto.scrollPercent !== null || auto.exitIntent || auto.onEvents.length > 0;
  const triggered = anyTrigger
    ? check("trigger", fired.length > 0, ["fired", fired])
    : check("trigger", false, ["noTrigger"]);

  return { autoOpen: visitor.forced !== "hide" && eligible && triggered, checks };
}

function frequencyAllows(
  frequency: WidgetSettings["rules"]["frequency"],
  visitor: VisitorState,
  check: (rule: string, ok: boolean, why: Reason) => boolean,
): boolean {
  const times = visitor.timesShown;
  if (frequency.showOnce && times > 0) return check("frequency", false, ["shownOnce"]);
  if (frequency.maxTimes !== null && times >= frequency.maxTimes)
    return check("frequency", false, ["maxTimes", times, frequency.maxTimes]);
  const last = visitor.lastAnswer;
  if (last) {
    const days = last.action === "dismiss" ? frequency.againAfterDismissDays : frequency.againAfterSubmitDays;
    if (days === null) return check("frequency", false, ["never", last.action]);
    const again = last.at + days * DAY_MS;
    if (visitor.now < again) return check("frequency", false, ["againAt", again, last.action]);
  }
  return check("frequency", true, ["times", times]);
}
