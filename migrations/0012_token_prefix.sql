-- The first characters of an API token's secret, kept to recognise the token in a list once its secret
-- has been shown (the secret itself is stored only as its SHA-256). Older tokens have none.
ALTER TABLE api_tokens ADD COLUMN token_prefix TEXT;
