//! The `users` table: people who sign in to the console.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, StorageError, flag, new_id, now_ms, to_flag};

/// A stored user. The password hash never leaves the server.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    /// Lower-cased; unique.
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

/// What is needed to create a user.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
}

const COLUMNS: &str = "id, email, display_name, password_hash, is_admin, created_at, last_login_at";

fn from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: flag(row, "is_admin")?,
        created_at: row.try_get("created_at")?,
        last_login_at: row.try_get("last_login_at")?,
    })
}

/// Normalises an email for storage and lookup: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Db {
    pub async fn insert_user(&self, user: NewUser<'_>) -> Result<User, StorageError> {
        let id = new_id();
        let now = now_ms();
        let email = normalize_email(user.email);
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&email)
        .bind(user.display_name)
        .bind(user.password_hash)
        .bind(to_flag(user.is_admin))
        .bind(now)
        .execute(self.pool())
        .await?;

        Ok(User {
            id,
            email,
            display_name: user.display_name.to_owned(),
            password_hash: user.password_hash.to_owned(),
            is_admin: user.is_admin,
            created_at: now,
            last_login_at: None,
        })
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
        let row = sqlx::query(&sql)
            .bind(normalize_email(email))
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(from_row).transpose()?)
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(from_row).transpose()?)
    }

    pub async fn count_admins(&self) -> Result<i64, StorageError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE is_admin = $1")
            .bind(to_flag(true))
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    pub async fn record_login(&self, user_id: &str) -> Result<(), StorageError> {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn users(&self) -> Result<Vec<User>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM users ORDER BY email");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    pub async fn set_user_admin(&self, id: &str, is_admin: bool) -> Result<bool, StorageError> {
        let done = sqlx::query("UPDATE users SET is_admin = $1 WHERE id = $2")
            .bind(to_flag(is_admin))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes a user; their sessions, keys and memberships go with them.
    pub async fn delete_user(&self, id: &str) -> Result<bool, StorageError> {
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
