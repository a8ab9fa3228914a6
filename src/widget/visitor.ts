import type { Device } from "../shared/display-rules.ts";
import { getKey, setKey } from "./storage.ts";
import type { WidgetState } from "./types.ts";

/** The page URL as the project wants it reported: without query and fragment unless it keeps them. */
export function pageUrl(s: WidgetState): string {
  return s.config?.urlQuery === "keep" ? location.href : location.origin + location.pathname;
}

/**
 * The anonymous reporter id (`us-reporter_`): random, made on first need, kept in localStorage when
 * storage is on and in memory for this page either way (sampling and retries need it stable).
 */
export function reporterId(s: WidgetState): string {
  s.rid ??= getKey(s, "reporter", true) ?? randomId();
  setKey(s, "reporter", s.rid, true);
  return s.rid;
}

/** 32 random hex digits (122 bits). */
export const randomId = (): string => crypto.randomUUID().replace(/-/g, "");

export function deviceType(): Device {
  const width = innerWidth;
  return width < 768 ? "mobile" : width < 1100 && matchMedia("(pointer:coarse)").matches ? "tablet" : "desktop";
}
