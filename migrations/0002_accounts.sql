-- Accounts: users, TOTP, recovery codes, sessions, MFA challenges, API tokens, one-time tokens
-- (setup, password reset), login throttling, device cookies, SSO, and activity events.
-- Personal data lives only in users.email and users.display_name (and oidc_pending_links.email,
-- short-lived), so erasure can be complete.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT,
  is_instance_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_instance_admin IN (0, 1)),
  security_version INTEGER NOT NULL DEFAULT 1,
  disabled_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE totp_credentials (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  confirmed_at INTEGER,
  last_step INTEGER NOT NULL DEFAULT -1,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE recovery_codes (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL UNIQUE,
  used_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  auth_time INTEGER NOT NULL,
  method TEXT NOT NULL,
  amr TEXT NOT NULL,
  mfa_enrolment_required INTEGER NOT NULL DEFAULT 0,
  user_agent TEXT NOT NULL,
  revoked_at INTEGER,
  revoked_reason TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE mfa_challenges (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  amr TEXT NOT NULL,
  device_id TEXT,
  return_to TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE one_time_tokens (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'password_reset')),
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;

-- Failed-attempt counters. Keys are pseudonymous (HMACs of an email or a device id), never an IP.
CREATE TABLE throttles (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  consecutive INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL
) STRICT;
CREATE INDEX devices_user ON devices (user_id);

CREATE TABLE oidc_providers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  preset TEXT NOT NULL CHECK (preset IN ('generic', 'google')),
  issuer TEXT NOT NULL,
  client_id TEXT NOT NULL,
  client_secret_sealed TEXT NOT NULL,
  allowed_domains TEXT NOT NULL,
  jit_enabled INTEGER NOT NULL DEFAULT 0,
  jit_team_id TEXT,
  trust_idp_mfa INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE oidc_identities (
  id TEXT PRIMARY KEY,
  provider_id TEXT NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  UNIQUE (issuer, subject)
) STRICT;

CREATE TABLE oidc_auth_requests (
  state_hash TEXT PRIMARY KEY,
  provider_id TEXT NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
  browser_hash TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to TEXT NOT NULL,
  link_user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE oidc_pending_links (
  id TEXT PRIMARY KEY,
  provider_id TEXT NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  browser_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

-- Activity events: ids only, never an email, IP or secret. Kept 90 days (retention job, teams issue).
CREATE TABLE activity_events (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor_id TEXT,
  user_id TEXT,
  target_id TEXT,
  team_id TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure'))
) STRICT;
CREATE INDEX activity_events_at ON activity_events (at);
CREATE INDEX activity_events_user ON activity_events (user_id, at);
