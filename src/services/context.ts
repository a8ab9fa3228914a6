import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { Mailer } from "../lib/mailer.ts";
import type { PasswordHasher } from "../lib/password.ts";
import type { Db } from "../store/database.ts";
import type { Keyring } from "../store/keyring.ts";
import type { SsoConfigCache } from "./accounts/sso.ts";
import type { AuditHeadAnchor } from "./audit/audit-head.ts";
import type { LiveBus } from "./live/bus.ts";

/** What every service verb gets: the store, keys, clock and outside services, all injected. */
export type ServiceContext = {
  db: Db;
  keyring: Keyring;
  clock: Clock;
  logger: Logger;
  passwords: PasswordHasher;
  /** Undefined when SMTP is not configured: nothing is emailed. */
  mailer: Mailer | undefined;
  /** The origin of LOUPE_PUBLIC_URL: issuer of session tokens, base of links. */
  publicOrigin: string;
  /** LOUPE_DATA_DIR: the audit head lives beside the keyring there. */
  dataDir: string;
  /**
   * Anchors the audit chain's head in the data directory, coalesced off the request path (the
   * server's). Absent, the head file is written after each commit (one-shot CLI commands).
   */
  auditHead?: AuditHeadAnchor;
  /** Discovered SSO provider configurations: belongs to this app instance, expiry follows `clock`. */
  ssoConfigs: SsoConfigCache;
  /**
   * Live updates (GET /api/v1/events): services publish changes after commit and signal access
   * changes. Absent in one-shot CLI commands, whose changes the server's streams see at their next
   * check (each delivery and heartbeat re-reads the session).
   */
  live?: LiveBus;
};
