-- Team API tokens: an API token limited to one team and to a role there (at most its creator's).
ALTER TABLE api_tokens ADD COLUMN team_id TEXT REFERENCES teams (id) ON DELETE CASCADE;
ALTER TABLE api_tokens ADD COLUMN team_role TEXT CHECK (team_role IS NULL OR team_role IN ('member', 'reporter'));
CREATE INDEX api_tokens_team ON api_tokens (team_id);
