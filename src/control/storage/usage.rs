//! Writing usage: raw records and their hourly and daily rollups, in one transaction per batch.

use std::collections::HashMap;

use super::{Db, StorageError, placeholders, to_flag};

/// Upper bounds (in milliseconds) of the latency buckets that rollups count requests in; a
/// last, unbounded bucket follows. The columns `lat_00` … `lat_15` hold the counts.
pub const LATENCY_BUCKETS_MS: [u64; 15] = [
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
];

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// One `/ai/v1` request that got past authentication. Names, never contents.
#[derive(Debug, Clone, Default)]
pub struct UsageRecord {
    /// When the request arrived, in milliseconds since the epoch.
    pub at_ms: i64,
    pub key_id: String,
    pub user_id: String,
    /// The name the client asked for ("" when the body named none).
    pub requested_model: String,
    /// The model it resolved to ("" when it resolved to none).
    pub model: String,
    /// The name sent upstream ("" when nothing was sent).
    pub upstream_model: String,
    pub provider_id: String,
    pub status: u16,
    /// Time to the response head, and to the end of the body, in microseconds.
    pub ttfb_us: u64,
    pub latency_us: u64,
    pub streamed: bool,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
}

impl UsageRecord {
    /// The name a rollup counts the request under: the model, or what was asked for.
    fn rollup_model(&self) -> &str {
        if self.model.is_empty() {
            &self.requested_model
        } else {
            &self.model
        }
    }
}

/// The latency bucket (index into the `lat_` columns) for a latency in microseconds.
pub fn latency_bucket(latency_us: u64) -> usize {
    LATENCY_BUCKETS_MS
        .iter()
        .position(|&bound| latency_us <= bound * 1_000)
        .unwrap_or(LATENCY_BUCKETS_MS.len())
}

const RECORD_COLUMNS: usize = 13;
/// Rows per `INSERT` statement: well under SQLite's and PostgreSQL's limits on parameters.
const RECORDS_PER_STATEMENT: usize = 200;
const ROLLUP_COLUMNS: usize = 8 + LATENCY_BUCKETS_MS.len() + 1;
const ROLLUPS_PER_STATEMENT: usize = 100;

#[derive(Hash, PartialEq, Eq)]
struct RollupKey<'a> {
    bucket_ms: i64,
    user_id: &'a str,
    key_id: &'a str,
    model: &'a str,
    status: u16,
}

#[derive(Default)]
struct RollupSums {
    requests: i64,
    prompt_tokens: i64,
    completion_tokens: i64,
    latency: [i64; LATENCY_BUCKETS_MS.len() + 1],
}

impl Db {
    /// Stores `records` and adds them to the rollups, all or nothing.
    pub async fn insert_usage(&self, records: &[UsageRecord]) -> Result<(), StorageError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for chunk in records.chunks(RECORDS_PER_STATEMENT) {
            insert_records(&mut tx, chunk).await?;
        }
        for (table, width) in [("usage_hourly", HOUR_MS), ("usage_daily", DAY_MS)] {
            let sums = roll_up(records, width);
            let groups: Vec<_> = sums.iter().collect();
            for chunk in groups.chunks(ROLLUPS_PER_STATEMENT) {
                upsert_rollups(&mut tx, table, chunk).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_records(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    records: &[UsageRecord],
) -> Result<(), StorageError> {
    let rows: Vec<String> = (0..records.len())
        .map(|i| format!("({})", placeholders(1 + i * RECORD_COLUMNS, RECORD_COLUMNS)))
        .collect();
    let sql = format!(
        "INSERT INTO usage_records (at_ms, key_id, user_id, requested_model, model, \
         upstream_model, provider_id, status, ttfb_us, latency_us, streamed, prompt_tokens, \
         completion_tokens) VALUES {}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for r in records {
        query = query
            .bind(r.at_ms)
            .bind(&r.key_id)
            .bind(&r.user_id)
            .bind(&r.requested_model)
            .bind(&r.model)
            .bind(&r.upstream_model)
            .bind(&r.provider_id)
            .bind(i32::from(r.status))
            .bind(saturate(r.ttfb_us))
            .bind(saturate(r.latency_us))
            .bind(to_flag(r.streamed))
            .bind(r.prompt_tokens.map(saturate))
            .bind(r.completion_tokens.map(saturate));
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

fn roll_up(records: &[UsageRecord], width_ms: i64) -> HashMap<RollupKey<'_>, RollupSums> {
    let mut sums: HashMap<RollupKey<'_>, RollupSums> = HashMap::new();
    for r in records {
        let key = RollupKey {
            bucket_ms: r.at_ms - r.at_ms.rem_euclid(width_ms),
            user_id: &r.user_id,
            key_id: &r.key_id,
            model: r.rollup_model(),
            status: r.status,
        };
        let sum = sums.entry(key).or_default();
        sum.requests += 1;
        sum.prompt_tokens += r.prompt_tokens.map_or(0, saturate);
        sum.completion_tokens += r.completion_tokens.map_or(0, saturate);
        sum.latency[latency_bucket(r.latency_us)] += 1;
    }
    sums
}

async fn upsert_rollups(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    groups: &[(&RollupKey<'_>, &RollupSums)],
) -> Result<(), StorageError> {
    let latency: Vec<String> = (0..=LATENCY_BUCKETS_MS.len())
        .map(|i| format!("lat_{i:02}"))
        .collect();
    let rows: Vec<String> = (0..groups.len())
        .map(|i| format!("({})", placeholders(1 + i * ROLLUP_COLUMNS, ROLLUP_COLUMNS)))
        .collect();
    let mut updates = vec![
        format!("requests = {table}.requests + excluded.requests"),
        format!("prompt_tokens = {table}.prompt_tokens + excluded.prompt_tokens"),
        format!("completion_tokens = {table}.completion_tokens + excluded.completion_tokens"),
    ];
    updates.extend(
        latency
            .iter()
            .map(|c| format!("{c} = {table}.{c} + excluded.{c}")),
    );
    let sql = format!(
        "INSERT INTO {table} (bucket_ms, user_id, key_id, model, status, requests, \
         prompt_tokens, completion_tokens, {}) VALUES {} \
         ON CONFLICT (bucket_ms, user_id, key_id, model, status) DO UPDATE SET {}",
        latency.join(", "),
        rows.join(", "),
        updates.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (key, sum) in groups {
        query = query
            .bind(key.bucket_ms)
            .bind(key.user_id)
            .bind(key.key_id)
            .bind(key.model)
            .bind(i32::from(key.status))
            .bind(sum.requests)
            .bind(sum.prompt_tokens)
            .bind(sum.completion_tokens);
        for count in sum.latency {
            query = query.bind(count);
        }
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

fn saturate(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_fall_in_the_first_bucket_that_bounds_them() {
        assert_eq!(latency_bucket(0), 0);
        assert_eq!(latency_bucket(1_000), 0);
        assert_eq!(latency_bucket(1_001), 1);
        assert_eq!(latency_bucket(60_000_000), 14);
        assert_eq!(latency_bucket(60_000_001), 15);
    }

    #[test]
    fn rollups_group_by_bucket_key_model_and_status() {
        let record = |at_ms, status, latency_us| UsageRecord {
            at_ms,
            key_id: "k".into(),
            user_id: "u".into(),
            requested_model: "alias".into(),
            model: "m".into(),
            status,
            latency_us,
            prompt_tokens: Some(3),
            completion_tokens: Some(4),
            ..UsageRecord::default()
        };
        let records = [
            record(HOUR_MS + 5, 200, 500),
            record(HOUR_MS + 7, 200, 30_000),
            record(2 * HOUR_MS, 200, 500),
            record(HOUR_MS + 9, 429, 100),
        ];
        let hourly = roll_up(&records, HOUR_MS);
        assert_eq!(hourly.len(), 3);
        let first = &hourly[&RollupKey {
            bucket_ms: HOUR_MS,
            user_id: "u",
            key_id: "k",
            model: "m",
            status: 200,
        }];
        assert_eq!(first.requests, 2);
        assert_eq!(first.prompt_tokens, 6);
        assert_eq!(first.completion_tokens, 8);
        assert_eq!(first.latency[0], 1);
        assert_eq!(first.latency[latency_bucket(30_000)], 1);
        assert_eq!(roll_up(&records, DAY_MS).len(), 2);
    }
}
