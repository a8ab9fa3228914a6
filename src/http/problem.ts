import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, type ErrorCode, StoreError } from "../lib/app-error.ts";
import { errorFields, type Logger } from "../lib/logger.ts";
import type { Problem } from "../shared/errors.ts";
import type { AppEnv } from "./app-env.ts";

export type { Problem };

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  507: "Insufficient Storage",
};

/** The codes Hono's own HTTPExceptions map to. */
const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_ATTEMPTS",
  503: "SERVICE_UNAVAILABLE",
};

export function problemOf(error: AppError, requestId: string): Problem {
  return {
    type: `urn:loupe:problem:${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLES[error.status] ?? "Error",
    status: error.status,
    detail: error.message,
    code: error.code,
    requestId,
    ...(error.fields ? { errors: error.fields } : {}),
  };
}

export function problemResponse(c: Context<AppEnv>, error: AppError): Response {
  const body = problemOf(error, c.get("requestId") ?? "unknown");
  c.set("problemCode", error.code);
  const headers: Record<string, string> = {
    "Content-Type": "application/problem+json; charset=utf-8",
    ...error.headers,
  };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** Turns anything thrown into the AppError it answers as; unknown errors become a generic 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof StoreError) {
    return error.kind === "full"
      ? new AppError("STORAGE_FULL", undefined, { headers: { "Retry-After": "60" }, cause: error })
      : new AppError("STORAGE_BUSY", undefined, { headers: { "Retry-After": "2" }, cause: error });
  }
  // A file write (not the database) that found the disk full: the same answer as SQLITE_FULL.
  const errno = (error as { code?: unknown } | null)?.code;
  if (errno === "ENOSPC" || errno === "EDQUOT") {
    return new AppError("STORAGE_FULL", undefined, { headers: { "Retry-After": "60" }, cause: error });
  }
  if (error instanceof HTTPException) {
    // A status without its own code keeps its class: a framework 5xx is a server failure (logged), not the client's.
    const code = HTTP_EXCEPTION_CODES[error.status] ?? (error.status >= 500 ? "INTERNAL" : "BAD_REQUEST");
    return new AppError(code, code === "INTERNAL" ? undefined : TITLES[error.status], { cause: error });
  }
  return new AppError("INTERNAL", undefined, { cause: error });
}

/** The error handler: a problem response for anything thrown; server-side failures logged by request id. */
export function errorHandler(fallbackLogger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    const logger = c.get("logger") ?? fallbackLogger;
    const appError = toAppError(error);
    // An AppError without a cause is a condition the code foresaw and explained (SMTP not configured,
    // not ready): the service logs its own event. Unknown errors and wrapped causes are logged here.
    if (appError.status >= 500 && (appError.cause !== undefined || !(error instanceof AppError))) {
      logger.error("request.failed", {
        requestId: c.get("requestId"),
        code: appError.code,
        ...errorFields(appError.cause ?? appError),
      });
    }
    return problemResponse(c, appError);
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) => problemResponse(c, new AppError("NOT_FOUND"));
