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
  /\b[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]{30,}|\b[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]*\d[A-Za-z0-9_-]{30,}/g,
];

/** A console entry made safe to send: bearer tokens, JWTs, API keys, emails and card numbers redacted. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRETS) out = out.replace(pattern, "[redacted]");
  return maskPersonal(out, { emails: true, cards: true }, () => "[redacted]");
}
