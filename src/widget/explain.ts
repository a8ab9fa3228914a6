import { describeCheck, evaluateLauncher } from "../shared/display-rules-explain.ts";
import type * as rules from "./rules.ts";
import type { WidgetState } from "./types.ts";

/**
 * `Loupe.debug()`: the display rules' decision for this visitor, with the reason of every check. It
 * gets the rule chunk as an argument, so that chunk stays one file with nothing shared.
 */
export function explain(s: WidgetState, chunk: typeof rules) {
  if (!s.config) return undefined;
  const visitor = chunk.visitorState(s);
  const launcher = evaluateLauncher(s.config.appearance, visitor);
  const prompt = chunk.evaluatePrompt(s.config.rules, visitor);
  console.info(`Loupe: launcher ${launcher.ok ? "shown" : "hidden"}, prompt ${prompt.autoOpen ? "opens" : "waits"}`);
  console.table([launcher, ...prompt.checks].map((c) => ({ rule: c.rule, ok: c.ok, why: describeCheck(c) })));
  return { launcher: launcher.ok, autoOpen: prompt.autoOpen };
}
