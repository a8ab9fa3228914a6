import { AppError } from "../lib/app-error.ts";

/** The answers the services give most often; their default text is the error table's. */
export function unauthenticated(message?: string): AppError {
  return new AppError("UNAUTHENTICATED", message);
}

export function notFound(message?: string): AppError {
  return new AppError("NOT_FOUND", message);
}

export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError("TOO_MANY_ATTEMPTS", undefined, {
    headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
}
