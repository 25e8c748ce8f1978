-- Providers (upstream endpoints), the models they serve, aliases, groups and model access.
-- Provider keys are stored encrypted with the server's secret (hex of nonce || ciphertext).

CREATE TABLE providers (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    base_url          TEXT NOT NULL,
    api_key_encrypted TEXT,
    timeout_ms        BIGINT NOT NULL,
    created_at        BIGINT NOT NULL
);

CREATE TABLE models (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    provider_id   TEXT NOT NULL REFERENCES providers (id),
    upstream_name TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT 'chat',
    created_at    BIGINT NOT NULL
);

CREATE TABLE model_aliases (
    alias    TEXT PRIMARY KEY,
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE
);

CREATE INDEX model_aliases_model_id ON model_aliases (model_id);

CREATE TABLE groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

-- Everyone holds every user implicitly: it has no rows in group_members.
INSERT INTO groups (id, name, description, created_at)
VALUES ('everyone', 'Everyone', 'Every user, now and in the future.', 0);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

CREATE INDEX group_members_user_id ON group_members (user_id);

CREATE TABLE group_models (
    group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, model_id)
);
