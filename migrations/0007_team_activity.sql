-- Last activity of a session in each team, for teams with a shorter inactivity timeout (activity in
-- another team must not keep this one open).
CREATE TABLE session_team_activity (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  last_seen_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, team_id)
) STRICT;
