-- The widget's public ingest: a client-generated idempotency id per submission, so a retry (or a
-- crash between commit and response) returns the first item instead of making a second one. Rows
-- are written in the same transaction as the item and kept 7 days (daily retention).

CREATE TABLE feedback_idempotency (
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  idempotency_id TEXT NOT NULL,
  item_id TEXT NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
  -- SHA-256 of what was submitted: a replay must be the same submission, not another one reusing the id.
  request_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, idempotency_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX feedback_idempotency_created ON feedback_idempotency (created_at);

-- The visitor's IP address, only for projects that choose to store it (off by default).
ALTER TABLE feedback_items ADD COLUMN reporter_ip TEXT;

-- A team's screenshot bytes are summed for its storage quota on every upload (a covering index).
CREATE INDEX screenshots_team_size ON screenshots (team_id, size);
