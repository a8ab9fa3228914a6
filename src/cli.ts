#!/usr/bin/env bun
import { existsSync, existsSync as fileExists, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as v from "valibot";
import { CONFIG_VARIABLES, type Config, ConfigError, loadConfig } from "./config.ts";
import { AppError, StoreError } from "./lib/app-error.ts";
import { systemClock } from "./lib/clock.ts";
import { formatIpRange } from "./lib/ip-address.ts";
import { createLogger } from "./lib/logger.ts";
import { createPasswordHasher } from "./lib/password.ts";
import { loadTlsMaterial } from "./lib/tls.ts";
import { backupManager, reloadTlsOnSignal, startServer, stopOnSignals } from "./main.ts";
import { prepareSetup } from "./services/accounts/setup.ts";
import { createUser } from "./services/accounts/users.ts";
import { appendAudit, verifyAudit } from "./services/audit/audit.ts";
import { readBackupIdentity } from "./services/backup/identity.ts";
import { humanBytes } from "./services/backup/manager.ts";
import { completeRestore, restoreBackup } from "./services/backup/restore.ts";
import { checkInWorker } from "./services/backup/run-in-worker.ts";
import type { ServiceContext } from "./services/context.ts";
import { EmailSchema } from "./shared/email.ts";
import { ERROR_CODES } from "./shared/errors.ts";
import { rotateDataKey, rotateMasterKey } from "./store/key-rotation.ts";
import { keyringExists } from "./store/keyring.ts";
import { lockHolder } from "./store/lock.ts";
import { resolveMasterKey } from "./store/master-key.ts";
import { migrate, migrationStatus } from "./store/migrate.ts";
import { bundledMigrations } from "./store/migration-files.ts";
import { knownMasterKeys } from "./store/retired-keys.ts";
import { openStore, type Store } from "./store/store.ts";
import { VERSION } from "./version.ts";

const HELP = `loupe ${VERSION} — self-hosted visual feedback

Usage: loupe [command]

Commands:
  serve                     Start the server (the default)
  migrate status            List migrations and whether each is applied
  key rotate                Replace the master key (re-wraps the keyring; instant)
      --new-key-file PATH   Where the new key is (or is generated); required when the key
                            comes from LOUPE_MASTER_KEY or LOUPE_MASTER_KEY_FILE
  key rotate --data-key     Re-encrypt the database with a new data key (server must be stopped)
  backup now                Take a backup now, drill it, rotate (works while the server runs)
  backup list               The backups with their size and drill result
  backup verify FILE        Run the restore drill on a backup file (decrypt, integrity, schema,
                            row counts and hashes, audit chain); exit 1 when it fails
  backup restore FILE       Replace the data with a backup (server stopped): verifies first, keeps
                            the current data as pre-restore-<time>/, runs retention before serving
  audit verify              Check the audit trail's HMAC chain; exit 1 at the first broken link
      --expect-seq N --expect-digest D
                            Also check against a head recorded elsewhere (the daily audit.head log line)
  admin create --email E [--name N]
                            Create an instance admin; the password is read from standard input
                            (works while the server runs; the admin enrols MFA at first sign-in)
  config check              Check the LOUPE_* variables and the master key, print the settings
  healthcheck               Exit 0 when the local server answers /healthz (for containers)
  version                   Print the version
  --help                    This text

Configuration comes from environment variables: ${Object.keys(CONFIG_VARIABLES).join(", ")}.
`;

/** Exit codes: 0 ok, 1 failure at run time, 2 configuration or key problem, 64 usage. */
class UsageError extends Error {}

const say = (line: string) => process.stdout.write(line + "\n");

function optionValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
  return value;
}

async function serve(config: Config): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  const handle = await startServer(config, { logger });
  stopOnSignals(handle, logger);
  reloadTlsOnSignal(handle, config, logger);
}

function migrateStatus(config: Config): number {
  const store = openStore({ dataDir: config.dataDir, masterKey: config.masterKey, create: false });
  try {
    const states = migrationStatus(store.db, bundledMigrations());
    for (const s of states) {
      const when = s.appliedAt ? new Date(s.appliedAt).toISOString() : "";
      say(`${s.state.padEnd(8)} ${s.name} ${when}`.trimEnd());
    }
    return states.every((s) => s.state === "applied" || s.state === "pending") ? 0 : 1;
  } finally {
    store.close();
  }
}

function keyRotate(config: Config, args: string[]): number {
  const newKeyFile = optionValue(args, "--new-key-file");
  if (args.includes("--data-key")) {
    if (newKeyFile)
      throw new UsageError("--data-key and --new-key-file are separate rotations; run them one after the other");
    const result = rotateDataKey({
      dataDir: config.dataDir,
      masterKey: config.masterKey,
      busyTimeoutMs: config.busyTimeoutMs,
    });
    auditKeyRotation(config, "data_key.rotated", result.newKeyId);
    say(result.message);
    return 0;
  }
  const result = rotateMasterKey({
    dataDir: config.dataDir,
    keyDir: config.keyDir,
    masterKey: config.masterKey,
    busyTimeoutMs: config.busyTimeoutMs,
    ...(newKeyFile ? { newKeyFile: resolve(newKeyFile) } : {}),
  });
  // With a key from the environment, the new key opens the data only once the config points at it.
  if (config.masterKey.kind === "default") auditKeyRotation(config, "master_key.rotated", result.newKeyId);
  else
    auditKeyRotation(
      { ...config, masterKey: { kind: "file", path: result.keyLocation } },
      "master_key.rotated",
      result.newKeyId,
    );
  say(result.message);
  return 0;
}

function configCheck(config: Config): number {
  // The pair is checked as a start (and a SIGHUP) would: run this before `kill -HUP` after a renewal.
  const tls = config.tls ? loadTlsMaterial(config.tls) : undefined;
  const dataExists = keyringExists(config.dataDir);
  let keyLine: string;
  if (config.masterKey.kind === "default" && !existsSync(config.masterKey.path) && !dataExists) {
    keyLine = `none yet: one will be generated at ${config.masterKey.path} on first start (development only)`;
  } else {
    const key = resolveMasterKey(config.masterKey, true);
    keyLine = `${config.masterKey.kind === "env" ? "LOUPE_MASTER_KEY" : key.description} (id ${key.id})`;
  }
  const holder = lockHolder(config.dataDir);
  say("configuration ok");
  say(`  data directory  ${config.dataDir}${dataExists ? "" : " (no data yet)"}`);
  say(`  key directory   ${config.keyDir}`);
  say(`  master key      ${keyLine}`);
  say(`  listen          ${tls ? "https" : "http"}://${config.host}:${config.port}`);
  if (tls) say(`  certificate     sha256 ${tls.digest}, valid until ${tls.validTo}`);
  if (config.httpRedirectPort !== undefined)
    say(`  redirect        http://${config.host}:${config.httpRedirectPort} → ${config.publicUrl}`);
  say(`  public URL      ${config.publicUrl}${config.secureCookies ? "" : " (plain http: development only)"}`);
  say(`  idle timeout    ${config.idleTimeoutSeconds} s${config.hsts ? "; HSTS on (max-age one year)" : ""}`);
  say(`  log level       ${config.logLevel}`);
  say(
    `  mail            ${config.smtp ? `SMTP via ${new URL(config.smtp.url).hostname}, from ${config.smtp.from}` : "off (no LOUPE_SMTP_URL)"}`,
  );
  say(`  screenshots     at most ${config.screenshotMaxBytes} bytes`);
  say(
    `  trusted proxies ${config.trustedProxies.length > 0 ? config.trustedProxies.map(formatIpRange).join(", ") : "none (forwarding headers are ignored)"}`,
  );
  say(
    `  rate limits     ${Object.entries(config.rateLimits.perMinute)
      .map(([cls, n]) => `${cls} ${n}`)
      .join(", ")} a minute; ${config.rateLimits.maxKeys} keys per class`,
  );
  say(`  timeouts        busy ${config.busyTimeoutMs} ms, shutdown ${config.shutdownTimeoutMs} ms`);
  const b = config.backup;
  say(
    `  backups         daily at ${String(b.hour).padStart(2, "0")}:${String(b.minute).padStart(2, "0")} into ${b.dir}` +
      `${b.mirrorDir ? `, mirrored to ${b.mirrorDir}` : ""}; ${b.recipients.length} operator recipient(s) besides ${config.keyDir}/backup-identity.txt`,
  );
  if (holder) say(`  running         pid ${holder.pid}`);
  return 0;
}

/** The service context the CLI's commands use, on an open store. */
function cliContext(config: Config, store: Store): ServiceContext {
  return {
    db: store.db,
    keyring: store.keyring,
    clock: systemClock,
    logger: createLogger({ level: config.logLevel }),
    passwords: createPasswordHasher(),
    mailer: undefined,
    publicOrigin: config.publicOrigin,
    dataDir: config.dataDir,
    ssoConfigs: new Map(),
  };
}

/** Records a key rotation in the audit trail (the store opens with the new key by now). */
function auditKeyRotation(config: Config, action: "master_key.rotated" | "data_key.rotated", keyId: string): void {
  const store = openStore({ dataDir: config.dataDir, masterKey: config.masterKey, create: false });
  try {
    appendAudit(cliContext(config, store), { action, actorId: null, targetId: keyId });
  } finally {
    store.close();
  }
}

function auditVerify(config: Config, args: string[]): number {
  const seq = optionValue(args, "--expect-seq");
  const digest = optionValue(args, "--expect-digest");
  if (
    (seq === undefined) !== (digest === undefined) ||
    (seq !== undefined && !/^\d+$/.test(seq)) ||
    (digest !== undefined && !/^[0-9a-f]{64}$/.test(digest))
  ) {
    throw new UsageError("--expect-seq N and --expect-digest D (64 hex digits) go together");
  }
  const store = openStore({ dataDir: config.dataDir, masterKey: config.masterKey, create: false });
  try {
    const result = verifyAudit(
      cliContext(config, store),
      seq !== undefined ? { seq: Number(seq), digest: digest! } : undefined,
    );
    if (result.ok) {
      say(`audit trail ok: ${result.checked} entries checked, last sequence number ${result.lastSeq}`);
      return 0;
    }
    say(
      `audit trail BROKEN at sequence number ${result.firstBroken!.seq}: ${result.firstBroken!.reason} (${result.checked} entries verified before it)`,
    );
    return 1;
  } finally {
    store.close();
  }
}

async function adminCreate(config: Config, args: string[]): Promise<number> {
  const email = optionValue(args, "--email");
  if (!email) throw new UsageError("usage: loupe admin create --email E [--name N] < password-file");
  if (!v.safeParse(EmailSchema, email).success) throw new UsageError("--email must be an email address");
  if (process.stdin.isTTY) {
    throw new UsageError(
      'pipe the password on standard input, e.g. read -rs P && printf %s "$P" | loupe admin create --email E',
    );
  }
  const password = (await Bun.stdin.text()).replace(/\r?\n$/, "");
  const store = openStore({
    dataDir: config.dataDir,
    masterKey: config.masterKey,
    busyTimeoutMs: config.busyTimeoutMs,
  });
  try {
    migrate(store.db, bundledMigrations());
    const ctx = cliContext(config, store);
    const user = await createUser(ctx, {
      email,
      displayName: optionValue(args, "--name") ?? email.split("@")[0] ?? "Admin",
      password,
      isInstanceAdmin: true,
    });
    prepareSetup(ctx, config.keyDir);
    say(`Created instance admin ${user.id}. They set up two-factor authentication at their first sign-in.`);
    return 0;
  } finally {
    store.close();
  }
}

async function backupCommand(config: Config, sub: string | undefined, args: string[]): Promise<number> {
  if (sub === "now" || sub === "list") {
    const store = openStore({
      dataDir: config.dataDir,
      masterKey: config.masterKey,
      create: false,
      busyTimeoutMs: config.busyTimeoutMs,
    });
    try {
      const manager = backupManager(cliContext(config, store), config, store);
      if (sub === "list") {
        const all = manager.list();
        if (all.length === 0) say(`no backups in ${config.backup.dir}`);
        for (const b of all) {
          const drill = b.drill ? (b.drill.ok ? "drill passed" : `drill FAILED: ${b.drill.reason}`) : "not drilled";
          say(`${b.name}  ${humanBytes(b.bytes).padStart(9)}  ${drill}`);
        }
        return 0;
      }
      const record = await manager.backupNow("cli");
      const path = join(config.backup.dir, record.name);
      if (!record.drill?.ok) {
        say(`backup ${path} written, but its restore drill FAILED: ${record.drill?.reason}`);
        return 1;
      }
      say(
        `backup ${path} (${humanBytes(record.bytes)}) written; restore drill passed in ${(record.drill.durationMs / 1000).toFixed(1)} s` +
          (record.mirror ? (record.mirror.ok ? "; mirrored" : `; the mirror FAILED: ${record.mirror.reason}`) : ""),
      );
      return 0;
    } finally {
      store.close();
    }
  }
  const file = args[0];
  if ((sub !== "verify" && sub !== "restore") || !file || file.startsWith("--")) {
    throw new UsageError("usage: loupe backup now | list | verify FILE | restore FILE");
  }
  const path = resolve(file);
  if (!fileExists(path)) throw new UsageError(`there is no file ${path}`);
  const knownMigrations = bundledMigrations().map((m) => m.name);
  if (sub === "verify") {
    const identity = await readBackupIdentity(config.keyDir);
    const masterKey = resolveMasterKey(config.masterKey, true);
    // Unpacked inside the data directory when there is one (never plaintext: the snapshot stays encrypted).
    const base = fileExists(config.dataDir) ? config.dataDir : mkdtempSync(join(tmpdir(), "loupe-verify-"));
    try {
      const result = await checkInWorker({
        file: path,
        identities: [identity.identity],
        masterKeys: knownMasterKeys(config.keyDir, masterKey.key).map((k) => k.toString("base64")),
        workDir: join(base, `.backup-check-${process.pid}-${Date.now()}`),
        knownMigrations,
        keep: false,
      });
      const rows = Object.values(result.manifest.rowCounts).reduce((a, b) => a + b, 0);
      say(
        `backup ok: taken ${result.manifest.createdAt} by Loupe ${result.manifest.loupeVersion}, schema ${result.manifest.schemaVersion}, ${rows} rows, ${result.auditEntries} audit entries verified; the app booted on the copy is ready and ${result.boot.knownRecord ? `returned the recorded ${result.boot.knownRecord}` : "the backup recorded no record to fetch"}`,
      );
      return 0;
    } finally {
      if (base !== config.dataDir) rmSync(base, { recursive: true, force: true });
    }
  }
  const result = await restoreBackup({
    dataDir: config.dataDir,
    keyDir: config.keyDir,
    masterKey: config.masterKey,
    file: path,
    knownMigrations,
    now: Date.now(),
    afterSwap: (check) => {
      const store = openStore({
        dataDir: config.dataDir,
        masterKey: config.masterKey,
        create: false,
        busyTimeoutMs: config.busyTimeoutMs,
      });
      try {
        migrate(store.db, bundledMigrations());
        // Retention and purge before anything serves: an old backup brings back nothing past policy.
        completeRestore(cliContext(config, store), check);
      } finally {
        store.close();
      }
    },
  });
  say(
    `restored the backup taken ${result.check.manifest.createdAt} (schema ${result.check.manifest.schemaVersion}); retention and purge ran; ` +
      (result.preRestoreDir ? `the previous data is in ${result.preRestoreDir}` : "there was no previous data") +
      (result.erasureLog === "kept" ? "; the live erasure log was kept." : "."),
  );
  return 0;
}

async function healthcheck(config: Config): Promise<number> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  try {
    // Liveness of the local process: its certificate names the public host, not this address.
    const res = await fetch(
      `${config.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${config.port}/healthz`,
      {
        signal: AbortSignal.timeout(3000),
        ...(config.tls ? { tls: { rejectUnauthorized: false } } : {}),
      },
    );
    return res.status === 200 ? 0 : 1;
  } catch {
    return 1;
  }
}

async function run(args: string[]): Promise<number> {
  const [command = "serve", sub] = args;
  if (command === "--help" || command === "-h" || command === "help") {
    say(HELP);
    return 0;
  }
  if (command === "version" || command === "--version") {
    say(VERSION);
    return 0;
  }
  const known = ["serve", "migrate", "key", "config", "healthcheck", "admin", "audit", "backup"];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (command === "migrate" && sub !== "status") throw new UsageError("usage: loupe migrate status");
  if (command === "key" && sub !== "rotate")
    throw new UsageError("usage: loupe key rotate [--data-key | --new-key-file PATH]");
  if (command === "config" && sub !== "check") throw new UsageError("usage: loupe config check");
  if (command === "admin" && sub !== "create") throw new UsageError("usage: loupe admin create --email E [--name N]");
  if (command === "audit" && sub !== "verify") throw new UsageError("usage: loupe audit verify");
  const config = loadConfig(process.env);
  switch (command) {
    case "serve":
      await serve(config);
      return -1; // keeps running
    case "migrate":
      return migrateStatus(config);
    case "key":
      return keyRotate(config, args.slice(2));
    case "config":
      return configCheck(config);
    case "admin":
      return adminCreate(config, args.slice(2));
    case "audit":
      return auditVerify(config, args.slice(2));
    case "backup":
      return backupCommand(config, sub, args.slice(2));
    default:
      return healthcheck(config);
  }
}

/** Runs the CLI; failures end in one line on stderr, never a stack trace. */
export async function main(args: string[]): Promise<void> {
  // Files Loupe creates (database, WAL, keys, lock) are readable by its own user only.
  process.umask(0o077);
  try {
    const code = await run(args);
    if (code >= 0) process.exit(code);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`loupe: ${error.message} (see loupe --help)\n`);
      process.exit(64);
    }
    if (error instanceof StoreError) {
      // Disk full or the database locked by another process: the operator can act on it.
      process.stderr.write(`loupe: ${ERROR_CODES[error.kind === "full" ? "STORAGE_FULL" : "STORAGE_BUSY"].message}\n`);
      process.exit(2);
    }
    if (error instanceof ConfigError || error instanceof AppError) {
      process.stderr.write(`loupe: ${error.message}\n`);
      process.exit(2);
    }
    const name = error instanceof Error ? error.name : typeof error;
    const code = (error as { code?: unknown } | null)?.code;
    process.stderr.write(
      `loupe: unexpected ${name}${typeof code === "string" ? ` (${code})` : ""}; nothing further was changed.\n`,
    );
    process.exit(1);
  }
}

if (import.meta.main) await main(process.argv.slice(2));
