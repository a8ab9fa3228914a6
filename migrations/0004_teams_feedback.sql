-- Teams, memberships, invitations, projects, labels, feedback items (with screenshots, internal
-- comments, reporter messages and full-text search), support access. Every team-owned row carries
-- team_id, and every query by id also filters by it.

CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  mfa_required INTEGER NOT NULL DEFAULT 0,
  session_idle_minutes INTEGER,
  sso_required INTEGER NOT NULL DEFAULT 0,
  sso_provider_ids TEXT NOT NULL DEFAULT '[]',
  idp_mfa_accepted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE memberships (
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member', 'reporter')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, user_id)
) STRICT;
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member', 'reporter')),
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  accepted_at INTEGER,
  accepted_by TEXT,
  revoked_at INTEGER
) STRICT;
CREATE INDEX invitations_team ON invitations (team_id);

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  widget_key TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX projects_team ON projects (team_id);

CREATE TABLE labels (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  color TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (team_id, name)
) STRICT;

CREATE TABLE feedback_items (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  reporter_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  reporter_anon_id TEXT,
  reporter_email TEXT,
  title TEXT,
  comment TEXT NOT NULL,
  rating_value INTEGER,
  rating_scale TEXT CHECK (rating_scale IN ('stars', 'emoji', 'nps')),
  page_url TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  custom_data TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done', 'closed', 'spam')),
  assignee_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;
CREATE INDEX feedback_team_created ON feedback_items (team_id, deleted_at, created_at DESC, id DESC);
CREATE INDEX feedback_team_project ON feedback_items (team_id, project_id, created_at DESC);
CREATE INDEX feedback_team_status ON feedback_items (team_id, status, created_at DESC);
CREATE INDEX feedback_team_reporter ON feedback_items (team_id, reporter_user_id, created_at DESC);
CREATE INDEX feedback_team_assignee ON feedback_items (team_id, assignee_user_id, created_at DESC);

CREATE TABLE feedback_labels (
  item_id TEXT NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
  label_id TEXT NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
  team_id TEXT NOT NULL,
  PRIMARY KEY (item_id, label_id)
) STRICT;
CREATE INDEX feedback_labels_label ON feedback_labels (team_id, label_id);

-- Screenshots apart, so lists never load image bytes.
CREATE TABLE screenshots (
  item_id TEXT PRIMARY KEY REFERENCES feedback_items (id) ON DELETE CASCADE,
  team_id TEXT NOT NULL,
  content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  size INTEGER NOT NULL,
  annotations TEXT NOT NULL DEFAULT '[]',
  bytes BLOB NOT NULL
) STRICT;

CREATE TABLE feedback_comments (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  item_id TEXT NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
  author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_comments_item ON feedback_comments (team_id, item_id, created_at);

CREATE TABLE feedback_messages (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  item_id TEXT NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
  author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_messages_item ON feedback_messages (team_id, item_id, created_at);

-- Full-text search inside the encrypted database. `public_text` is what a reporter may match
-- (title, comment, messages); `internal_text` holds internal comments (members and owners only).
CREATE VIRTUAL TABLE feedback_search USING fts5 (item_id UNINDEXED, team_id UNINDEXED, public_text, internal_text, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE support_access (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  granted_by TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX support_access_team ON support_access (team_id, expires_at);
