import { locale, t } from "../../i18n.ts";
import type { Me } from "../../shell.tsx";

/** GET /api/v1/me: the user, this session and the recovery codes left. */
export type MeAnswer = {
  user: Me & { hasPassword: boolean; createdAt: string };
  session: { id: string; mfaEnrolmentRequired: boolean; method: string; authTime: string } | null;
  countRecoveryCodesLeft: number;
};

/** What every section of the account page gets. */
export type SectionProps = {
  me: MeAnswer;
  /** Loads the account again (after a change). */
  reload: () => Promise<void>;
  /** Makes a sensitive call, asking the user to confirm it is them first when the API wants that. */
  run: <T>(call: () => Promise<T>) => Promise<T>;
};

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/**
 * "5 minutes ago" / "in 3 months" in the UI's language. `past`: a moment that has happened, so a
 * server clock slightly ahead of this computer's still reads "now", never "in 2 minutes".
 */
export function relative(iso: string, options: { past?: boolean } = {}): string {
  const diff = options.past ? Math.min(Date.parse(iso) - Date.now(), 0) : Date.parse(iso) - Date.now();
  const format = new Intl.RelativeTimeFormat(locale.value, { numeric: "auto" });
  for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms) return format.format(Math.round(diff / ms), unit);
  return t.justNow;
}

/** A date and time in the UI's language. */
export function exact(iso: string): string {
  return new Intl.DateTimeFormat(locale.value, { dateStyle: "medium", timeStyle: "short" }).format(Date.parse(iso));
}

/** A moment that has happened, shown relative ("5 minutes ago"), the exact time on hover. */
export function When(props: { iso: string }) {
  return (
    <time dateTime={props.iso} title={exact(props.iso)}>
      {relative(props.iso, { past: true })}
    </time>
  );
}

/** A day (an expiry date), the exact time on hover. */
export function Day(props: { iso: string }) {
  return (
    <time dateTime={props.iso} title={exact(props.iso)}>
      {new Intl.DateTimeFormat(locale.value, { dateStyle: "medium" }).format(Date.parse(props.iso))}
    </time>
  );
}
