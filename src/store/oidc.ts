import type { Db } from "./database.ts";

export type ProviderRow = {
  id: string;
  name: string;
  preset: "generic" | "google";
  issuer: string;
  client_id: string;
  client_secret_sealed: string;
  allowed_domains: string;
  jit_enabled: number;
  jit_team_id: string | null;
  trust_idp_mfa: number;
  enabled: number;
  created_at: number;
  updated_at: number;
};

const PROVIDER_COLUMNS =
  "id, name, preset, issuer, client_id, client_secret_sealed, allowed_domains, jit_enabled, jit_team_id, trust_idp_mfa, enabled, created_at, updated_at";

/** Inserts or replaces a provider (same id: every setting replaced, creation time kept). */
export function upsertProvider(db: Db, p: ProviderRow): void {
  db.run(
    `INSERT INTO oidc_providers (${PROVIDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, preset = excluded.preset, issuer = excluded.issuer, client_id = excluded.client_id,
       client_secret_sealed = excluded.client_secret_sealed, allowed_domains = excluded.allowed_domains, jit_enabled = excluded.jit_enabled,
       jit_team_id = excluded.jit_team_id, trust_idp_mfa = excluded.trust_idp_mfa, enabled = excluded.enabled, updated_at = excluded.updated_at`,
    p.id,
    p.name,
    p.preset,
    p.issuer,
    p.client_id,
    p.client_secret_sealed,
    p.allowed_domains,
    p.jit_enabled,
    p.jit_team_id,
    p.trust_idp_mfa,
    p.enabled,
    p.created_at,
    p.updated_at,
  );
}

export function deleteProvider(db: Db, id: string): number {
  return db.run("DELETE FROM oidc_providers WHERE id = ?", id).changes;
}

export function findProvider(db: Db, id: string): ProviderRow | undefined {
  return db.get<ProviderRow>(`SELECT ${PROVIDER_COLUMNS} FROM oidc_providers WHERE id = ?`, id);
}

export function listProviders(db: Db): ProviderRow[] {
  return db.all<ProviderRow>(`SELECT ${PROVIDER_COLUMNS} FROM oidc_providers ORDER BY name, id`);
}

export type IdentityRow = {
  id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
};

export function findIdentity(db: Db, issuer: string, subject: string): IdentityRow | undefined {
  return db.get<IdentityRow>(
    "SELECT id, provider_id, issuer, subject, user_id, created_at FROM oidc_identities WHERE issuer = ? AND subject = ?",
    issuer,
    subject,
  );
}

/** A user's linked identities with their provider's name, oldest first. */
export function listUserIdentities(db: Db, userId: string): (IdentityRow & { provider_name: string })[] {
  return db.all<IdentityRow & { provider_name: string }>(
    `SELECT i.id, i.provider_id, i.issuer, i.subject, i.user_id, i.created_at, p.name AS provider_name
       FROM oidc_identities i JOIN oidc_providers p ON p.id = i.provider_id
      WHERE i.user_id = ? ORDER BY i.created_at, i.id`,
    userId,
  );
}

/** Deletes one of a user's identities; 0 when the user has no such identity. */
export function deleteUserIdentity(db: Db, userId: string, id: string): number {
  return db.run("DELETE FROM oidc_identities WHERE id = ? AND user_id = ?", id, userId).changes;
}

export function insertIdentity(db: Db, i: IdentityRow): void {
  db.run(
    "INSERT INTO oidc_identities (id, provider_id, issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    i.id,
    i.provider_id,
    i.issuer,
    i.subject,
    i.user_id,
    i.created_at,
  );
}

export type AuthRequestRow = {
  state_hash: string;
  provider_id: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  link_user_id: string | null;
  created_at: number;
  expires_at: number;
};

export function insertAuthRequest(db: Db, r: AuthRequestRow): void {
  db.run(
    "INSERT INTO oidc_auth_requests (state_hash, provider_id, browser_hash, nonce, code_verifier, return_to, link_user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    r.state_hash,
    r.provider_id,
    r.browser_hash,
    r.nonce,
    r.code_verifier,
    r.return_to,
    r.link_user_id,
    r.created_at,
    r.expires_at,
  );
}

/** Reads and deletes in one step: a state is single-use whatever happens next. */
export function takeAuthRequest(db: Db, stateHash: string): AuthRequestRow | undefined {
  const row = db.get<AuthRequestRow>(
    "SELECT state_hash, provider_id, browser_hash, nonce, code_verifier, return_to, link_user_id, created_at, expires_at FROM oidc_auth_requests WHERE state_hash = ?",
    stateHash,
  );
  if (row) db.run("DELETE FROM oidc_auth_requests WHERE state_hash = ?", stateHash);
  return row;
}

export function deleteExpiredAuthRequests(db: Db, now: number): void {
  db.run("DELETE FROM oidc_auth_requests WHERE expires_at < ?", now);
  db.run("DELETE FROM oidc_pending_links WHERE expires_at < ?", now);
}

export type PendingLinkRow = {
  id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  browser_hash: string;
  created_at: number;
  expires_at: number;
};

export function insertPendingLink(db: Db, p: PendingLinkRow): void {
  db.run(
    "INSERT INTO oidc_pending_links (id, provider_id, issuer, subject, browser_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    p.id,
    p.provider_id,
    p.issuer,
    p.subject,
    p.browser_hash,
    p.created_at,
    p.expires_at,
  );
}

export function takePendingLink(db: Db, id: string): PendingLinkRow | undefined {
  const row = db.get<PendingLinkRow>(
    "SELECT id, provider_id, issuer, subject, browser_hash, created_at, expires_at FROM oidc_pending_links WHERE id = ?",
    id,
  );
  if (row) db.run("DELETE FROM oidc_pending_links WHERE id = ?", id);
  return row;
}
