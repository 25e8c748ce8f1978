-- API keys: only the SHA-256 of the secret and a short display prefix are stored.
-- A rate limit is both numbers or neither (NULL means unlimited).

CREATE TABLE api_keys (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    secret_hash         TEXT NOT NULL UNIQUE,
    display_prefix      TEXT NOT NULL,
    requests_per_second BIGINT,
    burst_size          BIGINT,
    created_at          BIGINT NOT NULL,
    last_used_at        BIGINT
);

CREATE INDEX api_keys_user_id ON api_keys (user_id);
