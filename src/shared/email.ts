import * as v from "valibot";

/** Emails are compared in one form: trimmed, Unicode NFC, lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize("NFC").toLowerCase();
}

export const EmailSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(254),
  v.email("Expected an email address."),
  v.transform(normalizeEmail),
);
