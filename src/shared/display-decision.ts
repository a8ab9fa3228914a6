import { type Decision, evaluatePrompt, type VisitorState } from "./display-rules.ts";
import { evaluateLauncher } from "./display-rules-explain.ts";
import type { WidgetSettings } from "./widget-settings.ts";

/**
 * The whole decision for a visitor — whether the launcher shows and whether the prompt opens by
 * itself — with the reason of every check, for the admin UI's rule explainer. (`Loupe.debug()`
 * combines the same two functions in the widget's explain chunk.)
 */
export function evaluateDisplayRules(
  settings: Pick<WidgetSettings, "appearance" | "rules">,
  visitor: VisitorState,
): Decision {
  const launcher = evaluateLauncher(settings.appearance, visitor);
  const prompt = evaluatePrompt(settings.rules, visitor);
  return { launcher: launcher.ok, autoOpen: prompt.autoOpen, checks: [launcher, ...prompt.checks] };
}
