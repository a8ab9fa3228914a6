/**
 * A structured logger that cannot carry personal data.
 *
 * Only the field names below exist. Identifier fields accept short id-shaped values (ids, route
 * patterns, codes); anything else is replaced by "[redacted]". Error text is scrubbed of emails,
 * IP addresses, quoted values and token-like strings before it is written. There is no field for an
 * email, an IP, a token, a cookie, a header or a body, so none can be logged by mistake.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const ID_FIELDS = [
  "requestId",
  "route",
  "method",
  "code",
  "userId",
  "teamId",
  "projectId",
  "sessionId",
  "itemId",
  "targetId",
  "actorId",
  "keyId",
  "migration",
  "path",
  "state",
  "signal",
  "errorName",
  "digest",
] as const;
const NUMBER_FIELDS = ["status", "durationMs", "count", "port", "pid", "seq"] as const;
const TEXT_FIELDS = ["errorMessage", "stack"] as const;

export type LogFields = Partial<
  Record<(typeof ID_FIELDS)[number], string> &
    Record<(typeof NUMBER_FIELDS)[number], number> &
    Record<(typeof TEXT_FIELDS)[number], string> & { ok: boolean }
>;

export type LogSink = (line: string) => void;

export type Logger = {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
};

const ID_VALUE = /^[A-Za-z0-9_.:/{}*-]{0,160}$/;
const LOOKS_LIKE_IP = /\b\d{1,3}(?:\.\d{1,3}){3}\b|[0-9a-f]{1,4}:[0-9a-f]{0,4}:[0-9a-f]{0,4}/i;
const EVENT_NAME = /^[a-z][a-z0-9_.:-]{0,80}$/;

/** Removes anything that could be personal data or a secret from free error text. */
export function scrubText(text: string): string {
  return (
    text
      .replace(/[\r\n\t\u0000-\u001f\u007f\u001b]+/g, " ")
      .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, "[value]")
      // Bounded runs: unbounded ones rescan to the end from every start (16 s on 100 KB without an @).
      .replace(/[^\s@]{1,64}@[^\s@]{1,255}/g, "[email]")
      .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, "[ip]")
      .replace(/\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\b/gi, "[ip]")
      .replace(/\b[A-Za-z0-9_\-+/=.]{20,}\b/g, "[token]")
      .slice(0, 400)
  );
}

function cleanFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((ID_FIELDS as readonly string[]).includes(key)) {
      out[key] = typeof value === "string" && ID_VALUE.test(value) && !LOOKS_LIKE_IP.test(value) ? value : "[redacted]";
    } else if ((NUMBER_FIELDS as readonly string[]).includes(key)) {
      out[key] = typeof value === "number" && Number.isFinite(value) ? value : null;
    } else if ((TEXT_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== "string") out[key] = "[redacted]";
      // Stack frames are code locations only; error messages may quote data and are scrubbed.
      else
        out[key] = key === "stack" ? value.replace(/[\u0000-\u001f\u007f"'`]+/g, " ").slice(0, 1500) : scrubText(value);
    } else if (key === "ok") {
      out[key] = value === true;
    }
  }
  return out;
}

/**
 * JSON.stringify leaves DEL, the C1 controls (U+0080–U+009F: NEL, and CSI, the 8-bit ANSI escape) and
 * the Unicode line and paragraph separators raw; written as \u escapes, a log line holds none of the
 * characters a terminal or a line-splitting log shipper acts on, and stays one JSON line.
 */
const RAW_CONTROLS = /[\u007f-\u009f\u2028\u2029]/g;
export function jsonLine(record: Record<string, unknown>): string {
  return JSON.stringify(record).replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function createLogger(options: { level?: LogLevel; sink?: LogSink; now?: () => number } = {}): Logger {
  const min = LEVEL_RANK[options.level ?? "info"];
  const sink = options.sink ?? ((line: string) => process.stdout.write(line + "\n"));
  const now = options.now ?? Date.now;
  const write = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (LEVEL_RANK[level] < min) return;
    const msg = EVENT_NAME.test(event) ? event : "invalid_event_name";
    sink(jsonLine({ time: new Date(now()).toISOString(), level, msg, ...cleanFields(fields) }));
  };
  return {
    debug: (e, f) => write("debug", e, f),
    info: (e, f) => write("info", e, f),
    warn: (e, f) => write("warn", e, f),
    error: (e, f) => write("error", e, f),
  };
}

/** The loggable part of an error: its class, code, scrubbed message and code locations. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((line) => line.trim().startsWith("at "))
    .slice(0, 8)
    .map((line) => line.trim())
    .join(" | ");
  return {
    errorName: error.name,
    ...(typeof code === "string" ? { code } : {}),
    errorMessage: error.message,
    stack: frames,
  };
}
