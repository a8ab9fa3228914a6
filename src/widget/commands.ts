import type { WidgetState } from "./types.ts";

/** The arguments of every `Loupe.<name>()` call so far. */
export const calls = (s: WidgetState, name: string) => s.q.filter((c) => c[0] === name).map((c) => c[1]);

/** The last `Loupe.identify()`. */
export const identity = (s: WidgetState) => calls(s, "identify").pop() as { email?: string; name?: string } | undefined;

/** `Loupe.logEvent()` names so far. */
export const events = (s: WidgetState) => calls(s, "logEvent") as string[];

/** The last `Loupe.show()` or `Loupe.hide()`. */
export const forced = (s: WidgetState) =>
  (s.q.filter((c) => c[0] === "show" || c[0] === "hide").pop()?.[0] as "show" | "hide" | undefined) ?? null;
