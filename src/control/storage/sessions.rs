//! The `sessions` table: one row per signed-in browser. The cookie holds a random token; only
//! its keyed hash is stored, so the table alone cannot be used to sign in.

use sqlx::Row;

use super::{Db, StorageError, now_ms};

impl Db {
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms())
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The user id of an unexpired session, if there is one.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<String>, StorageError> {
        let row =
            sqlx::query("SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash)
                .bind(now_ms())
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|r| r.try_get("user_id")).transpose()?)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes sessions that expired; run at sign-in so the table does not grow forever.
    pub async fn delete_expired_sessions(&self) -> Result<u64, StorageError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
