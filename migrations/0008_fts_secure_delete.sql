-- FTS5 keeps a deleted row's terms in its index segments until a merge rewrites them, whatever
-- PRAGMA secure_delete says: its own `secure-delete` option removes them at the delete (the freed
-- bytes are then zeroed by secure_delete=ON). `optimize` merges the index once, dropping what earlier
-- deletions left behind.
INSERT INTO feedback_search (feedback_search, rank) VALUES ('secure-delete', 1);
INSERT INTO feedback_search (feedback_search) VALUES ('optimize');
