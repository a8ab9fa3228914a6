-- Instance-wide settings that people change at run time (process settings live in LOUPE_* variables).
CREATE TABLE instance_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
