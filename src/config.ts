import { accessSync, constants as fsConstants } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import * as v from "valibot";
import { SCREENSHOT_MAX_BYTES } from "./lib/body-limits.ts";
import { decodeKey256 } from "./lib/crypto.ts";
import { BROADEST_PREFIX, parseTrustedProxies, type TrustedProxies } from "./lib/forwarded.ts";
import type { MasterKeySource } from "./store/master-key.ts";

/**
 * Every process setting comes from LOUPE_* environment variables, checked here once by one schema.
 * Error messages name the variable and what it expects, never the value (it may be a secret).
 */
const LEVELS = ["debug", "info", "warn", "error"] as const;

const MASTER_KEY_HINT = "32 random bytes in base64, e.g. the output of `openssl rand -base64 32`";

/**
 * Seconds a connection may stay silent before the server closes it (LOUPE_IDLE_TIMEOUT_SECONDS). Bun counts
 * a streamed body's writes as no activity, so the live-update stream turns the timeout off for itself once
 * accepted (`disableIdleTimeout`); its heartbeat (HEARTBEAT_MS) would come twice within it anyway
 * (test/live/live.server-idle-timeout.test.ts). Bun does not restart it for arriving body bytes either
 * (measured, Bun 1.4.5), so it is also the longest a request body may take to arrive — except a feedback
 * submission's, which gets 120 s once its origin check and rate limit have passed (feedback-submission.ts).
 */
export const SERVER_IDLE_TIMEOUT_SECONDS = 30;

const intString = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,9}$/), v.transform(Number), v.integer(), v.minValue(min), v.maxValue(max));

/** What each variable expects; also the text of its error and the README's configuration table. */
export const CONFIG_VARIABLES = {
  LOUPE_DATA_DIR: { default: "./data", expects: "a directory path for the encrypted database and keyring" },
  LOUPE_KEY_DIR: {
    default: "./.loupe-keys",
    expects: "a directory path outside LOUPE_DATA_DIR where a generated master key is written",
  },
  LOUPE_MASTER_KEY: { default: undefined, expects: MASTER_KEY_HINT },
  LOUPE_MASTER_KEY_FILE: { default: undefined, expects: `a path to a file that holds ${MASTER_KEY_HINT}` },
  LOUPE_HOST: { default: "127.0.0.1", expects: "an IP address or host name to listen on" },
  LOUPE_PORT: { default: "8080", expects: "a TCP port from 0 to 65535" },
  LOUPE_PUBLIC_URL: {
    default: "http://localhost:<LOUPE_PORT>",
    expects: "the http:// or https:// origin people use to reach Loupe, without path, query or credentials",
  },
  LOUPE_LOG_LEVEL: { default: "info", expects: `one of ${LEVELS.join(", ")}` },
  LOUPE_SHUTDOWN_TIMEOUT_MS: { default: "10000", expects: "milliseconds from 0 to 600000" },
  LOUPE_BUSY_TIMEOUT_MS: { default: "5000", expects: "milliseconds from 1000 to 600000" },
  LOUPE_SMTP_URL: {
    default: undefined,
    expects: "an smtp:// or smtps:// URL (credentials in it), e.g. smtps://user:password@mail.example.eu:465",
  },
  LOUPE_SMTP_FROM: { default: undefined, expects: "the sender address of Loupe's emails, e.g. loupe@example.eu" },
  LOUPE_SCREENSHOT_MAX_BYTES: {
    default: String(SCREENSHOT_MAX_BYTES.default),
    expects: `the largest accepted screenshot in bytes, from ${SCREENSHOT_MAX_BYTES.min} to ${SCREENSHOT_MAX_BYTES.max}`,
  },
  LOUPE_TEAM_STORAGE_MAX_MB: {
    default: "5120",
    expects: "the most screenshot storage one team may use, in MiB, from 1 to 10485760",
  },
  LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: {
    default: "10",
    expects: "how many widget submissions one client address may send to one project per minute, from 1 to 10000",
  },
  LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE: {
    default: "300",
    expects: "how many widget submissions one project accepts per minute from all clients together, from 1 to 100000",
  },
  // The request-rate limiter (src/http/rate-limit.ts): requests per minute per route class, and its memory bound.
  LOUPE_RATE_LIMIT_SIGN_IN: {
    default: "30",
    expects:
      "how many sign-in, re-authentication, SSO start and setup requests one client address may send per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_MFA: {
    default: "30",
    expects: "how many second-factor (MFA) requests one client address may send per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_PASSWORD_RESET: {
    default: "10",
    expects: "how many password-reset requests one client address may send per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_INVITATIONS: {
    default: "30",
    expects:
      "how many invitation preview and registration requests one client address may send per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_WIDGET_CONFIG: {
    default: "120",
    expects:
      "how many widget configuration requests one client address may send per widget key per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_EVENTS: {
    default: "60",
    expects: "how many live-update (SSE) streams one account may open per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_API_TOKENS: {
    default: "600",
    expects: "how many requests with an API token one client address may send per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_API: {
    default: "600",
    expects: "how many other API requests one signed-in account may send per minute, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_API_ANONYMOUS: {
    default: "120",
    expects:
      "how many other API requests one client address may send per minute without signing in, from 1 to 100000000",
  },
  LOUPE_RATE_LIMIT_MAX_KEYS: {
    default: "100000",
    expects:
      "how many clients (addresses, accounts, widget keys) each route class remembers before it forgets the least recently seen, from 1000 to 10000000",
  },
  LOUPE_BACKUP_DIR: {
    default: "<LOUPE_DATA_DIR>/backups",
    expects: "a directory path for the encrypted daily backups (ideally another disk than LOUPE_DATA_DIR)",
  },
  LOUPE_BACKUP_TIME: { default: "03:00", expects: "the server-time hour and minute of the daily backup, HH:MM" },
  LOUPE_BACKUP_RECIPIENTS: {
    default: "",
    expects: "a comma-separated list of age X25519 public keys (age1…) that can also decrypt every backup",
  },
  LOUPE_BACKUP_MIRROR_DIR: {
    default: undefined,
    expects: "a directory path (e.g. a mounted NAS) that receives a copy of each verified backup",
  },
  LOUPE_TRUSTED_PROXIES: {
    default: "",
    expects:
      "a comma-separated list of your reverse proxies' IP addresses or CIDR ranges (IPv4 or IPv6), e.g. 127.0.0.1,10.0.0.0/8,fd00::/8",
  },
  // Transport (issue 11): built-in HTTPS, the plain-HTTP redirect listener, slow-client timeouts.
  LOUPE_TLS_CERT: {
    default: undefined,
    expects: "a readable PEM file with the server certificate followed by its intermediates (with LOUPE_TLS_KEY)",
  },
  LOUPE_TLS_KEY: {
    default: undefined,
    expects: "a readable PEM file with the certificate's private key (with LOUPE_TLS_CERT)",
  },
  LOUPE_HTTP_REDIRECT_PORT: {
    default: undefined,
    expects:
      "a TCP port from 0 to 65535 other than LOUPE_PORT for a plain-HTTP listener that only redirects to the https LOUPE_PUBLIC_URL",
  },
  LOUPE_IDLE_TIMEOUT_SECONDS: {
    default: String(SERVER_IDLE_TIMEOUT_SECONDS),
    expects:
      "seconds from 1 to 255 a connection may stay silent (also the longest a request body may take to arrive, but a feedback submission's: 120 s)",
  },
  // Metrics (GET /metrics): off the public listener unless a token guards it.
  LOUPE_METRICS_PORT: {
    default: undefined,
    expects: "a TCP port from 0 to 65535 other than LOUPE_PORT, for GET /metrics on its own listener",
  },
  LOUPE_METRICS_HOST: {
    default: "127.0.0.1",
    expects: "an IP address or host name for the metrics listener (LOUPE_METRICS_PORT) to listen on",
  },
  LOUPE_METRICS_TOKEN: {
    default: undefined,
    expects:
      "at least 32 printable characters without spaces (e.g. `openssl rand -hex 32`); GET /metrics then answers on the main listener to Authorization: Bearer <token>",
  },
} as const;

const TRUSTED_PROXIES_REFUSAL = {
  invalid: "is not an IP address or CIDR range",
  trust_all: "trusts every address (*, 0.0.0.0/0, ::/0 are refused: any client could then forge its address)",
  too_broad: `is broader than /${BROADEST_PREFIX}, too wide to be a proxy network`,
} as const;

type VariableName = keyof typeof CONFIG_VARIABLES;

const optionalPath = (fallback: string) => v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty()), fallback);

const perMinute = (name: VariableName) =>
  v.optional(intString(1, 100_000_000), CONFIG_VARIABLES[name].default as string);

const EnvSchema = v.object({
  LOUPE_DATA_DIR: optionalPath(CONFIG_VARIABLES.LOUPE_DATA_DIR.default),
  LOUPE_KEY_DIR: optionalPath(CONFIG_VARIABLES.LOUPE_KEY_DIR.default),
  LOUPE_MASTER_KEY: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => decodeKey256(s) !== undefined),
    ),
  ),
  LOUPE_MASTER_KEY_FILE: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty())),
  LOUPE_HOST: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9.:[\]-]{1,253}$/)),
    CONFIG_VARIABLES.LOUPE_HOST.default,
  ),
  LOUPE_PORT: v.optional(intString(0, 65535), CONFIG_VARIABLES.LOUPE_PORT.default),
  LOUPE_PUBLIC_URL: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => {
        if (!URL.canParse(s)) return false;
        const url = new URL(s);
        return (
          (url.protocol === "http:" || url.protocol === "https:") &&
          url.username === "" &&
          url.password === "" &&
          (url.pathname === "/" || url.pathname === "") &&
          url.search === "" &&
          url.hash === ""
        );
      }),
    ),
  ),
  LOUPE_LOG_LEVEL: v.optional(v.picklist(LEVELS), "info"),
  LOUPE_SHUTDOWN_TIMEOUT_MS: v.optional(intString(0, 600_000), CONFIG_VARIABLES.LOUPE_SHUTDOWN_TIMEOUT_MS.default),
  LOUPE_BUSY_TIMEOUT_MS: v.optional(intString(1000, 600_000), CONFIG_VARIABLES.LOUPE_BUSY_TIMEOUT_MS.default),
  LOUPE_SMTP_URL: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (s) => URL.canParse(s) && ["smtp:", "smtps:"].includes(new URL(s).protocol) && new URL(s).hostname !== "",
      ),
    ),
  ),
  LOUPE_SMTP_FROM: v.optional(v.pipe(v.string(), v.trim(), v.email())),
  LOUPE_SCREENSHOT_MAX_BYTES: v.optional(
    intString(SCREENSHOT_MAX_BYTES.min, SCREENSHOT_MAX_BYTES.max),
    CONFIG_VARIABLES.LOUPE_SCREENSHOT_MAX_BYTES.default,
  ),
  LOUPE_TEAM_STORAGE_MAX_MB: v.optional(intString(1, 10_485_760), CONFIG_VARIABLES.LOUPE_TEAM_STORAGE_MAX_MB.default),
  LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: v.optional(
    intString(1, 10_000),
    CONFIG_VARIABLES.LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE.default,
  ),
  LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE: v.optional(
    intString(1, 100_000),
    CONFIG_VARIABLES.LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE.default,
  ),
  // The request-rate limiter.
  LOUPE_RATE_LIMIT_SIGN_IN: perMinute("LOUPE_RATE_LIMIT_SIGN_IN"),
  LOUPE_RATE_LIMIT_MFA: perMinute("LOUPE_RATE_LIMIT_MFA"),
  LOUPE_RATE_LIMIT_PASSWORD_RESET: perMinute("LOUPE_RATE_LIMIT_PASSWORD_RESET"),
  LOUPE_RATE_LIMIT_INVITATIONS: perMinute("LOUPE_RATE_LIMIT_INVITATIONS"),
  LOUPE_RATE_LIMIT_WIDGET_CONFIG: perMinute("LOUPE_RATE_LIMIT_WIDGET_CONFIG"),
  LOUPE_RATE_LIMIT_EVENTS: perMinute("LOUPE_RATE_LIMIT_EVENTS"),
  LOUPE_RATE_LIMIT_API_TOKENS: perMinute("LOUPE_RATE_LIMIT_API_TOKENS"),
  LOUPE_RATE_LIMIT_API: perMinute("LOUPE_RATE_LIMIT_API"),
  LOUPE_RATE_LIMIT_API_ANONYMOUS: perMinute("LOUPE_RATE_LIMIT_API_ANONYMOUS"),
  LOUPE_RATE_LIMIT_MAX_KEYS: v.optional(
    intString(1000, 10_000_000),
    CONFIG_VARIABLES.LOUPE_RATE_LIMIT_MAX_KEYS.default,
  ),
  LOUPE_TRUSTED_PROXIES: v.optional(v.string(), CONFIG_VARIABLES.LOUPE_TRUSTED_PROXIES.default),
  LOUPE_BACKUP_DIR: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty())),
  LOUPE_BACKUP_TIME: v.optional(v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/)), "03:00"),
  LOUPE_BACKUP_RECIPIENTS: v.optional(
    v.pipe(
      v.string(),
      v.check((s) =>
        s
          .split(",")
          .map((r) => r.trim())
          .filter((r) => r !== "")
          .every((r) => /^age1[02-9ac-hj-np-z]{58}$/.test(r)),
      ),
    ),
    "",
  ),
  LOUPE_BACKUP_MIRROR_DIR: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty())),
  // Transport (issue 11)
  LOUPE_TLS_CERT: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty())),
  LOUPE_TLS_KEY: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty())),
  LOUPE_HTTP_REDIRECT_PORT: v.optional(intString(0, 65535)),
  LOUPE_IDLE_TIMEOUT_SECONDS: v.optional(intString(1, 255), CONFIG_VARIABLES.LOUPE_IDLE_TIMEOUT_SECONDS.default),
  // Metrics
  LOUPE_METRICS_PORT: v.optional(intString(0, 65535)),
  LOUPE_METRICS_HOST: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9.:[\]-]{1,253}$/)),
    CONFIG_VARIABLES.LOUPE_METRICS_HOST.default,
  ),
  LOUPE_METRICS_TOKEN: v.optional(v.pipe(v.string(), v.regex(/^[\x21-\x7e]{32,512}$/))),
});

export type Config = Readonly<{
  dataDir: string;
  keyDir: string;
  masterKey: MasterKeySource;
  host: string;
  port: number;
  publicUrl: string;
  publicOrigin: string;
  /** https public URL: cookies are Secure and __Host- prefixed. */
  secureCookies: boolean;
  logLevel: (typeof LEVELS)[number];
  shutdownTimeoutMs: number;
  busyTimeoutMs: number;
  /** Outgoing mail; undefined when SMTP is not configured (then nothing is emailed). */
  smtp: { url: string; from: string } | undefined;
  /** LOUPE_SCREENSHOT_MAX_BYTES; every request-size cap derives from it (lib/body-limits.ts). */
  screenshotMaxBytes: number;
  /** Peers whose Forwarded / X-Forwarded-* headers are believed; empty: none (the default). */
  trustedProxies: TrustedProxies;
  /** LOUPE_TEAM_STORAGE_MAX_MB in bytes: a team's screenshots may not take more (T-F5). */
  teamStorageMaxBytes: number;
  /** The request-rate limiter: requests per minute per route class (src/shared/rate-limits.ts), and how many keys each class keeps. */
  rateLimits: Readonly<{
    perMinute: Readonly<{
      "sign-in": number;
      mfa: number;
      "password-reset": number;
      invitations: number;
      "widget-config": number;
      "widget-submission": number;
      "widget-key": number;
      events: number;
      "api-tokens": number;
      api: number;
      "api-anonymous": number;
    }>;
    maxKeys: number;
  }>;
  /** Daily encrypted backups: where, when (server time), to whom besides Loupe's identity, mirrored where. */
  backup: { dir: string; hour: number; minute: number; recipients: string[]; mirrorDir: string | undefined };
  /** Transport (issue 11): the certificate and key files Loupe serves HTTPS with; undefined: plain HTTP. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** A plain-HTTP port that only redirects navigations to the https public URL; undefined: none. */
  httpRedirectPort: number | undefined;
  /** Seconds a connection may stay silent (Bun's idleTimeout); a request body must arrive within it too (a feedback submission's within 120 s). */
  idleTimeoutSeconds: number;
  /** Strict-Transport-Security on every response: the public URL is https (served directly or by a proxy). */
  hsts: boolean;
  /**
   * GET /metrics: on its own listener (`port`, on `host`, localhost by default) and/or on the main
   * listener behind `token`; with neither, the main listener answers 404.
   */
  metrics: { port: number | undefined; host: string; token: string | undefined };
}>;

export type ConfigProblem = { variable: string; expects: string };

/** Thrown when the environment is invalid; lists every bad variable at once. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super("invalid configuration: " + problems.map((p) => `${p.variable} must be ${p.expects}`).join("; "));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Reads and checks the LOUPE_* variables of `env`; relative paths resolve against `cwd`. */
export function loadConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(env)) {
    if (name.startsWith("LOUPE_") && !(name in CONFIG_VARIABLES)) {
      problems.push({
        variable: name,
        expects: `a known variable (unknown name; known: ${Object.keys(CONFIG_VARIABLES).join(", ")})`,
      });
    }
  }
  const input: Record<string, string> = {};
  for (const name of Object.keys(CONFIG_VARIABLES)) {
    const value = env[name];
    if (value !== undefined && value !== "") input[name] = value;
  }
  // Checked apart from the schema so that its problem names the entry at fault and is listed with the others.
  const proxies = parseTrustedProxies(input.LOUPE_TRUSTED_PROXIES ?? "");
  if (!proxies.ok) {
    problems.push({
      variable: "LOUPE_TRUSTED_PROXIES",
      expects: `${CONFIG_VARIABLES.LOUPE_TRUSTED_PROXIES.expects} (entry ${proxies.entry} ${TRUSTED_PROXIES_REFUSAL[proxies.reason]})`,
    });
  }
  const parsed = v.safeParse(EnvSchema, input);
  if (!parsed.success) {
    const named = new Set<string>();
    for (const issue of parsed.issues) {
      const key = issue.path?.[0]?.key;
      if (typeof key === "string" && !named.has(key) && key in CONFIG_VARIABLES) {
        named.add(key);
        problems.push({ variable: key, expects: CONFIG_VARIABLES[key as VariableName].expects });
      }
    }
  }
  if (!parsed.success || problems.length > 0) {
    if (problems.length === 0) problems.push({ variable: "LOUPE_*", expects: "valid" });
    throw new ConfigError(problems);
  }
  const out = parsed.output;
  const dataDir = resolve(cwd, out.LOUPE_DATA_DIR);
  const keyDir = resolve(cwd, out.LOUPE_KEY_DIR);
  if (isInside(dataDir, keyDir) || isInside(keyDir, dataDir)) {
    problems.push({
      variable: "LOUPE_KEY_DIR",
      expects: "a directory outside LOUPE_DATA_DIR (keys never live beside the data)",
    });
  }
  let masterKey: MasterKeySource;
  if (out.LOUPE_MASTER_KEY !== undefined && out.LOUPE_MASTER_KEY_FILE !== undefined) {
    problems.push({
      variable: "LOUPE_MASTER_KEY_FILE",
      expects: "unset when LOUPE_MASTER_KEY is set (give one, not both)",
    });
  }
  if (out.LOUPE_MASTER_KEY !== undefined) {
    masterKey = { kind: "env", key: decodeKey256(out.LOUPE_MASTER_KEY) as Buffer };
  } else if (out.LOUPE_MASTER_KEY_FILE !== undefined) {
    const path = resolve(cwd, out.LOUPE_MASTER_KEY_FILE);
    if (isInside(dataDir, path)) {
      problems.push({
        variable: "LOUPE_MASTER_KEY_FILE",
        expects: "a path outside LOUPE_DATA_DIR (keys never live beside the data)",
      });
    }
    masterKey = { kind: "file", path };
  } else {
    masterKey = { kind: "default", path: resolve(keyDir, "master.key") };
  }
  if (out.LOUPE_SMTP_URL !== undefined && out.LOUPE_SMTP_FROM === undefined) {
    problems.push({
      variable: "LOUPE_SMTP_FROM",
      expects: `${CONFIG_VARIABLES.LOUPE_SMTP_FROM.expects} (required with LOUPE_SMTP_URL)`,
    });
  }
  const backupDir = resolve(cwd, out.LOUPE_BACKUP_DIR ?? resolve(dataDir, "backups"));
  const mirrorDir = out.LOUPE_BACKUP_MIRROR_DIR === undefined ? undefined : resolve(cwd, out.LOUPE_BACKUP_MIRROR_DIR);
  for (const [variable, dir] of [
    ["LOUPE_BACKUP_DIR", backupDir],
    ["LOUPE_BACKUP_MIRROR_DIR", mirrorDir],
  ] as const) {
    if (dir !== undefined && (isInside(keyDir, dir) || isInside(dir, keyDir))) {
      problems.push({ variable, expects: "a directory apart from LOUPE_KEY_DIR (the keys never go with the backups)" });
    }
  }
  const transport = transportSettings(out, cwd, problems);
  if (
    out.LOUPE_METRICS_PORT !== undefined &&
    out.LOUPE_METRICS_PORT !== 0 &&
    (out.LOUPE_METRICS_PORT === out.LOUPE_PORT || out.LOUPE_METRICS_PORT === out.LOUPE_HTTP_REDIRECT_PORT)
  ) {
    problems.push({ variable: "LOUPE_METRICS_PORT", expects: CONFIG_VARIABLES.LOUPE_METRICS_PORT.expects });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Unset, the public URL follows the port and the protocol, so links and same-origin checks match what is served.
  const publicUrl = new URL(
    out.LOUPE_PUBLIC_URL ??
      `${transport.tls ? "https" : "http"}://localhost:${out.LOUPE_PORT === 0 ? 8080 : out.LOUPE_PORT}`,
  );
  return Object.freeze({
    dataDir,
    keyDir,
    masterKey,
    host: out.LOUPE_HOST,
    port: out.LOUPE_PORT,
    publicUrl: publicUrl.origin,
    publicOrigin: publicUrl.origin,
    secureCookies: publicUrl.protocol === "https:",
    logLevel: out.LOUPE_LOG_LEVEL,
    shutdownTimeoutMs: out.LOUPE_SHUTDOWN_TIMEOUT_MS,
    busyTimeoutMs: out.LOUPE_BUSY_TIMEOUT_MS,
    smtp:
      out.LOUPE_SMTP_URL && out.LOUPE_SMTP_FROM ? { url: out.LOUPE_SMTP_URL, from: out.LOUPE_SMTP_FROM } : undefined,
    screenshotMaxBytes: out.LOUPE_SCREENSHOT_MAX_BYTES,
    trustedProxies: proxies.ok ? proxies.proxies : [],
    teamStorageMaxBytes: out.LOUPE_TEAM_STORAGE_MAX_MB * 1024 * 1024,
    rateLimits: {
      perMinute: {
        "sign-in": out.LOUPE_RATE_LIMIT_SIGN_IN,
        mfa: out.LOUPE_RATE_LIMIT_MFA,
        "password-reset": out.LOUPE_RATE_LIMIT_PASSWORD_RESET,
        invitations: out.LOUPE_RATE_LIMIT_INVITATIONS,
        "widget-config": out.LOUPE_RATE_LIMIT_WIDGET_CONFIG,
        "widget-submission": out.LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE,
        "widget-key": out.LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE,
        events: out.LOUPE_RATE_LIMIT_EVENTS,
        "api-tokens": out.LOUPE_RATE_LIMIT_API_TOKENS,
        api: out.LOUPE_RATE_LIMIT_API,
        "api-anonymous": out.LOUPE_RATE_LIMIT_API_ANONYMOUS,
      },
      maxKeys: out.LOUPE_RATE_LIMIT_MAX_KEYS,
    },
    backup: {
      dir: backupDir,
      hour: Number(out.LOUPE_BACKUP_TIME.slice(0, 2)),
      minute: Number(out.LOUPE_BACKUP_TIME.slice(3, 5)),
      recipients: out.LOUPE_BACKUP_RECIPIENTS.split(",")
        .map((r) => r.trim())
        .filter((r) => r !== ""),
      mirrorDir,
    },
    tls: transport.tls,
    httpRedirectPort: transport.httpRedirectPort,
    idleTimeoutSeconds: out.LOUPE_IDLE_TIMEOUT_SECONDS,
    hsts: publicUrl.protocol === "https:",
    metrics: { port: out.LOUPE_METRICS_PORT, host: out.LOUPE_METRICS_HOST, token: out.LOUPE_METRICS_TOKEN },
  });
}

/** Transport (issue 11): certificate and key both or neither, readable; the redirect port needs an https public URL. */
function transportSettings(
  out: v.InferOutput<typeof EnvSchema>,
  cwd: string,
  problems: ConfigProblem[],
): { tls: { certFile: string; keyFile: string } | undefined; httpRedirectPort: number | undefined } {
  const given = { LOUPE_TLS_CERT: out.LOUPE_TLS_CERT, LOUPE_TLS_KEY: out.LOUPE_TLS_KEY };
  const files: Partial<Record<keyof typeof given, string>> = {};
  for (const [variable, other] of [
    ["LOUPE_TLS_CERT", "LOUPE_TLS_KEY"],
    ["LOUPE_TLS_KEY", "LOUPE_TLS_CERT"],
  ] as const) {
    const path = given[variable];
    if (path === undefined) {
      if (given[other] !== undefined)
        problems.push({ variable, expects: `${CONFIG_VARIABLES[variable].expects} (required with ${other})` });
      continue;
    }
    const file = resolve(cwd, path);
    try {
      accessSync(file, fsConstants.R_OK);
      files[variable] = file;
    } catch {
      problems.push({ variable, expects: `${CONFIG_VARIABLES[variable].expects} (${file} cannot be read)` });
    }
  }
  const tls =
    files.LOUPE_TLS_CERT && files.LOUPE_TLS_KEY
      ? { certFile: files.LOUPE_TLS_CERT, keyFile: files.LOUPE_TLS_KEY }
      : undefined;
  const direct = given.LOUPE_TLS_CERT !== undefined || given.LOUPE_TLS_KEY !== undefined;
  const publicHttps =
    out.LOUPE_PUBLIC_URL === undefined ? undefined : new URL(out.LOUPE_PUBLIC_URL).protocol === "https:";
  if (direct && publicHttps === false) {
    problems.push({
      variable: "LOUPE_PUBLIC_URL",
      expects: `${CONFIG_VARIABLES.LOUPE_PUBLIC_URL.expects} (https:// when LOUPE_TLS_CERT is set)`,
    });
  }
  const redirect = out.LOUPE_HTTP_REDIRECT_PORT;
  if (redirect !== undefined) {
    const httpsPublic = publicHttps ?? direct;
    if (!httpsPublic || (redirect !== 0 && redirect === out.LOUPE_PORT)) {
      problems.push({
        variable: "LOUPE_HTTP_REDIRECT_PORT",
        expects: `${CONFIG_VARIABLES.LOUPE_HTTP_REDIRECT_PORT.expects} (${httpsPublic ? "it equals LOUPE_PORT" : "the public URL is not https"})`,
      });
    }
  }
  return { tls, httpRedirectPort: redirect };
}
