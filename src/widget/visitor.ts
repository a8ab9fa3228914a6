import type { Device } from "../shared/display-rules.ts";
import { getKey, setKey } from "./storage.ts";
import type { WidgetState } from "./types.ts";

/** The page URL as the project wants it reported: without query and fragment unless it keeps them. */
export function pageUrl(s: WidgetState): string {
  return s.config?.urlQuery === "keep" ? location.href : location.origin + location.pathname;
}

/** The anonymous reporter id (`us-reporter_`): random, made on first need, kept when storage is on. */
export function reporterId(s: WidgetState): string {
  let id = getKey(s, "reporter", true);
  if (!id) {
    id = randomId();
    setKey(s, "reporter", id, true);
  }
  return id;
}

/** 32 random hex digits (122 bits). */
export const randomId = (): string => crypto.randomUUID().replace(/-/g, "");

export function deviceType(): Device {
  const width = innerWidth;
  return width < 768 ? "mobile" : width < 1100 && matchMedia("(pointer:coarse)").matches ? "tablet" : "desktop";
}
