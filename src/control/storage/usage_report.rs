//! Reading usage for the Usage page: sums over the hourly or daily rollups, never over the raw
//! records, so that a page costs the same at ten thousand requests as at ten million. Sums are
//! cast to `BIGINT` because PostgreSQL widens `SUM(BIGINT)` to `NUMERIC`.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::usage::{EVERYONE, LATENCY_BUCKETS_MS};
use super::{Db, StorageError};

/// Which rollups to read, over which time, for whom.
#[derive(Debug, Clone, Copy)]
pub struct UsageScope<'a> {
    pub from_ms: i64,
    pub to_ms: i64,
    /// Hourly rollups when true, daily ones otherwise.
    pub hourly: bool,
    /// One user's usage, or everyone's when `None`.
    pub user_id: Option<&'a str>,
}

/// What a time series is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    Model,
    Key,
}

/// Requests and tokens of one series (a model or a key) in one time bucket.
#[derive(Debug, Clone)]
pub struct SeriesPoint {
    pub bucket_ms: i64,
    pub name: String,
    pub requests: i64,
    pub tokens: i64,
}

/// One key's totals over the scope, with its name and owner while they still exist.
#[derive(Debug, Clone)]
pub struct KeyTotals {
    pub key_id: String,
    pub key_name: Option<String>,
    pub owner_email: Option<String>,
    pub requests: i64,
    pub errors: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// One model's request count and latency histogram (counts per bucket of
/// [`LATENCY_BUCKETS_MS`], then the unbounded one).
#[derive(Debug, Clone)]
pub struct ModelLatency {
    pub model: String,
    pub requests: i64,
    pub histogram: Vec<i64>,
}

/// The two families of rollups.
#[derive(Clone, Copy)]
enum Rollup {
    /// Per user (and for everyone, as user `*`), model and status.
    Models,
    /// Per user and key.
    Keys,
}

impl UsageScope<'_> {
    /// The rollup table and the `WHERE` clause over it (aliased `r`).
    fn source(&self, rollup: Rollup) -> String {
        let granularity = if self.hourly { "hourly" } else { "daily" };
        let (family, user_filter) = match (rollup, self.user_id) {
            (Rollup::Models, _) => ("models", " AND r.user_id = $3"),
            (Rollup::Keys, Some(_)) => ("keys", " AND r.user_id = $3"),
            (Rollup::Keys, None) => ("keys", ""),
        };
        format!(
            "usage_{family}_{granularity} r WHERE r.bucket_ms >= $1 AND r.bucket_ms < $2{user_filter}"
        )
    }

    async fn fetch(&self, db: &Db, rollup: Rollup, sql: &str) -> Result<Vec<AnyRow>, StorageError> {
        let mut query = sqlx::query(sql).bind(self.from_ms).bind(self.to_ms);
        match (rollup, self.user_id) {
            (_, Some(user_id)) => query = query.bind(user_id),
            (Rollup::Models, None) => query = query.bind(EVERYONE),
            (Rollup::Keys, None) => {}
        }
        Ok(query.fetch_all(db.pool()).await?)
    }
}

impl Db {
    /// Requests and tokens per time bucket and model (or key).
    pub async fn usage_series(
        &self,
        scope: UsageScope<'_>,
        by: Breakdown,
    ) -> Result<Vec<SeriesPoint>, StorageError> {
        let (rollup, column) = match by {
            Breakdown::Model => (Rollup::Models, "r.model"),
            Breakdown::Key => (Rollup::Keys, "r.key_id"),
        };
        let sql = format!(
            "SELECT r.bucket_ms AS bucket_ms, {column} AS name, CAST(SUM(r.requests) AS BIGINT) AS requests,
                    CAST(SUM(r.prompt_tokens + r.completion_tokens) AS BIGINT) AS tokens
             FROM {} GROUP BY r.bucket_ms, {column} ORDER BY r.bucket_ms",
            scope.source(rollup)
        );
        scope
            .fetch(self, rollup, &sql)
            .await?
            .iter()
            .map(|row| {
                Ok(SeriesPoint {
                    bucket_ms: row.try_get("bucket_ms")?,
                    name: row.try_get("name")?,
                    requests: row.try_get("requests")?,
                    tokens: row.try_get("tokens")?,
                })
            })
            .collect()
    }

    /// Requests per HTTP status.
    pub async fn usage_statuses(
        &self,
        scope: UsageScope<'_>,
    ) -> Result<Vec<(u16, i64)>, StorageError> {
        let sql = format!(
            "SELECT r.status AS status, CAST(SUM(r.requests) AS BIGINT) AS requests FROM {}
             GROUP BY r.status ORDER BY r.status",
            scope.source(Rollup::Models)
        );
        scope
            .fetch(self, Rollup::Models, &sql)
            .await?
            .iter()
            .map(|row| {
                let status: i32 = row.try_get("status")?;
                Ok((u16::try_from(status).unwrap_or(0), row.try_get("requests")?))
            })
            .collect()
    }

    /// Each key's totals, busiest first.
    pub async fn usage_by_key(
        &self,
        scope: UsageScope<'_>,
    ) -> Result<Vec<KeyTotals>, StorageError> {
        let sql = format!(
            "SELECT t.key_id AS key_id, k.name AS key_name, u.email AS owner_email,
                    t.requests AS requests, t.errors AS errors,
                    t.prompt_tokens AS prompt_tokens, t.completion_tokens AS completion_tokens
             FROM (SELECT r.key_id AS key_id, r.user_id AS user_id,
                          CAST(SUM(r.requests) AS BIGINT) AS requests,
                          CAST(SUM(r.errors) AS BIGINT) AS errors,
                          CAST(SUM(r.prompt_tokens) AS BIGINT) AS prompt_tokens,
                          CAST(SUM(r.completion_tokens) AS BIGINT) AS completion_tokens
                   FROM {} GROUP BY r.key_id, r.user_id) t
             LEFT JOIN api_keys k ON k.id = t.key_id
             LEFT JOIN users u ON u.id = t.user_id
             ORDER BY t.requests DESC, t.key_id",
            scope.source(Rollup::Keys)
        );
        scope
            .fetch(self, Rollup::Keys, &sql)
            .await?
            .iter()
            .map(|row| {
                Ok(KeyTotals {
                    key_id: row.try_get("key_id")?,
                    key_name: row.try_get("key_name")?,
                    owner_email: row.try_get("owner_email")?,
                    requests: row.try_get("requests")?,
                    errors: row.try_get("errors")?,
                    prompt_tokens: row.try_get("prompt_tokens")?,
                    completion_tokens: row.try_get("completion_tokens")?,
                })
            })
            .collect()
    }

    /// Each model's latency histogram, busiest first.
    pub async fn usage_latency(
        &self,
        scope: UsageScope<'_>,
    ) -> Result<Vec<ModelLatency>, StorageError> {
        let buckets = LATENCY_BUCKETS_MS.len() + 1;
        let sums: Vec<String> = (0..buckets)
            .map(|i| format!("CAST(SUM(r.lat_{i:02}) AS BIGINT) AS lat_{i:02}"))
            .collect();
        let sql = format!(
            "SELECT r.model AS model, CAST(SUM(r.requests) AS BIGINT) AS requests, {} FROM {}
             GROUP BY r.model ORDER BY requests DESC",
            sums.join(", "),
            scope.source(Rollup::Models)
        );
        scope
            .fetch(self, Rollup::Models, &sql)
            .await?
            .iter()
            .map(|row| {
                let histogram = (0..buckets)
                    .map(|i| row.try_get(format!("lat_{i:02}").as_str()))
                    .collect::<Result<_, _>>()?;
                Ok(ModelLatency {
                    model: row.try_get("model")?,
                    requests: row.try_get("requests")?,
                    histogram,
                })
            })
            .collect()
    }
}
