-- A sign-in challenge is bound to the browser that passed the first factor (hash of a cookie value).
ALTER TABLE mfa_challenges ADD COLUMN browser_hash TEXT;
