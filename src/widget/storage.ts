import type { WidgetState } from "./types.ts";

/** Reads a `us-` key: the project's id appended unless `shared`; undefined when storage is off. */
export const getKey = (s: WidgetState, name: string, shared?: boolean): string | undefined =>
  (s.config?.storage && s.ls?.getItem(`us-${name}_${shared ? "" : s.config.widgetId}`)) || undefined;

/** Writes a `us-` key (nothing at all when the project turned storage off). */
export function setKey(s: WidgetState, name: string, value: string, shared?: boolean): void {
  if (s.config?.storage) s.ls?.setItem(`us-${name}_${shared ? "" : s.config.widgetId}`, value);
}
