import { AppError } from "../lib/app-error.ts";

export { AppError };

/** Error codes of the accounts feature; clients map them to text, tests assert them. */
export const AUTH_ERRORS = {
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  ACCOUNT_DISABLED: "ACCOUNT_DISABLED",
  TOO_MANY_ATTEMPTS: "TOO_MANY_ATTEMPTS",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  MFA_CHALLENGE_INVALID: "MFA_CHALLENGE_INVALID",
  MFA_CODE_INVALID: "MFA_CODE_INVALID",
  MFA_ENROLMENT_REQUIRED: "MFA_ENROLMENT_REQUIRED",
  MFA_ALREADY_ENABLED: "MFA_ALREADY_ENABLED",
  MFA_NOT_ENABLED: "MFA_NOT_ENABLED",
  REAUTH_REQUIRED: "REAUTH_REQUIRED",
  PASSWORD_POLICY: "PASSWORD_POLICY",
  EMAIL_TAKEN: "EMAIL_TAKEN",
  TOKEN_INVALID: "TOKEN_INVALID",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CSRF_REJECTED: "CSRF_REJECTED",
  SMTP_NOT_CONFIGURED: "SMTP_NOT_CONFIGURED",
  SSO_FAILED: "SSO_FAILED",
  SSO_NOT_LINKED: "SSO_NOT_LINKED",
  SSO_ALREADY_LINKED: "SSO_ALREADY_LINKED",
  SETUP_DONE: "SETUP_DONE",
} as const;

export function unauthenticated(message = "Sign in first."): AppError {
  return new AppError(AUTH_ERRORS.UNAUTHENTICATED, message, { status: 401 });
}

export function notFound(message = "There is nothing at this address."): AppError {
  return new AppError(AUTH_ERRORS.NOT_FOUND, message, { status: 404 });
}

export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError(AUTH_ERRORS.TOO_MANY_ATTEMPTS, "Too many attempts. Wait before trying again.", {
    status: 429,
    headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
}
