-- The sliding-hour throttle: the times (ms) of each key's failures within the last hour, as a JSON
-- array, oldest first. Rows written before it count their fixed-window failures at window_start.
ALTER TABLE throttles ADD COLUMN failure_log TEXT NOT NULL DEFAULT '[]';
