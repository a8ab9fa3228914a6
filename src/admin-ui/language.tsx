import { LOCALES, type Locale, locale, setLocale, t } from "./i18n.ts";

/** The language switch: takes effect at once and is remembered in this browser. */
export function LanguageSwitch(props: { compact?: boolean }) {
  return (
    <label class={props.compact ? "language compact" : "language"}>
      {t.language}
      <select value={locale.value} onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
        {LOCALES.map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
