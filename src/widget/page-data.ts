import { calls } from "./commands.ts";
import type { Listener, WidgetState } from "./types.ts";

/** Every `Loupe.on(event, fn)` listener's answer to `detail`; a listener that throws answers nothing. */
export const emit = (s: WidgetState, event: string, detail?: unknown): unknown[] =>
  s.q
    .filter((c) => c[0] === "on" && c[1] === event)
    .map((c) => {
      try {
        return (c[2] as Listener)(detail);
      } catch (error) {
        console.error(error);
        return undefined;
      }
    });

/** `Loupe.setCustomData()` calls merged. */
export const customData = (s: WidgetState): Record<string, unknown> => Object.assign({}, ...calls(s, "setCustomData"));
