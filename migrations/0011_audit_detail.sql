-- What an audited change did, as compact JSON of ids and enum values only (never personal data), so
-- an item's history can say "status new → done" or "label added". Covered by the entry's MAC when
-- present (entries written before stay valid: their MAC input is unchanged).
ALTER TABLE audit_log ADD COLUMN detail TEXT;

-- An item's history reads its team's entries about one target, newest first.
CREATE INDEX audit_log_target ON audit_log (team_id, target_id, seq);
