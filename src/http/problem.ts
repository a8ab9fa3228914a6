import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, type FieldError } from "../lib/app-error.ts";
import { errorFields, type Logger } from "../lib/logger.ts";
import type { AppEnv } from "./app-env.ts";

/** The one JSON error shape (RFC 9457 problem details) every error response uses. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
};

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
  503: "Service Unavailable",
  507: "Insufficient Storage",
};

const STATUS_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
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
  const headers: Record<string, string> = { "Content-Type": "application/problem+json; charset=utf-8", ...error.headers };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** Turns anything thrown into a problem response; unknown errors become a generic 500, logged by id. */
export function errorHandler(fallbackLogger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    const logger = c.get("logger") ?? fallbackLogger;
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (error instanceof HTTPException) {
      appError = new AppError(STATUS_CODES[error.status] ?? "BAD_REQUEST", TITLES[error.status] ?? "The request was refused.", {
        status: error.status,
        cause: error,
      });
    } else {
      appError = new AppError("INTERNAL", "Something went wrong on the server. Quote the request id when reporting it.", {
        status: 500,
        cause: error,
      });
    }
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

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, new AppError("NOT_FOUND", "There is nothing at this address.", { status: 404 }));
