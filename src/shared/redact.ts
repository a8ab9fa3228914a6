import { maskPersonal } from "./personal-data.ts";

/**
 * Secrets in console entries the widget sends (for projects that capture the console): bearer
 * tokens, JWTs, credentials in key=value form, API keys, long random tokens; then emails and card
 * numbers. Linear-time patterns only, since they run on text the page controls.
 */
const SECRETS = [
  /\b(?:bearer|basic|token)\s+[\w.~+/=-]{8,}/gi,
  /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g,
  /\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth)\b["']?\s*[:=]\s*["']?[^\s"',;&]+/gi,
  /\b(?:sk|pk|rk|ghp|gho|xox[abp]|AKIA)[\w-]{12,}/g,
];
/** Runs of 32+ token characters (whole runs only); redacted when they mix letters and digits. */
const LONG_TOKEN = /(?<![\w-])[\w-]{32,}/g;

/** A console entry made safe to send: bearer tokens, JWTs, API keys, emails and card numbers redacted. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRETS) out = out.replace(pattern, "[redacted]");
  out = out.replace(LONG_TOKEN, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? "[redacted]" : run));
  return maskPersonal(out, { emails: true, cards: true }, () => "[redacted]");
}
