import { AppError } from "../lib/app-error.ts";

/** The answers the services give most often; their default text is the error table's. */
export function unauthenticated(message?: string): AppError {
  return new AppError("UNAUTHENTICATED", message);
}

export function notFound(message?: string): AppError {
  return new AppError("NOT_FOUND", message);
}

/** 429 with the whole seconds to wait (at least 1), plus any headers that explain the limit. */
export function tooManyAttempts(retryAfterSeconds: number, headers: Record<string, string> = {}): AppError {
  return new AppError("TOO_MANY_ATTEMPTS", undefined, {
    headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))), ...headers },
  });
}
