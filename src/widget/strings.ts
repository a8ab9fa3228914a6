import type enEditor from "./locales/en.editor.ts";
import type en from "./locales/en.ts";

/** The dialog's user-facing strings; `{n}`, `{item}`, `{code}` are filled in. */
export type WidgetStrings = Record<keyof typeof en, string>;
/** The annotation editor's (their own chunks, loaded with the editor). */
export type EditorStrings = Record<keyof typeof enEditor, string>;

/** Built-in languages; each is its own chunk, so a visitor downloads only theirs. */
export const LOCALES = {
  en: () => import("./locales/en.ts"),
  de: () => import("./locales/de.ts"),
  fr: () => import("./locales/fr.ts"),
  es: () => import("./locales/es.ts"),
  it: () => import("./locales/it.ts"),
  nl: () => import("./locales/nl.ts"),
  pl: () => import("./locales/pl.ts"),
} as const;

/** The language: `data-locale`, else the page's `<html lang>`, else the browser's; English when unknown. */
export function pickLocale(preferred: (string | undefined)[]): keyof typeof LOCALES {
  for (const tag of preferred) {
    const lang = tag?.slice(0, 2).toLowerCase();
    if (lang && lang in LOCALES) return lang as keyof typeof LOCALES;
  }
  return "en";
}
