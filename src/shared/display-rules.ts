import type { WidgetSettings } from "./widget-settings.ts";

/**
 * The widget's display rules as one pure function: settings + what is known of the visitor + time →
 * whether the launcher shows and whether the prompt opens by itself, with the reason for each check.
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

export type Check = { rule: string; ok: boolean; detail: string };
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

export function evaluateDisplayRules(
  settings: Pick<WidgetSettings, "appearance" | "rules">,
  visitor: VisitorState,
): Decision {
  const { appearance, rules } = settings;
  const checks: Check[] = [];
  const check = (rule: string, ok: boolean, detail: string) => {
    checks.push({ rule, ok, detail });
    return ok;
  };

  // The launcher.
  let launcher: boolean;
  if (visitor.forced !== null) {
    launcher = check("forced", visitor.forced === "show", `the page called Loupe.${visitor.forced}()`);
  } else if (appearance.launcher === "none") {
    launcher = check("launcher", false, "the project shows no launcher (Loupe.open() only)");
  } else {
    const hiddenUntil =
      visitor.launcherHiddenAt === null ? null : visitor.launcherHiddenAt + appearance.visitorMayHideDays * DAY_MS;
    launcher =
      hiddenUntil !== null && visitor.now < hiddenUntil
        ? check("launcher", false, `the visitor hid it until ${new Date(hiddenUntil).toISOString()}`)
        : check("launcher", true, `a ${appearance.launcher} at the ${appearance.position}`);
  }

  // The prompt opening by itself: every condition, then at least one trigger.
  const eligible = [
    rules.audience === "nobody"
      ? check("audience", false, "nobody: the prompt opens only through the API")
      : rules.audience === "identified"
        ? check(
            "audience",
            visitor.identified,
            visitor.identified ? "an identified visitor" : "only identified visitors",
          )
        : check("audience", true, "everyone"),
    check("device", rules.devices.includes(visitor.device), `${visitor.device} (allowed: ${rules.devices.join(", ")})`),
    (() => {
      const included =
        rules.urls.include.length === 0 || rules.urls.include.some((r) => urlRuleMatches(r, visitor.url));
      const excluded = rules.urls.exclude.find((r) => urlRuleMatches(r, visitor.url));
      if (excluded) return check("url", false, `excluded by "${excluded.match} ${excluded.value}"`);
      return check("url", included, included ? "the page matches" : "no include rule matches the page");
    })(),
    (() => {
      const bucket = sampleBucket(visitor.reporterId);
      return check(
        "sample",
        bucket < rules.samplePercent,
        `visitor bucket ${bucket} of 100, ${rules.samplePercent} % sampled`,
      );
    })(),
    frequencyAllows(rules.frequency, visitor, check),
  ].every(Boolean);

  const auto = rules.autoOpen;
  const fired: string[] = [];
  if (auto.afterSeconds !== null && visitor.secondsOnPage >= auto.afterSeconds)
    fired.push(`${auto.afterSeconds} s on the page`);
  if (auto.scrollPercent !== null && visitor.scrollPercent >= auto.scrollPercent)
    fired.push(`scrolled ${auto.scrollPercent} %`);
  if (auto.exitIntent && visitor.exitIntent) fired.push("exit intent");
  const event = auto.onEvents.find((e) => visitor.events.includes(e));
  if (event) fired.push(`event "${event}"`);
  const anyTrigger =
    auto.afterSeconds !== null || auto.scrollPercent !== null || auto.exitIntent || auto.onEvents.length > 0;
  const triggered = !anyTrigger
    ? check("trigger", false, "no automatic trigger is set")
    : check("trigger", fired.length > 0, fired.length > 0 ? fired.join(", ") : "no trigger has fired yet");

  const autoOpen = visitor.forced !== "hide" && eligible && triggered;
  return { launcher, autoOpen, checks };
}

function frequencyAllows(
  frequency: WidgetSettings["rules"]["frequency"],
  visitor: VisitorState,
  check: (rule: string, ok: boolean, detail: string) => boolean,
): boolean {
  if (frequency.showOnce && visitor.timesShown > 0) return check("frequency", false, "shown once already");
  if (frequency.maxTimes !== null && visitor.timesShown >= frequency.maxTimes)
    return check("frequency", false, `shown ${visitor.timesShown} of at most ${frequency.maxTimes} times`);
  const last = visitor.lastAnswer;
  if (last) {
    const days = last.action === "dismiss" ? frequency.againAfterDismissDays : frequency.againAfterSubmitDays;
    if (days === null) return check("frequency", false, `never again after a ${last.action}`);
    const again = last.at + days * DAY_MS;
    if (visitor.now < again)
      return check("frequency", false, `again after ${new Date(again).toISOString()} (${last.action})`);
  }
  return check("frequency", true, `shown ${visitor.timesShown} times so far`);
}
