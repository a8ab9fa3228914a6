import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { AppError } from "../../lib/app-error.ts";
import { keyFingerprint, randomId, sha256Hex } from "../../lib/crypto.ts";
import { fsyncDir } from "../../lib/fs-atomic.ts";
import { createLogger } from "../../lib/logger.ts";
import { readTar, TarFormatError, tarEnd, tarFileHeader, tarPadding } from "../../lib/tar.ts";
import type { ErrorCode } from "../../shared/errors.ts";
import { readSnapshot, vacuumInto } from "../../store/backup-snapshot.ts";
import { type Db, openDatabase } from "../../store/database.ts";
import { databaseKeyText, type Keyring, readKeyring } from "../../store/keyring.ts";
import { verifyAudit } from "../audit/audit.ts";
import { decryptAgeFile, encryptAge } from "./age-parallel.ts";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  ENTRY,
  ENTRY_LIMITS,
  type FileFacts,
  type KnownRecord,
  MAX_ENTRIES,
  type Manifest,
  SNAPSHOT_PREFIX,
} from "./format.ts";

/**
 * The two halves of a backup, run inside a Worker (src/workers/backup.ts) with their own database connection:
 * `createArchive` snapshots, packs and encrypts; `checkArchive` decrypts, unpacks into a directory
 * inside the data directory and runs every check of a restore drill. Neither holds more than a chunk
 * of the database in memory.
 */

const CHUNK = 1024 * 1024;

/**
 * Failures tests inject into a backup, each standing for one that happens for real: the backup
 * volume filling up while the age file is written (`enospcAfterBytes`: the write fails with ENOSPC
 * after that many bytes, a partial write first, as a full disk does), and a manifest recording a
 * record the restored copy lacks (`knownRecord`). Never set outside tests.
 */
export type BackupFaults = { enospcAfterBytes?: number; knownRecord?: KnownRecord };

export type CreateArchiveInput = {
  dataDir: string;
  /** The keyring file (wrapped) and the data key, as the caller opened them. */
  databaseKey: string;
  masterKeyId: string;
  target: string;
  recipients: string[];
  loupeVersion: string;
  createdAt: number;
  busyTimeoutMs: number;
  faults?: BackupFaults;
};

export type CreateArchiveResult = { bytes: number; manifest: Manifest; snapshotMs: number; totalMs: number };

function fileFacts(data: Uint8Array): FileFacts {
  return { bytes: data.length, sha256: sha256Hex(data) };
}

/** A pull stream over async chunks (backpressure: nothing is read before the encrypter asks). */
function pullStream(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

async function* fileChunks(path: string, onChunk: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) return;
      const chunk = buffer.subarray(0, n);
      onChunk(chunk);
      yield chunk;
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes a stream to `target` through `target.tmp`, fsynced, then renamed: never a partial file under the final name. */
async function writeStreamAtomic(
  stream: ReadableStream<Uint8Array>,
  target: string,
  enospcAfterBytes?: number,
): Promise<number> {
  const tmp = `${target}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, "wx", 0o600);
  let bytes = 0;
  /** writeSync, or (a test's fault) a disk that is full after `enospcAfterBytes`: a short write, then ENOSPC. */
  const write = (chunk: Uint8Array, offset: number): number => {
    const at = bytes + offset;
    const length = chunk.length - offset;
    if (enospcAfterBytes !== undefined && at + length > enospcAfterBytes) {
      const room = enospcAfterBytes - at;
      if (room > 0) return writeSync(fd, chunk, offset, room);
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), {
        code: "ENOSPC",
        errno: -28,
        syscall: "write",
      });
    }
    return writeSync(fd, chunk, offset, length);
  };
  try {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.length) offset += write(value, offset);
      bytes += value.length;
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, target);
  fsyncDir(dirname(target));
  return bytes;
}

/** Snapshot → tar → age file. The snapshot stays encrypted under the data key; it never leaves the data directory unencrypted by age. */
export async function createArchive(input: CreateArchiveInput): Promise<CreateArchiveResult> {
  const started = performance.now();
  // The audit head first: every entry it names is in the snapshot taken after it.
  const headPath = join(input.dataDir, ENTRY.auditHead);
  const auditHead = existsSync(headPath) ? readFileSync(headPath) : undefined;
  const keyringFile = readFileSync(join(input.dataDir, ENTRY.keyring));
  const snapshot = join(input.dataDir, `${SNAPSHOT_PREFIX}${randomId(9)}.db`);
  try {
    const db = openDatabase(join(input.dataDir, ENTRY.database), input.databaseKey, {
      busyTimeoutMs: input.busyTimeoutMs,
    });
    try {
      vacuumInto(db, snapshot);
    } finally {
      db.close();
    }
    const snapshotMs = performance.now() - started;
    const facts = readSnapshot(snapshot, input.databaseKey, { integrity: false });
    // The erasure log after the snapshot: erasures recorded meanwhile are re-applied at restore, which is harmless.
    const erasurePath = join(input.dataDir, ENTRY.erasureLog);
    const erasureLog = existsSync(erasurePath) ? readFileSync(erasurePath) : undefined;
    const small: [string, Uint8Array][] = [[ENTRY.keyring, keyringFile]];
    if (auditHead) small.push([ENTRY.auditHead, auditHead]);
    if (erasureLog) small.push([ENTRY.erasureLog, erasureLog]);
    const dbBytes = statSync(snapshot).size;
    const mtime = Math.floor(input.createdAt / 1000);
    let headSeq: number | null = null;
    try {
      headSeq = auditHead ? Number((JSON.parse(auditHead.toString("utf8")) as { seq?: unknown }).seq ?? null) : null;
    } catch {
      headSeq = null;
    }
    async function* archive(): AsyncGenerator<Uint8Array> {
      const files: Record<string, FileFacts> = {};
      for (const [name, data] of small) {
        files[name] = fileFacts(data);
        yield tarFileHeader(name, data.length, mtime);
        yield data;
        yield tarPadding(data.length);
      }
      const hash = createHash("sha256");
      yield tarFileHeader(ENTRY.database, dbBytes, mtime);
      let seen = 0;
      yield* fileChunks(snapshot, (chunk) => {
        hash.update(chunk);
        seen += chunk.length;
      });
      if (seen !== dbBytes) throw new AppError("BACKUP_FAILED", "The snapshot changed size while it was read.");
      yield tarPadding(dbBytes);
      files[ENTRY.database] = { bytes: dbBytes, sha256: hash.digest("hex") };
      const manifest: Manifest = {
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        loupeVersion: input.loupeVersion,
        schemaVersion: facts.migrations.at(-1) ?? "",
        migrations: facts.migrations,
        createdAt: new Date(input.createdAt).toISOString(),
        masterKeyId: input.masterKeyId,
        auditHeadSeq: Number.isFinite(headSeq) ? headSeq : null,
        rowCounts: facts.rowCounts,
        files,
        knownRecord:
          input.faults?.knownRecord ??
          (facts.newestAudit
            ? {
                kind: "audit_entry",
                seq: facts.newestAudit.seq,
                at: new Date(facts.newestAudit.at).toISOString(),
                action: facts.newestAudit.action,
              }
            : null),
      };
      written = manifest;
      const text = Buffer.from(JSON.stringify(manifest, null, 2) + "\n");
      yield tarFileHeader(ENTRY.manifest, text.length, mtime);
      yield text;
      yield tarPadding(text.length);
      yield tarEnd();
    }
    let written: Manifest | undefined;
    const encrypted = pullStream(encryptAge(input.recipients, archive()));
    const bytes = await writeStreamAtomic(encrypted, input.target, input.faults?.enospcAfterBytes);
    if (!written) throw new AppError("BACKUP_FAILED", "The archive ended before its manifest.");
    return { bytes, manifest: written, snapshotMs, totalMs: performance.now() - started };
  } finally {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(snapshot + suffix, { force: true });
  }
}

export type CheckArchiveInput = {
  file: string;
  identities: string[];
  /** Master keys to try on the backup's keyring, base64 (the current one first, then retired ones). */
  masterKeys: string[];
  /** A new directory (inside the data directory) to unpack into; removed unless `keep`. */
  workDir: string;
  knownMigrations: string[];
  keep: boolean;
};

/** What the drill's last step found: the app booted on the copy (src/workers/boot-check.ts). */
export type BootCheck = {
  readyz: "ready";
  /** The record fetched ("audit entry 42 (backup.created)"), or null when the backup recorded none. */
  knownRecord: string | null;
  /** Migrations this Loupe applied to the copy (a backup made by an older Loupe). */
  migrated: string[];
};

/**
 * Boots the real app on the restored copy and fetches the manifest's known record; throws
 * BACKUP_BOOT_FAILED. Handed in by the worker (a composition root): services may not build the app.
 */
export type BootOnCopy = (input: {
  db: Db;
  keyring: Keyring;
  /** The drill's work directory: the copy's data directory. */
  workDir: string;
  knownRecord: KnownRecord | null | undefined;
}) => Promise<BootCheck>;

export type CheckArchiveResult = {
  manifest: Manifest;
  checks: { integrity: "ok"; rowCounts: "ok"; hashes: "ok"; schema: "ok"; audit: "ok"; boot: "ok" };
  auditEntries: number;
  /** The app booted on the copy: /readyz and the manifest's known record (boot-check.ts). */
  boot: BootCheck;
  durationMs: number;
};

const refuse = (code: ErrorCode, message: string, cause?: unknown): AppError =>
  new AppError(code, message, cause === undefined ? undefined : { cause });

function parseManifest(text: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (error) {
    throw refuse("BACKUP_MANIFEST_INVALID", "The backup's manifest is not JSON.", error);
  }
  const ok =
    m &&
    m.format === BACKUP_FORMAT &&
    typeof m.formatVersion === "number" &&
    typeof m.schemaVersion === "string" &&
    Array.isArray(m.migrations) &&
    m.migrations.every((x) => typeof x === "string") &&
    typeof m.createdAt === "string" &&
    typeof m.masterKeyId === "string" &&
    m.rowCounts !== null &&
    typeof m.rowCounts === "object" &&
    m.files !== null &&
    typeof m.files === "object" &&
    (m.knownRecord === undefined ||
      m.knownRecord === null ||
      (typeof m.knownRecord === "object" &&
        m.knownRecord.kind === "audit_entry" &&
        Number.isSafeInteger(m.knownRecord.seq) &&
        typeof m.knownRecord.at === "string" &&
        typeof m.knownRecord.action === "string"));
  if (!ok) throw refuse("BACKUP_MANIFEST_INVALID", "The backup's manifest is not a Loupe manifest.");
  if (m.formatVersion > BACKUP_FORMAT_VERSION) {
    throw refuse(
      "BACKUP_NEWER_FORMAT",
      `The backup has format version ${m.formatVersion}; this Loupe reads up to ${BACKUP_FORMAT_VERSION}. Restore it with a newer Loupe.`,
    );
  }
  return m;
}

function openKeyringWithAny(path: string, masterKeys: Buffer[], neededId: string): Keyring {
  for (const key of masterKeys) {
    try {
      return readKeyring(path, key);
    } catch {
      // Not this key.
    }
  }
  throw refuse(
    "BACKUP_MASTER_KEY_MISMATCH",
    `No master key at hand (current id ${masterKeys[0] ? keyFingerprint(masterKeys[0]) : "none"}, or a retired one in the key directory) opens the backup's keyring, which needs the key with id ${neededId}.`,
  );
}

/** Decrypts, unpacks (strictly: only a Loupe backup's own flat entries) and runs the drill's checks. */
export async function checkArchive(input: CheckArchiveInput, steps: { boot: BootOnCopy }): Promise<CheckArchiveResult> {
  const started = performance.now();
  const ageFailure = (error: unknown) =>
    refuse(
      "BACKUP_UNREADABLE",
      `The backup cannot be decrypted (${error instanceof Error ? error.message : String(error)}): it is not encrypted to this backup identity, or it is damaged or was altered.`,
      error,
    );
  mkdirSync(input.workDir, { mode: 0o700 });
  try {
    let plain: ReadableStream<Uint8Array>;
    let plainBytes: number;
    try {
      const opened = await decryptAgeFile(input.file, input.identities);
      plain = pullStream(opened.plaintext);
      // The payload's size, from the file's: the ceiling for what the entries may declare.
      plainBytes = opened.plaintextBytes;
    } catch (error) {
      throw ageFailure(error);
    }
    const free = (() => {
      try {
        const fs = statfsSync(input.workDir);
        return fs.bavail * fs.bsize;
      } catch {
        return Number.MAX_SAFE_INTEGER;
      }
    })();
    const seen = new Map<string, FileFacts>();
    let declared = 0;
    let manifestText = "";
    try {
      await readTar(plain, {
        entry(header, index) {
          if (index >= MAX_ENTRIES) {
            throw refuse(
              "BACKUP_ARCHIVE_REFUSED",
              `The archive has more entries than a Loupe backup (${MAX_ENTRIES}).`,
            );
          }
          if (header.type !== "file") {
            throw refuse(
              "BACKUP_ARCHIVE_REFUSED",
              `The archive holds a ${header.type} entry (${JSON.stringify(header.name.slice(0, 80))}); a Loupe backup holds only regular files.`,
            );
          }
          const limit = ENTRY_LIMITS[header.name];
          if (limit === undefined) {
            throw refuse(
              "BACKUP_ARCHIVE_REFUSED",
              `The archive holds an entry a Loupe backup never has: ${JSON.stringify(header.name.slice(0, 80))}.`,
            );
          }
          if (seen.has(header.name) || manifestText !== "") {
            throw refuse("BACKUP_ARCHIVE_REFUSED", `The archive's entry ${header.name} is repeated or out of order.`);
          }
          declared += header.size;
          if (header.size > limit || declared > plainBytes) {
            throw refuse(
              "BACKUP_ARCHIVE_REFUSED",
              `The archive's entry ${header.name} declares ${header.size} bytes, more than the archive itself holds or such an entry may have.`,
            );
          }
          if (header.name === ENTRY.database && header.size > free * 0.95) {
            throw refuse(
              "BACKUP_NO_SPACE",
              `The snapshot needs ${header.size} bytes; ${free} bytes are free on the data volume.`,
            );
          }
          const hash = createHash("sha256");
          const isManifest = header.name === ENTRY.manifest;
          const parts: Uint8Array[] = [];
          const out = isManifest ? -1 : openSync(join(input.workDir, header.name), "wx", 0o600);
          let bytes = 0;
          return {
            write(chunk) {
              hash.update(chunk);
              bytes += chunk.length;
              if (isManifest) parts.push(chunk.slice());
              else {
                let offset = 0;
                while (offset < chunk.length) offset += writeSync(out, chunk, offset, chunk.length - offset);
              }
            },
            end() {
              if (!isManifest) {
                fsyncSync(out);
                closeSync(out);
              } else manifestText = Buffer.concat(parts).toString("utf8");
              seen.set(header.name, { bytes, sha256: hash.digest("hex") });
            },
          };
        },
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof TarFormatError)
        throw refuse("BACKUP_ARCHIVE_REFUSED", `The archive is malformed: ${error.message}.`);
      throw ageFailure(error);
    }
    if (!manifestText) throw refuse("BACKUP_MANIFEST_INVALID", "The backup has no manifest.");
    const manifest = parseManifest(manifestText);
    for (const required of [ENTRY.keyring, ENTRY.database]) {
      if (!seen.has(required)) throw refuse("BACKUP_MANIFEST_MISMATCH", `The backup has no ${required}.`);
    }
    for (const [name, facts] of seen) {
      if (name === ENTRY.manifest) continue;
      const listed = manifest.files[name];
      if (!listed || listed.bytes !== facts.bytes || listed.sha256 !== facts.sha256) {
        throw refuse("BACKUP_MANIFEST_MISMATCH", `The backup's ${name} does not match its manifest (size or SHA-256).`);
      }
    }
    for (const name of Object.keys(manifest.files)) {
      if (!seen.has(name))
        throw refuse("BACKUP_MANIFEST_MISMATCH", `The manifest lists ${name}, which the backup lacks.`);
    }
    const known = new Set(input.knownMigrations);
    const newer = manifest.migrations.find((m) => !known.has(m));
    if (newer) {
      throw refuse(
        "BACKUP_NEWER_SCHEMA",
        `The backup's schema (${manifest.schemaVersion}) is newer than this Loupe's (${input.knownMigrations.at(-1) ?? "none"}): it has migration ${newer}. Restore it with the Loupe version that made it (${manifest.loupeVersion}) or later.`,
      );
    }
    const keys = input.masterKeys.map((k) => Buffer.from(k, "base64"));
    const keyring = openKeyringWithAny(join(input.workDir, ENTRY.keyring), keys, manifest.masterKeyId);
    const dbPath = join(input.workDir, ENTRY.database);
    const facts = readSnapshot(dbPath, databaseKeyText(keyring), { integrity: true });
    if (facts.integrity !== "ok") {
      throw refuse(
        "BACKUP_INTEGRITY_FAILED",
        `The snapshot fails its integrity check: ${facts.integrity.slice(0, 200)}.`,
      );
    }
    if (
      facts.migrations.join(",") !== manifest.migrations.join(",") ||
      (facts.migrations.at(-1) ?? "") !== manifest.schemaVersion
    ) {
      throw refuse("BACKUP_MANIFEST_MISMATCH", "The snapshot's schema version differs from its manifest's.");
    }
    const newerInSnapshot = facts.migrations.find((m) => !known.has(m));
    if (newerInSnapshot) {
      throw refuse(
        "BACKUP_NEWER_SCHEMA",
        `The snapshot has migration ${newerInSnapshot}, which this Loupe does not know.`,
      );
    }
    const tables = new Set([...Object.keys(facts.rowCounts), ...Object.keys(manifest.rowCounts)]);
    for (const table of tables) {
      if (facts.rowCounts[table] !== manifest.rowCounts[table]) {
        throw refuse(
          "BACKUP_MANIFEST_MISMATCH",
          `The snapshot's table ${table} has ${facts.rowCounts[table] ?? "no"} rows; the manifest says ${manifest.rowCounts[table] ?? "none"}.`,
        );
      }
    }
    // The audit chain on the copy, against the head read before the snapshot (the work directory holds it).
    const db = openDatabase(dbPath, databaseKeyText(keyring), { busyTimeoutMs: 5000 });
    let auditEntries = 0;
    let boot: BootCheck;
    try {
      const result = verifyAudit({
        db,
        keyring,
        clock: { now: () => Date.now() },
        logger: createLogger({ level: "error" }),
        dataDir: input.workDir,
      });
      if (!result.ok) {
        throw refuse(
          "BACKUP_AUDIT_BROKEN",
          `The audit trail in the backup is broken at sequence number ${result.firstBroken?.seq}: ${result.firstBroken?.reason}.`,
        );
      }
      auditEntries = result.checked;
      // Last: the real app on the copy, as a restore would serve it.
      boot = await steps.boot({ db, keyring, workDir: input.workDir, knownRecord: manifest.knownRecord });
      db.checkpoint();
    } finally {
      db.close();
    }
    return {
      manifest,
      checks: { integrity: "ok", rowCounts: "ok", hashes: "ok", schema: "ok", audit: "ok", boot: "ok" },
      auditEntries,
      boot,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    rmSync(input.workDir, { recursive: true, force: true });
    throw error;
  } finally {
    if (!input.keep) rmSync(input.workDir, { recursive: true, force: true });
  }
}
