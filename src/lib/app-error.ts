/** One field that failed validation: the field's path and what it must be (never the value sent). */
export type FieldError = { field: string; message: string };

export type AppErrorOptions = {
  status?: number;
  fields?: FieldError[];
  headers?: Record<string, string>;
  cause?: unknown;
};

/**
 * The one error type of Loupe. `code` is a stable UPPER_SNAKE constant that clients map to text;
 * `message` is safe to show; `cause` stays on the server (logged, never sent).
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fields: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? 500;
    this.fields = options.fields;
    this.headers = options.headers;
  }
}

