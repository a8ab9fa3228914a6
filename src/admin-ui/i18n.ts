import { signal } from "@preact/signals";
import type enAccount from "./strings/en.account.ts";
import type enInstance from "./strings/en.instance.ts";
import type enProject from "./strings/en.project.ts";
import type enTeam from "./strings/en.team.ts";
import type en from "./strings/en.ts";

/** The strings the first page needs (shell, sign-in, inbox, item) and those of each other area. */
export type Area = "core" | "team" | "project" | "instance" | "account";
type AreaStrings = {
  core: typeof en;
  team: typeof enTeam;
  project: typeof enProject;
  instance: typeof enInstance;
  account: typeof enAccount;
};
export type Strings = Record<AllKeys, string>;
type AllKeys = { [A in Area]: keyof AreaStrings[A] }[Area];
export type Locale = "en" | "de";
/**
 * Each language and area is its own chunk: a browser downloads only the language it shows, and an
 * area's strings with that area's pages (the first-load budget covers sign-in and the inbox only).
 */
const all = {
  en: {
    core: () => import("./strings/en.ts"),
    team: () => import("./strings/en.team.ts"),
    project: () => import("./strings/en.project.ts"),
    instance: () => import("./strings/en.instance.ts"),
    account: () => import("./strings/en.account.ts"),
  },
  de: {
    core: () => import("./strings/de.ts"),
    team: () => import("./strings/de.team.ts"),
    project: () => import("./strings/de.project.ts"),
    instance: () => import("./strings/de.instance.ts"),
    account: () => import("./strings/de.account.ts"),
  },
} satisfies {
  [L in Locale]: { [A in Area]: () => Promise<{ default: Record<keyof AreaStrings[A], string> }> };
};

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

/** The strings of the current language (filled area by area before a page renders, refilled on a switch). */
export const t = {} as Strings;
/** The areas whose strings are in `t`. */
const loaded = new Set<Area>();

/** Loads an area's strings in the current language (the app renders after the core's; a lazy page after its area's). */
export async function loadStrings(area: Area = "core"): Promise<void> {
  if (loaded.has(area)) return;
  Object.assign(t, (await all[locale.value][area]()).default);
  loaded.add(area);
  document.documentElement.lang = locale.value;
}

/** Switches the UI's language now and for the next visits (every area loaded so far, in the new language). */
export async function setLocale(next: Locale): Promise<void> {
  localStorage.setItem(LOCALE_KEY, next);
  const areas = [...loaded];
  const strings = await Promise.all(areas.map((area) => all[next][area]()));
  for (const { default: part } of strings) Object.assign(t, part);
  document.documentElement.lang = next;
  locale.value = next;
}
