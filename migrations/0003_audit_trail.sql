-- The audit trail of access-control changes: an HMAC chain (keyed by the keyring's audit key) over
-- each entry and the previous entry's MAC. Ids only, never personal data.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  target_id TEXT,
  team_id TEXT,
  prev_mac TEXT NOT NULL,
  mac TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_team ON audit_log (team_id, seq);

-- Where the chain starts after old entries were pruned: the last pruned entry's sequence number and
-- MAC, themselves MACed so a checkpoint cannot be forged without the key.
CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pruned_through_seq INTEGER NOT NULL,
  last_mac TEXT NOT NULL,
  at INTEGER NOT NULL,
  mac TEXT NOT NULL
) STRICT;
