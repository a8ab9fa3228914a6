import type { Check, VisitorState } from "./display-rules.ts";
import type { WidgetSettings } from "./widget-settings.ts";

const DAY_MS = 86_400_000;

/** Whether the launcher shows for this visitor (the loader decides the same inline, to stay under 1 KB). */
export function evaluateLauncher(appearance: WidgetSettings["appearance"], visitor: VisitorState): Check {
  if (visitor.forced !== null)
    return { rule: "forced", ok: visitor.forced === "show", why: ["forced", visitor.forced] };
  if (appearance.launcher === "none") return { rule: "launcher", ok: false, why: ["noLauncher"] };
  const hiddenUntil =
    visitor.launcherHiddenAt === null ? 0 : visitor.launcherHiddenAt + appearance.visitorMayHideDays * DAY_MS;
  return visitor.now < hiddenUntil
    ? { rule: "launcher", ok: false, why: ["hiddenUntil", hiddenUntil] }
    : { rule: "launcher", ok: true, why: ["shown", appearance.launcher, appearance.position] };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A check's reason in words (English), for `Loupe.debug()` and the admin UI's rule explainer. */
export function describeCheck(check: Check): string {
  const [code, a, b] = check.why as [string, unknown, unknown];
  switch (code) {
    case "forced":
      return `the page called Loupe.${a}()`;
    case "noLauncher":
      return "the project shows no launcher (Loupe.open() only)";
    case "hiddenUntil":
      return `the visitor hid it until ${iso(a as number)}`;
    case "shown":
      return `a ${a} at the ${b}`;
    case "audience":
      return {
        nobody: "nobody: the prompt opens only through the API",
        identified: "an identified visitor",
        anonymous: "only identified visitors",
        everyone: "everyone",
      }[a as string]!;
    case "device":
      return `${a} (allowed: ${(b as string[]).join(", ")})`;
    case "excluded":
      return `excluded by "${a} ${b}"`;
    case "included":
      return a ? "the page matches" : "no include rule matches the page";
    case "sample":
      return `visitor bucket ${a} of 100, ${b} % sampled`;
    case "shownOnce":
      return "shown once already";
    case "maxTimes":
      return `shown ${a} of at most ${b} times`;
    case "never":
      return `never again after a ${a}`;
    case "againAt":
      return `again after ${iso(a as number)} (${b})`;
    case "times":
      return `shown ${a} times so far`;
    case "noTrigger":
      return "no automatic trigger is set";
    default:
      return (a as string[]).length > 0 ? (a as string[]).join(", ") : "no trigger has fired yet";
  }
}
