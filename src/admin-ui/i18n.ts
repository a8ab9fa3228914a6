import { signal } from "@preact/signals";
import type en from "./strings/en.ts";

export type Strings = Record<keyof typeof en, string>;
export type Locale = "en" | "de";
/** Each language is its own chunk: a browser downloads only the one it shows (the first-load budget). */
const all = {
  en: () => import("./strings/en.ts"),
  de: () => import("./strings/de.ts"),
} satisfies Record<Locale, () => Promise<{ default: Strings }>>;

/** The languages the UI speaks, each named in itself (for the language switch). */
export const LOCALES: [Locale, string][] = [
  ["en", "English"],
  ["de", "Deutsch"],
];

/** The chosen language, remembered in this browser (the admin UI's own origin). */
const LOCALE_KEY = "loupe.admin.locale";

function isLocale(value: string | null | undefined): value is Locale {
  return value !== null && value !== undefined && value in all;
}

/** The stored choice, else the first of the browser's languages the UI has, else English. */
function initialLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY);
  if (isLocale(stored)) return stored;
  for (const language of navigator.languages ?? [navigator.language]) {
    const code = language.slice(0, 2).toLowerCase();
    if (isLocale(code)) return code;
  }
  return "en";
}

/** The current language; the app is keyed on it (main.tsx), so changing it re-renders every page. */
export const locale = signal<Locale>(initialLocale());

/** The strings of the current language (one object, filled before the first render, refilled on a switch). */
export const t = {} as Strings;

/** Loads the current language's strings; the app renders after this. */
export async function loadStrings(): Promise<void> {
  Object.assign(t, (await all[locale.value]()).default);
  document.documentElement.lang = locale.value;
}

/** Switches the UI's language now and for the next visits. */
export async function setLocale(next: Locale): Promise<void> {
  localStorage.setItem(LOCALE_KEY, next);
  Object.assign(t, (await all[next]()).default);
  document.documentElement.lang = next;
  locale.value = next;
}
