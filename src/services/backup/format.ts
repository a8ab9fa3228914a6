/**
 * What a Loupe backup is: an age file (standard, https://age-encryption.org/v1) holding a flat ustar
 * archive of the encrypted database snapshot, the keyring that opens it (wrapped by the master key of
 * the day), the audit head read before the snapshot, the erasure log when there is one, and a manifest
 * last (it carries the snapshot's SHA-256, computed while the snapshot streams into the archive).
 */
export const BACKUP_FORMAT = "loupe-backup";
export const BACKUP_FORMAT_VERSION = 1;

export const ENTRY = {
  keyring: "keyring.json",
  auditHead: "audit-head.json",
  erasureLog: "erasure-log",
  database: "loupe.db",
  manifest: "manifest.json",
} as const;

/** The largest each entry may declare (the database: whatever the volume holds). */
export const ENTRY_LIMITS: Record<string, number> = {
  [ENTRY.keyring]: 64 * 1024,
  [ENTRY.auditHead]: 64 * 1024,
  [ENTRY.erasureLog]: 256 * 1024 * 1024,
  [ENTRY.manifest]: 1024 * 1024,
  [ENTRY.database]: Number.MAX_SAFE_INTEGER,
};

/** A backup archive never has more entries than this (T-B5 asks to refuse > 10,000; ours has at most 5). */
export const MAX_ENTRIES = Object.keys(ENTRY_LIMITS).length;

export type FileFacts = { bytes: number; sha256: string };

export type Manifest = {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  loupeVersion: string;
  /** The last applied migration: the schema version. */
  schemaVersion: string;
  migrations: string[];
  createdAt: string;
  /** The id (fingerprint) of the master key that wraps the keyring inside. */
  masterKeyId: string;
  /** Audit head read before the snapshot (null when there was none yet). */
  auditHeadSeq: number | null;
  rowCounts: Record<string, number>;
  files: Record<string, FileFacts>;
  /**
   * A record the drill fetches from the app booted on the restored copy: the snapshot's newest audit
   * entry (null when there was none; absent in backups made before the drill booted the app).
   */
  knownRecord?: KnownRecord | null;
};

export type KnownRecord = { kind: "audit_entry"; seq: number; at: string; action: string };

/** The free space a backup needs on the data volume, as a multiple of the database's size. */
export const FREE_SPACE_FACTOR = 2.2;

export const BACKUP_LOCK_FILE = "backup.lock";
export const BACKUP_IDENTITY_FILE = "backup-identity.txt";
export const SNAPSHOT_PREFIX = ".backup-snapshot-";
export const WORK_PREFIX = ".backup-check-";

const NAME = /^loupe-(\d{8}T\d{6}Z)(?:-(\d+))?\.age$/;

/** The file name of a backup taken at `at` (UTC, to the second). */
export function backupFileName(at: number, n = 0): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `loupe-${stamp}${n > 0 ? `-${n}` : ""}.age`;
}

/** When the backup named `name` was taken, or undefined when the name is not a backup's. */
export function backupTime(name: string): number | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const s = m[1]!;
  return Date.UTC(
    +s.slice(0, 4),
    +s.slice(4, 6) - 1,
    +s.slice(6, 8),
    +s.slice(9, 11),
    +s.slice(11, 13),
    +s.slice(13, 15),
  );
}

/** The sidecar JSON of a backup file (its drill result and mirror state). */
export const sidecarName = (name: string) => name.replace(/\.age$/, ".json");
