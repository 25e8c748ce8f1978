-- Usage: one row per /ai/v1 request that got past authentication, and hourly and daily
-- rollups that the Usage page reads instead, so that its queries stay fast however many
-- requests there were. No secret, prompt or completion is stored. Keys and users may be
-- deleted later; their usage stays.

CREATE TABLE usage_records (
    at_ms             BIGINT NOT NULL,
    key_id            TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    requested_model   TEXT NOT NULL,
    model             TEXT NOT NULL,
    upstream_model    TEXT NOT NULL,
    provider_id       TEXT NOT NULL,
    status            INTEGER NOT NULL,
    ttfb_us           BIGINT NOT NULL,
    latency_us        BIGINT NOT NULL,
    streamed          SMALLINT NOT NULL,
    prompt_tokens     BIGINT,
    completion_tokens BIGINT
);

CREATE INDEX usage_records_at_ms ON usage_records (at_ms);

-- Per model and status, for each user and, under user_id '*', for everyone (what admins see).
-- lat_00 … lat_15 count requests by total latency in the buckets of
-- storage::usage::LATENCY_BUCKETS_MS; the last one has no upper bound.
CREATE TABLE usage_models_hourly (
    user_id           TEXT NOT NULL,
    bucket_ms         BIGINT NOT NULL,
    model             TEXT NOT NULL,
    status            INTEGER NOT NULL,
    requests          BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    lat_00 BIGINT NOT NULL, lat_01 BIGINT NOT NULL, lat_02 BIGINT NOT NULL, lat_03 BIGINT NOT NULL,
    lat_04 BIGINT NOT NULL, lat_05 BIGINT NOT NULL, lat_06 BIGINT NOT NULL, lat_07 BIGINT NOT NULL,
    lat_08 BIGINT NOT NULL, lat_09 BIGINT NOT NULL, lat_10 BIGINT NOT NULL, lat_11 BIGINT NOT NULL,
    lat_12 BIGINT NOT NULL, lat_13 BIGINT NOT NULL, lat_14 BIGINT NOT NULL, lat_15 BIGINT NOT NULL,
    PRIMARY KEY (user_id, bucket_ms, model, status)
);

CREATE TABLE usage_models_daily (
    user_id           TEXT NOT NULL,
    bucket_ms         BIGINT NOT NULL,
    model             TEXT NOT NULL,
    status            INTEGER NOT NULL,
    requests          BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    lat_00 BIGINT NOT NULL, lat_01 BIGINT NOT NULL, lat_02 BIGINT NOT NULL, lat_03 BIGINT NOT NULL,
    lat_04 BIGINT NOT NULL, lat_05 BIGINT NOT NULL, lat_06 BIGINT NOT NULL, lat_07 BIGINT NOT NULL,
    lat_08 BIGINT NOT NULL, lat_09 BIGINT NOT NULL, lat_10 BIGINT NOT NULL, lat_11 BIGINT NOT NULL,
    lat_12 BIGINT NOT NULL, lat_13 BIGINT NOT NULL, lat_14 BIGINT NOT NULL, lat_15 BIGINT NOT NULL,
    PRIMARY KEY (user_id, bucket_ms, model, status)
);

-- Per key.
CREATE TABLE usage_keys_hourly (
    bucket_ms         BIGINT NOT NULL,
    user_id           TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    requests          BIGINT NOT NULL,
    errors            BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    PRIMARY KEY (bucket_ms, user_id, key_id)
);

CREATE INDEX usage_keys_hourly_user ON usage_keys_hourly (user_id, bucket_ms);

CREATE TABLE usage_keys_daily (
    bucket_ms         BIGINT NOT NULL,
    user_id           TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    requests          BIGINT NOT NULL,
    errors            BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    PRIMARY KEY (bucket_ms, user_id, key_id)
);

CREATE INDEX usage_keys_daily_user ON usage_keys_daily (user_id, bucket_ms);
