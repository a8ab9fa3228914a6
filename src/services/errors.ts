import { AppError } from "../lib/app-error.ts";

export { AppError };

export function unauthenticated(message = "Sign in first."): AppError {
  return new AppError("UNAUTHENTICATED", message);
}

export function notFound(message = "There is nothing at this address."): AppError {
  return new AppError("NOT_FOUND", message);
}

export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError("TOO_MANY_ATTEMPTS", "Too many attempts. Wait before trying again.", {
    headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
}
