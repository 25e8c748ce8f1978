//! The `groups`, `group_members` and `group_models` tables. The built-in group
//! [`EVERYONE`] has no member rows: it holds every user implicitly and cannot be deleted.

use sqlx::Row;

use super::{Db, StorageError, new_id, now_ms};

/// Id of the built-in group that holds every user.
pub const EVERYONE: &str = "everyone";

/// A stored group with its members and granted models (ids).
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub members: Vec<String>,
    pub models: Vec<String>,
}

/// Who may use what, as the catalog needs it.
#[derive(Debug, Clone, Default)]
pub struct AccessRows {
    /// (group id, user id) for every explicit membership.
    pub memberships: Vec<(String, String)>,
    /// (group id, model id) for every grant.
    pub grants: Vec<(String, String)>,
}

async fn pairs(db: &Db, sql: &str) -> Result<Vec<(String, String)>, StorageError> {
    let rows = sqlx::query(sql).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StorageError::from)
}

impl Db {
    pub async fn groups(&self) -> Result<Vec<GroupRow>, StorageError> {
        let rows = sqlx::query("SELECT id, name, description FROM groups ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        let access = self.access_rows().await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let of = |pairs: &[(String, String)]| {
                    pairs
                        .iter()
                        .filter(|(g, _)| *g == id)
                        .map(|(_, x)| x.clone())
                        .collect()
                };
                Ok(GroupRow {
                    name: row.try_get("name")?,
                    description: row.try_get("description")?,
                    members: of(&access.memberships),
                    models: of(&access.grants),
                    id,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    pub async fn access_rows(&self) -> Result<AccessRows, StorageError> {
        Ok(AccessRows {
            memberships: pairs(self, "SELECT group_id, user_id FROM group_members").await?,
            grants: pairs(self, "SELECT group_id, model_id FROM group_models").await?,
        })
    }

    pub async fn insert_group(
        &self,
        name: &str,
        description: &str,
    ) -> Result<String, StorageError> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO groups (id, name, description, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(name)
        .bind(description)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    pub async fn update_group(
        &self,
        id: &str,
        name: &str,
        description: &str,
    ) -> Result<bool, StorageError> {
        let done = sqlx::query("UPDATE groups SET name = $1, description = $2 WHERE id = $3")
            .bind(name)
            .bind(description)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes a group other than Everyone.
    pub async fn delete_group(&self, id: &str) -> Result<bool, StorageError> {
        let done = sqlx::query("DELETE FROM groups WHERE id = $1 AND id <> $2")
            .bind(id)
            .bind(EVERYONE)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds (`member` true) or removes a user from a group; idempotent.
    pub async fn set_group_member(
        &self,
        group_id: &str,
        user_id: &str,
        member: bool,
    ) -> Result<(), StorageError> {
        let sql = if member {
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2"
        };
        sqlx::query(sql)
            .bind(group_id)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Grants (`granted` true) or revokes a model for a group; idempotent.
    pub async fn set_group_model(
        &self,
        group_id: &str,
        model_id: &str,
        granted: bool,
    ) -> Result<(), StorageError> {
        let sql = if granted {
            "INSERT INTO group_models (group_id, model_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM group_models WHERE group_id = $1 AND model_id = $2"
        };
        sqlx::query(sql)
            .bind(group_id)
            .bind(model_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
