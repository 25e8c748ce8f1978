//! Writing usage: raw records and their hourly and daily rollups, in one transaction per batch.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Db, StorageError, to_flag};

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
    /// Shared with the catalog's entries, so that a record copies no names.
    pub key_id: Arc<str>,
    pub user_id: Arc<str>,
    /// The name the client asked for ("" when the body named none).
    pub requested_model: String,
    /// The model it resolved to ("" when it resolved to none).
    pub model: Arc<str>,
    /// The name sent upstream ("" when nothing was sent).
    pub upstream_model: Arc<str>,
    pub provider_id: Arc<str>,
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
/// The most rows one `INSERT` carries: well under SQLite's and PostgreSQL's limits on
/// parameters. Statements carry a power of two of rows, so that a handful of prepared
/// statements (cached per connection) serve every batch size.
const MAX_ROWS_PER_STATEMENT: usize = 128;
/// The `user_id` of the model rollups' rows that count everyone's requests.
pub const EVERYONE: &str = "*";

/// A value bound to a placeholder.
enum Arg<'a> {
    Int(i64),
    Text(&'a str),
}

/// One rollup row: its key columns' values and the amounts to add.
type RollupRow<'a> = (Vec<Arg<'a>>, Vec<i64>);

impl Db {
    /// Stores `records` and adds them to the rollups, all or nothing.
    pub async fn insert_usage(&self, records: &[UsageRecord]) -> Result<(), StorageError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for chunk in power_of_two_chunks(records) {
            insert_records(self, &mut tx, chunk).await?;
        }
        let latency_columns: Vec<String> = (0..=LATENCY_BUCKETS_MS.len())
            .map(|i| format!("lat_{i:02}"))
            .collect();
        let mut model_sums = vec![
            "requests".to_owned(),
            "prompt_tokens".to_owned(),
            "completion_tokens".to_owned(),
        ];
        model_sums.extend(latency_columns);
        let key_sums =
            ["requests", "errors", "prompt_tokens", "completion_tokens"].map(String::from);

        for (suffix, width) in [("hourly", HOUR_MS), ("daily", DAY_MS)] {
            let rows = model_rollup(records, width);
            let table = format!("usage_models_{suffix}");
            let keys = ["user_id", "bucket_ms", "model", "status"];
            for chunk in power_of_two_chunks(&rows) {
                upsert(self, &mut tx, &table, &keys, &model_sums, chunk).await?;
            }
            let rows = key_rollup(records, width);
            let table = format!("usage_keys_{suffix}");
            let keys = ["bucket_ms", "user_id", "key_id"];
            for chunk in power_of_two_chunks(&rows) {
                upsert(self, &mut tx, &table, &keys, &key_sums, chunk).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// `items` in consecutive chunks whose lengths are powers of two, at most
/// [`MAX_ROWS_PER_STATEMENT`].
fn power_of_two_chunks<T>(mut items: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        if items.is_empty() {
            return None;
        }
        let len = items.len().min(MAX_ROWS_PER_STATEMENT);
        let len = 1 << len.ilog2();
        let (chunk, rest) = items.split_at(len);
        items = rest;
        Some(chunk)
    })
}

async fn insert_records(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    records: &[UsageRecord],
) -> Result<(), StorageError> {
    let rows: Vec<String> = (0..records.len())
        .map(|i| {
            let row = db.bulk_placeholders(1 + i * RECORD_COLUMNS, RECORD_COLUMNS);
            format!("({row})")
        })
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
            .bind(&*r.key_id)
            .bind(&*r.user_id)
            .bind(&r.requested_model)
            .bind(&*r.model)
            .bind(&*r.upstream_model)
            .bind(&*r.provider_id)
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

fn bucket(at_ms: i64, width_ms: i64) -> i64 {
    at_ms - at_ms.rem_euclid(width_ms)
}

/// Sums per (user, bucket, model, status), and the same for everyone.
fn model_rollup(records: &[UsageRecord], width_ms: i64) -> Vec<RollupRow<'_>> {
    let mut sums: HashMap<(&str, i64, &str, u16), Vec<i64>> = HashMap::new();
    for r in records {
        let at = bucket(r.at_ms, width_ms);
        for user in [&*r.user_id, EVERYONE] {
            let sum = sums
                .entry((user, at, r.rollup_model(), r.status))
                .or_insert_with(|| vec![0; 3 + LATENCY_BUCKETS_MS.len() + 1]);
            sum[0] += 1;
            sum[1] += r.prompt_tokens.map_or(0, saturate);
            sum[2] += r.completion_tokens.map_or(0, saturate);
            sum[3 + latency_bucket(r.latency_us)] += 1;
        }
    }
    sums.into_iter()
        .map(|((user, at, model, status), sum)| {
            let key = vec![
                Arg::Text(user),
                Arg::Int(at),
                Arg::Text(model),
                Arg::Int(i64::from(status)),
            ];
            (key, sum)
        })
        .collect()
}

/// Sums per (bucket, user, key).
fn key_rollup(records: &[UsageRecord], width_ms: i64) -> Vec<RollupRow<'_>> {
    let mut sums: HashMap<(i64, &str, &str), Vec<i64>> = HashMap::new();
    for r in records {
        let sum = sums
            .entry((bucket(r.at_ms, width_ms), &*r.user_id, &*r.key_id))
            .or_insert_with(|| vec![0; 4]);
        sum[0] += 1;
        sum[1] += i64::from(r.status >= 400);
        sum[2] += r.prompt_tokens.map_or(0, saturate);
        sum[3] += r.completion_tokens.map_or(0, saturate);
    }
    sums.into_iter()
        .map(|((at, user, key), sum)| (vec![Arg::Int(at), Arg::Text(user), Arg::Text(key)], sum))
        .collect()
}

/// Adds `rows` to `table`: inserts new keys, and adds to the sums of existing ones.
async fn upsert(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    keys: &[&str],
    sums: &[String],
    rows: &[RollupRow<'_>],
) -> Result<(), StorageError> {
    let width = keys.len() + sums.len();
    let values: Vec<String> = (0..rows.len())
        .map(|i| format!("({})", db.bulk_placeholders(1 + i * width, width)))
        .collect();
    let updates: Vec<String> = sums
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}, {}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}",
        keys.join(", "),
        sums.join(", "),
        values.join(", "),
        keys.join(", "),
        updates.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (key, amounts) in rows {
        for arg in key {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::Text(v) => query.bind(*v),
            };
        }
        for amount in amounts {
            query = query.bind(*amount);
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
    fn statements_carry_powers_of_two_of_rows() {
        let items: Vec<u32> = (0..300).collect();
        let lengths: Vec<usize> = power_of_two_chunks(&items).map(<[u32]>::len).collect();
        assert_eq!(lengths.iter().sum::<usize>(), 300);
        assert!(
            lengths
                .iter()
                .all(|&n| n.is_power_of_two() && n <= MAX_ROWS_PER_STATEMENT)
        );
        assert_eq!(power_of_two_chunks::<u32>(&[]).count(), 0);
    }

    #[test]
    fn rollups_sum_per_bucket_and_count_everyone_too() {
        let record = |at_ms, user: &str, status, latency_us| UsageRecord {
            at_ms,
            key_id: format!("{user}-key").into(),
            user_id: user.into(),
            requested_model: "alias".into(),
            model: "m".into(),
            status,
            latency_us,
            prompt_tokens: Some(3),
            completion_tokens: Some(4),
            ..UsageRecord::default()
        };
        let records = [
            record(HOUR_MS + 5, "a", 200, 500),
            record(HOUR_MS + 7, "a", 200, 30_000),
            record(HOUR_MS + 8, "b", 200, 500),
            record(2 * HOUR_MS, "a", 200, 500),
            record(HOUR_MS + 9, "a", 429, 100),
        ];
        let models = model_rollup(&records, HOUR_MS);
        // a: 3 groups; b: 1; everyone: (hour 1, 200), (hour 2, 200), (hour 1, 429).
        assert_eq!(models.len(), 7);
        let everyone_first_hour = models
            .iter()
            .find(|(key, _)| {
                matches!(
                    key[..],
                    [Arg::Text(EVERYONE), Arg::Int(HOUR_MS), _, Arg::Int(200)]
                )
            })
            .unwrap();
        let sums = &everyone_first_hour.1;
        assert_eq!(sums[..3], [3, 9, 12]);
        assert_eq!(sums[3 + latency_bucket(500)], 2);
        assert_eq!(sums[3 + latency_bucket(30_000)], 1);

        let keys = key_rollup(&records, HOUR_MS);
        assert_eq!(keys.len(), 3);
        let a_first_hour = keys
            .iter()
            .find(|(key, _)| matches!(key[..], [Arg::Int(HOUR_MS), Arg::Text("a"), _]))
            .unwrap();
        assert_eq!(a_first_hour.1, [3, 1, 9, 12]);
        assert_eq!(key_rollup(&records, DAY_MS).len(), 2);
    }
}
