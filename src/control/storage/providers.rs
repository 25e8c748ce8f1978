//! The `providers` table: upstream endpoints and their (encrypted) keys.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, StorageError, new_id, now_ms};

/// A stored provider. `api_key_encrypted` is only ever decrypted to build the catalog.
#[derive(Debug, Clone)]
pub struct ProviderRow {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub api_key_encrypted: Option<String>,
    pub timeout_ms: i64,
    pub created_at: i64,
}

/// A provider to store or the new values of one to update.
pub struct ProviderFields<'a> {
    pub name: &'a str,
    pub base_url: &'a str,
    pub timeout_ms: i64,
}

fn from_row(row: &AnyRow) -> Result<ProviderRow, sqlx::Error> {
    Ok(ProviderRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        base_url: row.try_get("base_url")?,
        api_key_encrypted: row.try_get("api_key_encrypted")?,
        timeout_ms: row.try_get("timeout_ms")?,
        created_at: row.try_get("created_at")?,
    })
}

const COLUMNS: &str = "id, name, base_url, api_key_encrypted, timeout_ms, created_at";

impl Db {
    pub async fn insert_provider(
        &self,
        fields: ProviderFields<'_>,
        api_key_encrypted: Option<&str>,
    ) -> Result<ProviderRow, StorageError> {
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO providers (id, name, base_url, api_key_encrypted, timeout_ms, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(fields.name)
        .bind(fields.base_url)
        .bind(api_key_encrypted)
        .bind(fields.timeout_ms)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(ProviderRow {
            id,
            name: fields.name.to_owned(),
            base_url: fields.base_url.to_owned(),
            api_key_encrypted: api_key_encrypted.map(str::to_owned),
            timeout_ms: fields.timeout_ms,
            created_at: now,
        })
    }

    /// Updates a provider; `api_key_encrypted` of `None` keeps the stored key.
    pub async fn update_provider(
        &self,
        id: &str,
        fields: ProviderFields<'_>,
        api_key_encrypted: Option<&str>,
    ) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE providers SET name = $1, base_url = $2, timeout_ms = $3,
                    api_key_encrypted = COALESCE($4, api_key_encrypted)
             WHERE id = $5",
        )
        .bind(fields.name)
        .bind(fields.base_url)
        .bind(fields.timeout_ms)
        .bind(api_key_encrypted)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn providers(&self) -> Result<Vec<ProviderRow>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM providers ORDER BY name");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    pub async fn provider(&self, id: &str) -> Result<Option<ProviderRow>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM providers WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(from_row).transpose()?)
    }

    /// Deletes a provider that serves no model; `false` if it does (or does not exist).
    pub async fn delete_unused_provider(&self, id: &str) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "DELETE FROM providers WHERE id = $1
             AND NOT EXISTS (SELECT 1 FROM models WHERE provider_id = $1)",
        )
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
