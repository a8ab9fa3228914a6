/**
 * Secrets in console entries the widget sends (for projects that capture the console): bearer
 * tokens, JWTs, credentials in key=value form, API keys, long random tokens. Emails and card numbers
 * are masked separately (personal-data.ts). Linear-time patterns only: they run on text the page
 * controls.
 */
const SECRETS = [
  /\b(?:bearer|basic|token)\s+[\w.~+/=-]{8,}/gi,
  /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g,
  /\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth)\b["']?\s*[:=]\s*["']?[^\s"',;&]+/gi,
  /\b(?:sk|pk|rk|ghp|gho|xox[abp]|AKIA)[\w-]{12,}/g,
];
/** Runs of 32+ token characters (whole runs only); redacted when they mix letters and digits. */
const LONG_TOKEN = /(?<![\w-])[\w-]{32,}/g;

/** A console entry's secrets redacted: bearer tokens, JWTs, credentials, API keys, long random tokens. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRETS) out = out.replace(pattern, "[redacted]");
  return out.replace(LONG_TOKEN, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? "[redacted]" : run));
}
