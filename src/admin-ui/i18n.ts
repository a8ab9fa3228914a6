import de from "./strings/de.ts";
import en from "./strings/en.ts";

export type Strings = Record<keyof typeof en, string>;
const all: Record<string, Strings> = { en, de };

/** The browser's language when the UI has it, else English. */
export const t: Strings = all[navigator.language.slice(0, 2)] ?? en;
