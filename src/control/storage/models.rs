//! The `models` and `model_aliases` tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, StorageError, new_id, now_ms};

/// A stored model and its aliases.
#[derive(Debug, Clone)]
pub struct ModelRow {
    pub id: String,
    pub name: String,
    pub provider_id: String,
    pub upstream_name: String,
    pub description: String,
    pub kind: String,
    pub created_at: i64,
    pub aliases: Vec<String>,
}

/// The editable fields of a model.
pub struct ModelFields<'a> {
    pub name: &'a str,
    pub provider_id: &'a str,
    pub upstream_name: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub aliases: &'a [String],
}

/// Why a model could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum ModelSaveError {
    /// The name or an alias is already a model's name or alias.
    #[error("the name '{0}' is already taken")]
    NameTaken(String),
    #[error("no such provider")]
    UnknownProvider,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ModelSaveError {
    fn from(err: sqlx::Error) -> Self {
        ModelSaveError::Storage(err.into())
    }
}

fn from_row(row: &AnyRow) -> Result<ModelRow, sqlx::Error> {
    Ok(ModelRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        provider_id: row.try_get("provider_id")?,
        upstream_name: row.try_get("upstream_name")?,
        description: row.try_get("description")?,
        kind: row.try_get("kind")?,
        created_at: row.try_get("created_at")?,
        aliases: Vec::new(),
    })
}

impl Db {
    /// Every model with its aliases, by name.
    pub async fn models(&self) -> Result<Vec<ModelRow>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, name, provider_id, upstream_name, description, kind, created_at
             FROM models ORDER BY name",
        )
        .fetch_all(self.pool())
        .await?;
        let mut models: Vec<ModelRow> = rows.iter().map(from_row).collect::<Result<_, _>>()?;

        let aliases = sqlx::query("SELECT alias, model_id FROM model_aliases ORDER BY alias")
            .fetch_all(self.pool())
            .await?;
        for row in &aliases {
            let model_id: String = row.try_get("model_id")?;
            if let Some(model) = models.iter_mut().find(|m| m.id == model_id) {
                model.aliases.push(row.try_get("alias")?);
            }
        }
        Ok(models)
    }

    /// Creates a model (`id` of `None`) or replaces one, with its aliases, in one transaction.
    /// Names and aliases are unique across all models.
    pub async fn save_model(
        &self,
        id: Option<&str>,
        fields: ModelFields<'_>,
    ) -> Result<String, ModelSaveError> {
        let mut tx = self.pool().begin().await?;

        let provider = sqlx::query("SELECT id FROM providers WHERE id = $1")
            .bind(fields.provider_id)
            .fetch_optional(&mut *tx)
            .await?;
        if provider.is_none() {
            return Err(ModelSaveError::UnknownProvider);
        }

        // Every name this model claims must be free, or already its own.
        let own_id = id.unwrap_or("");
        for name in std::iter::once(fields.name).chain(fields.aliases.iter().map(String::as_str)) {
            let clash = sqlx::query(
                "SELECT 1 AS taken FROM models WHERE name = $1 AND id <> $2
                 UNION ALL
                 SELECT 1 AS taken FROM model_aliases WHERE alias = $1 AND model_id <> $2",
            )
            .bind(name)
            .bind(own_id)
            .fetch_optional(&mut *tx)
            .await?;
            if clash.is_some() {
                return Err(ModelSaveError::NameTaken(name.to_owned()));
            }
        }

        let id = match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE models SET name = $1, provider_id = $2, upstream_name = $3,
                            description = $4, kind = $5
                     WHERE id = $6",
                )
                .bind(fields.name)
                .bind(fields.provider_id)
                .bind(fields.upstream_name)
                .bind(fields.description)
                .bind(fields.kind)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM model_aliases WHERE model_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                id.to_owned()
            }
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO models (id, name, provider_id, upstream_name, description, kind,
                                         created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&id)
                .bind(fields.name)
                .bind(fields.provider_id)
                .bind(fields.upstream_name)
                .bind(fields.description)
                .bind(fields.kind)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
                id
            }
        };

        for alias in fields.aliases {
            sqlx::query("INSERT INTO model_aliases (alias, model_id) VALUES ($1, $2)")
                .bind(alias)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn delete_model(&self, id: &str) -> Result<bool, StorageError> {
        let done = sqlx::query("DELETE FROM models WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
