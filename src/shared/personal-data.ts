/**
 * Finding personal data in free text: a project may black out emails and card numbers in the widget's
 * screenshots, and console entries are redacted (redact.ts). Linear-time patterns only (no nested
 * quantifiers), since they run on text the page controls.
 */
// The local part starts only where a run of its characters starts, and is taken whole (a lookahead
// capture cannot be backtracked into): one pass over any run, however long.
const EMAIL = /(?<![\p{L}\p{N}_.+-])(?=([\p{L}\p{N}_.+-]+))\1@[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+/gu;
/** 13–19 digits, optionally grouped by spaces or dashes; a match counts only when Luhn-valid. */
const CARD = /\b\d(?:[\s-]?\d){12,18}\b/g;

export function luhnValid(number: string): boolean {
  const digits = number.replace(/\D/g, "");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** Replaces emails and/or Luhn-valid card numbers with `mask(match)`. */
export function maskPersonal(
  text: string,
  what: { emails: boolean; cards: boolean },
  mask: (match: string) => string,
): string {
  let out = what.emails ? text.replace(EMAIL, mask) : text;
  if (what.cards) out = out.replace(CARD, (m) => (luhnValid(m) ? mask(m) : m));
  return out;
}
