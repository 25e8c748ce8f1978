//! Managing models and their aliases.

use crate::catalog::Catalog;
use crate::control::storage::Db;
use crate::control::storage::StorageError;
use crate::control::storage::models::{ModelFields, ModelSaveError};

/// Creates (`id` of `None`) or updates a model; names and aliases stay unique.
pub async fn save(
    db: &Db,
    catalog: &Catalog,
    id: Option<&str>,
    fields: ModelFields<'_>,
) -> Result<String, ModelSaveError> {
    let id = db.save_model(id, fields).await?;
    catalog.reload_models(db).await?;
    Ok(id)
}

pub async fn delete(db: &Db, catalog: &Catalog, id: &str) -> Result<bool, StorageError> {
    let deleted = db.delete_model(id).await?;
    if deleted {
        catalog.reload_models(db).await?;
    }
    Ok(deleted)
}
