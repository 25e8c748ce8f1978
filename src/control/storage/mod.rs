//! Storage through sqlx, portable between SQLite (the default) and PostgreSQL.
//!
//! The same SQL runs on both, through sqlx's `Any` driver, by keeping to a common subset:
//! ids are text (UUIDs made by the application), times are `BIGINT` milliseconds since the Unix
//! epoch, flags are `SMALLINT` 0 or 1 (sqlx's `Any` driver cannot read SQLite's `BOOLEAN`
//! columns; [`flag`] and [`to_flag`] convert), placeholders are `$1, $2, …`, and upserts use
//! `ON CONFLICT`.

pub mod api_keys;
pub mod groups;
pub mod models;
pub mod providers;
pub mod sessions;
pub mod usage;
pub mod usage_report;
pub mod users;

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// Set on every SQLite connection: readers never wait for the writer (WAL), a writer waits
/// for another instead of failing, foreign keys hold, and commits skip the fsync that WAL
/// makes unnecessary for integrity (a power cut may lose the last commits, never corrupt).
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
];

/// A pool of database connections; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    is_sqlite: bool,
}

/// Storage failures; the message is for logs, never for clients.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let is_sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if is_sqlite { 4 } else { 16 })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if is_sqlite {
                        for pragma in SQLITE_PRAGMAS {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Ok(Db { pool, is_sqlite })
    }

    /// Applies the migrations in `migrations/` that have not been applied yet.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        sqlx::migrate!("./migrations").run(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Placeholders for `count` values, numbered from `first`, for statements with many
    /// values: plain `?` on SQLite (sqlx looks each numbered one up by name, which costs
    /// time quadratic in their number), `$n` on PostgreSQL.
    pub(crate) fn bulk_placeholders(&self, first: usize, count: usize) -> String {
        if self.is_sqlite {
            vec!["?"; count].join(", ")
        } else {
            placeholders(first, count)
        }
    }
}

/// Now, as the milliseconds since the Unix epoch that every timestamp column holds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A new random id for a row.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Reads a flag column (`SMALLINT` 0 or 1).
pub fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// The value a flag column stores for `value`.
pub fn to_flag(value: bool) -> i16 {
    i16::from(value)
}

/// `$first, $first+1, …`: `count` numbered placeholders for one row of an `INSERT`.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 1), "$1");
    }
}
