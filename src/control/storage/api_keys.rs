//! The `api_keys` table.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, StorageError, new_id, now_ms, placeholders};

/// A stored key, as its owner sees it in the console. There is no secret here: it was shown
/// once at creation and only its hash was kept.
#[derive(Debug, Clone)]
pub struct ApiKeyRow {
    pub id: String,
    pub user_id: String,
    /// The SHA-256 of the secret, in hex: how the catalog finds the key. It stays on the server.
    pub secret_hash: String,
    pub name: String,
    pub description: String,
    pub display_prefix: String,
    pub requests_per_second: Option<i64>,
    pub burst_size: Option<i64>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What the catalog needs of a key to authenticate and limit requests.
#[derive(Debug, Clone)]
pub struct CatalogKeyRow {
    pub id: String,
    pub user_id: String,
    pub secret_hash: String,
    pub requests_per_second: Option<i64>,
    pub burst_size: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// A key to store.
pub struct NewApiKey<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub secret_hash: &'a str,
    pub display_prefix: &'a str,
    pub requests_per_second: Option<i64>,
    pub burst_size: Option<i64>,
}

const COLUMNS: &str = "id, user_id, secret_hash, name, description, display_prefix, requests_per_second, \
                       burst_size, created_at, last_used_at";

fn from_row(row: &AnyRow) -> Result<ApiKeyRow, sqlx::Error> {
    Ok(ApiKeyRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        secret_hash: row.try_get("secret_hash")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        display_prefix: row.try_get("display_prefix")?,
        requests_per_second: row.try_get("requests_per_second")?,
        burst_size: row.try_get("burst_size")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
    })
}

impl Db {
    pub async fn insert_api_key(&self, key: NewApiKey<'_>) -> Result<ApiKeyRow, StorageError> {
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO api_keys (id, user_id, name, description, secret_hash, display_prefix,
                                   requests_per_second, burst_size, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(key.user_id)
        .bind(key.name)
        .bind(key.description)
        .bind(key.secret_hash)
        .bind(key.display_prefix)
        .bind(key.requests_per_second)
        .bind(key.burst_size)
        .bind(now)
        .execute(self.pool())
        .await?;

        Ok(ApiKeyRow {
            id,
            user_id: key.user_id.to_owned(),
            secret_hash: key.secret_hash.to_owned(),
            name: key.name.to_owned(),
            description: key.description.to_owned(),
            display_prefix: key.display_prefix.to_owned(),
            requests_per_second: key.requests_per_second,
            burst_size: key.burst_size,
            created_at: now,
            last_used_at: None,
        })
    }

    /// The keys of one user, newest first.
    pub async fn api_keys_of_user(&self, user_id: &str) -> Result<Vec<ApiKeyRow>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// Deletes the keys `ids` of `user_id`, all or none, and returns their secrets' hashes:
    /// if any of them is not the user's (or does not exist), nothing is deleted and `Ok(None)`
    /// is returned.
    pub async fn delete_api_keys_of_user(
        &self,
        user_id: &str,
        ids: &[String],
    ) -> Result<Option<Vec<String>>, StorageError> {
        let mut tx = self.pool().begin().await?;

        let owned_sql = format!(
            "SELECT secret_hash FROM api_keys WHERE user_id = $1 AND id IN ({})",
            placeholders(2, ids.len())
        );
        let mut owned = sqlx::query(&owned_sql).bind(user_id);
        for id in ids {
            owned = owned.bind(id);
        }
        let hashes: Vec<String> = owned
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| row.try_get("secret_hash"))
            .collect::<Result<_, _>>()?;
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        if hashes.len() != distinct.len() {
            tx.rollback().await?;
            return Ok(None);
        }

        let delete_sql = format!(
            "DELETE FROM api_keys WHERE user_id = $1 AND id IN ({})",
            placeholders(2, ids.len())
        );
        let mut delete = sqlx::query(&delete_sql).bind(user_id);
        for id in ids {
            delete = delete.bind(id);
        }
        delete.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(hashes))
    }

    /// Every key, for building the catalog.
    pub async fn api_keys_for_catalog(&self) -> Result<Vec<CatalogKeyRow>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, user_id, secret_hash, requests_per_second, burst_size, last_used_at
             FROM api_keys",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CatalogKeyRow {
                    id: row.try_get("id")?,
                    user_id: row.try_get("user_id")?,
                    secret_hash: row.try_get("secret_hash")?,
                    requests_per_second: row.try_get("requests_per_second")?,
                    burst_size: row.try_get("burst_size")?,
                    last_used_at: row.try_get("last_used_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// Records when keys were last used, in one transaction; a time never moves backwards.
    pub async fn record_last_used(&self, uses: &[(String, i64)]) -> Result<(), StorageError> {
        let mut tx = self.pool().begin().await?;
        for (id, at) in uses {
            sqlx::query(
                "UPDATE api_keys SET last_used_at = $1
                 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
            )
            .bind(*at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
