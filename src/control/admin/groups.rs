//! Managing groups, their members and the models they grant.

use crate::catalog::Catalog;
use crate::control::storage::{Db, StorageError};

pub async fn create(db: &Db, name: &str, description: &str) -> Result<String, StorageError> {
    db.insert_group(name, description).await
}

pub async fn update(
    db: &Db,
    id: &str,
    name: &str,
    description: &str,
) -> Result<bool, StorageError> {
    db.update_group(id, name, description).await
}

pub async fn delete(db: &Db, catalog: &Catalog, id: &str) -> Result<bool, StorageError> {
    let deleted = db.delete_group(id).await?;
    if deleted {
        catalog.reload_models(db).await?;
    }
    Ok(deleted)
}

pub async fn set_member(
    db: &Db,
    catalog: &Catalog,
    group_id: &str,
    user_id: &str,
    member: bool,
) -> Result<(), StorageError> {
    db.set_group_member(group_id, user_id, member).await?;
    catalog.reload_models(db).await
}

pub async fn set_model(
    db: &Db,
    catalog: &Catalog,
    group_id: &str,
    model_id: &str,
    granted: bool,
) -> Result<(), StorageError> {
    db.set_group_model(group_id, model_id, granted).await?;
    catalog.reload_models(db).await
}
