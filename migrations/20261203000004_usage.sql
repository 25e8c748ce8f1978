-- Usage: one row per /ai/v1 request that got past authentication, and hourly and daily
-- rollups that the Usage page reads, so that its queries do not scan every request. No secret,
-- prompt or completion is stored. Keys and users may be deleted later; their usage stays.

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

-- lat_00 … lat_15 count requests by total latency, in the buckets of
-- telemetry::LATENCY_BUCKETS_MS (the last one has no upper bound).
CREATE TABLE usage_hourly (
    bucket_ms         BIGINT NOT NULL,
    user_id           TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    model             TEXT NOT NULL,
    status            INTEGER NOT NULL,
    requests          BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    lat_00 BIGINT NOT NULL, lat_01 BIGINT NOT NULL, lat_02 BIGINT NOT NULL, lat_03 BIGINT NOT NULL,
    lat_04 BIGINT NOT NULL, lat_05 BIGINT NOT NULL, lat_06 BIGINT NOT NULL, lat_07 BIGINT NOT NULL,
    lat_08 BIGINT NOT NULL, lat_09 BIGINT NOT NULL, lat_10 BIGINT NOT NULL, lat_11 BIGINT NOT NULL,
    lat_12 BIGINT NOT NULL, lat_13 BIGINT NOT NULL, lat_14 BIGINT NOT NULL, lat_15 BIGINT NOT NULL,
    PRIMARY KEY (bucket_ms, user_id, key_id, model, status)
);

CREATE INDEX usage_hourly_user ON usage_hourly (user_id, bucket_ms);

CREATE TABLE usage_daily (
    bucket_ms         BIGINT NOT NULL,
    user_id           TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    model             TEXT NOT NULL,
    status            INTEGER NOT NULL,
    requests          BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    lat_00 BIGINT NOT NULL, lat_01 BIGINT NOT NULL, lat_02 BIGINT NOT NULL, lat_03 BIGINT NOT NULL,
    lat_04 BIGINT NOT NULL, lat_05 BIGINT NOT NULL, lat_06 BIGINT NOT NULL, lat_07 BIGINT NOT NULL,
    lat_08 BIGINT NOT NULL, lat_09 BIGINT NOT NULL, lat_10 BIGINT NOT NULL, lat_11 BIGINT NOT NULL,
    lat_12 BIGINT NOT NULL, lat_13 BIGINT NOT NULL, lat_14 BIGINT NOT NULL, lat_15 BIGINT NOT NULL,
    PRIMARY KEY (bucket_ms, user_id, key_id, model, status)
);

CREATE INDEX usage_daily_user ON usage_daily (user_id, bucket_ms);
