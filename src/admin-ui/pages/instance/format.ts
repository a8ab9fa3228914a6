import { t } from "../../i18n.ts";

/** `{name}` placeholders of a string filled in (values are text: nothing here is ever markup). */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** The browser's own locale when it is the language shown (en-GB, de-AT), else that language. */
const locale = () => (navigator.language.slice(0, 2) === t.instLang ? navigator.language : t.instLang);

/** A date and time in the reader's language ("12 Mar 2026, 14:05"). */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
}

export function date(iso: string): string {
  return new Date(iso).toLocaleDateString(locale(), { dateStyle: "medium" });
}

export function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(locale(), { timeStyle: "short" });
}

export function count(n: number): string {
  return n.toLocaleString(locale());
}

/** Bytes for a person: 1024-based, one decimal from MB on ("48.3 MB"). */
export function bytes(n: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale(), {
    style: "unit",
    unit: units[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: unit >= 2 ? 1 : 0,
  }).format(value);
}

/** Two initials for an avatar (never an image fetched from elsewhere). */
export function initials(name: string, email: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length >= 2 ? `${words[0]![0]}${words[words.length - 1]![0]}` : (words[0] ?? email).slice(0, 2);
  return letters.toUpperCase();
}
