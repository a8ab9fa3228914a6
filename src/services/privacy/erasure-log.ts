import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../lib/app-error.ts";
import { constantTimeEqual, deriveKey, hmacSha256 } from "../../lib/crypto.ts";
import { writeFileAtomic } from "../../lib/fs-atomic.ts";
import type { Keyring } from "../../store/keyring.ts";
import type { ServiceContext } from "../context.ts";

/**
 * The erasure log: keyed hashes of the identifiers a GDPR erasure removed, kept OUTSIDE the database
 * (a file in the data directory, included in every backup) so that restoring an older database
 * cannot bring erased people back: the daily retention (which also runs after every restore) deletes
 * again any item whose reporter hashes to an entry and was created before that erasure. The file
 * never says who: each hash is an HMAC under a key derived from the keyring (never stored in the
 * database), of the team id, the kind and the identifier. The whole file is MACed: a change by hand
 * is reported (error log event, /readyz degraded) and blocks new erasures until an admin looks.
 */
export const ERASURE_LOG_FILE = "erasure-log";
/** Entries outlive every backup that could hold the erased data (backups live at most 90 days). */
export const ERASURE_LOG_KEEP_MS = 365 * 86_400_000;

const FORMAT = "loupe-erasure-log";
export type ErasureEntry = { at: number; hashes: string[] };
export type IdentifierKind = "email" | "reporter";
export type ErasureLogState = "ok" | "invalid";

export const erasureLogPath = (dataDir: string) => join(dataDir, ERASURE_LOG_FILE);

const states = new Map<string, ErasureLogState>();

/** The log's state as last read in this process (readiness reports it): "invalid" after a failed check. */
export function erasureLogState(dataDir: string): ErasureLogState {
  return states.get(erasureLogPath(dataDir)) ?? "ok";
}

const derived = new WeakMap<Keyring, { hash: Buffer; mac: Buffer }>();
function keys(keyring: Keyring): { hash: Buffer; mac: Buffer } {
  let k = derived.get(keyring);
  if (!k) {
    // The field key never rotates (data sealed with it lives in the database), so the hashes stay valid.
    k = {
      hash: deriveKey(keyring.field, "loupe erasure log identifier v1"),
      mac: deriveKey(keyring.field, "loupe erasure log mac v1"),
    };
    derived.set(keyring, k);
  }
  return k;
}

/** The keyed hash of one identifier of a data subject in a team (emails normalized by the caller). */
export function identifierHash(keyring: Keyring, teamId: string, kind: IdentifierKind, value: string): string {
  return hmacSha256(keys(keyring).hash, `${teamId}\n${kind}\n${value}`).toString("hex");
}

const macOf = (keyring: Keyring, entries: ErasureEntry[]) =>
  hmacSha256(keys(keyring).mac, JSON.stringify({ format: FORMAT, version: 1, entries })).toString("hex");

const isEntry = (e: unknown): e is ErasureEntry =>
  typeof e === "object" &&
  e !== null &&
  typeof (e as ErasureEntry).at === "number" &&
  Array.isArray((e as ErasureEntry).hashes) &&
  (e as ErasureEntry).hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h));

/**
 * Reads and checks the log. A missing file is an empty log. A file that does not parse or whose MAC
 * does not match is "invalid": logged as an error every time it is read, and its well-formed entries
 * are still returned (applying them can only delete items of people who were erased).
 */
export function readErasureLog(ctx: Pick<ServiceContext, "dataDir" | "keyring" | "logger">): {
  state: ErasureLogState;
  entries: ErasureEntry[];
} {
  const path = erasureLogPath(ctx.dataDir);
  if (!existsSync(path)) {
    states.set(path, "ok");
    return { state: "ok", entries: [] };
  }
  let parsed: { format?: unknown; version?: unknown; entries?: unknown; mac?: unknown } | undefined;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    parsed = undefined;
  }
  const entries = Array.isArray(parsed?.entries) ? parsed.entries.filter(isEntry) : [];
  const valid =
    parsed?.format === FORMAT &&
    parsed.version === 1 &&
    typeof parsed.mac === "string" &&
    Array.isArray(parsed.entries) &&
    entries.length === parsed.entries.length &&
    constantTimeEqual(parsed.mac, macOf(ctx.keyring, entries));
  const state: ErasureLogState = valid ? "ok" : "invalid";
  states.set(path, state);
  if (!valid)
    ctx.logger.error("erasure_log.invalid", {
      code: "ERASURE_LOG_INVALID",
      path: ERASURE_LOG_FILE,
      count: entries.length,
    });
  return { state, entries };
}

/**
 * Records an erasure (written and fsynced before the database is changed, so a crash between the two
 * leaves an entry the next retention run applies). Entries past ERASURE_LOG_KEEP_MS are dropped.
 * Refused while the log is invalid: appending would re-seal whatever was changed in it.
 */
export function appendErasure(ctx: ServiceContext, hashes: string[]): void {
  const { state, entries } = readErasureLog(ctx);
  if (state !== "ok") throw new AppError("ERASURE_LOG_INVALID");
  const now = ctx.clock.now();
  const kept = entries.filter((e) => e.at >= now - ERASURE_LOG_KEEP_MS);
  kept.push({ at: now, hashes: [...new Set(hashes)].sort() });
  writeErasureLog(ctx, kept);
}

function writeErasureLog(ctx: Pick<ServiceContext, "dataDir" | "keyring">, entries: ErasureEntry[]): void {
  writeFileAtomic(
    erasureLogPath(ctx.dataDir),
    `${JSON.stringify({ format: FORMAT, version: 1, entries, mac: macOf(ctx.keyring, entries) })}\n`,
  );
  states.set(erasureLogPath(ctx.dataDir), "ok");
}

/** Drops entries past ERASURE_LOG_KEEP_MS (daily retention; only a log that passed its check). */
export function pruneErasureLog(ctx: ServiceContext, entries: ErasureEntry[]): number {
  const now = ctx.clock.now();
  const kept = entries.filter((e) => e.at >= now - ERASURE_LOG_KEEP_MS);
  if (kept.length !== entries.length) writeErasureLog(ctx, kept);
  return entries.length - kept.length;
}
