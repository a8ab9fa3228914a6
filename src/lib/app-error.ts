import { ERROR_CODES, type ErrorCode, type FieldError } from "../shared/errors.ts";

export type { ErrorCode, FieldError };

export type AppErrorOptions = {
  fields?: FieldError[];
  headers?: Record<string, string>;
  cause?: unknown;
};

/**
 * The one error type of Loupe. `code` comes from the one table (src/shared/errors.ts), which also
 * fixes its HTTP status; `message` is safe to show (the table's default when omitted); `cause`
 * stays on the server (logged, never sent).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? ERROR_CODES[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.fields = options.fields;
    this.headers = options.headers;
  }
}

/** VALIDATION_FAILED naming one field (for rules a schema cannot express, checked in a service). */
export function invalidField(field: string, message: string, detail?: string): AppError {
  return new AppError("VALIDATION_FAILED", detail, { fields: [{ field, message }] });
}

/**
 * A storage condition the caller can do nothing about but wait (disk full, database busy): the store
 * says which, the HTTP layer chooses the answer (src/http/problem.ts).
 */
export class StoreError extends Error {
  readonly kind: "full" | "busy";
  constructor(kind: "full" | "busy", cause: unknown) {
    super(kind === "full" ? "The storage is full." : "The database is busy.", { cause });
    this.name = "StoreError";
    this.kind = kind;
  }
}
