//! Managing users. Deleting one deletes their keys (by cascade) and drops them from the
//! catalog at once.

use crate::catalog::Catalog;
use crate::control::auth::password;
use crate::control::storage::users::{NewUser, User};
use crate::control::storage::{Db, StorageError};

pub async fn create(
    db: &Db,
    email: &str,
    display_name: &str,
    password: &str,
    is_admin: bool,
) -> Result<Option<User>, StorageError> {
    if db.user_by_email(email).await?.is_some() {
        return Ok(None);
    }
    let password_hash = password::hash_off_thread(password.to_owned()).await;
    let user = db
        .insert_user(NewUser {
            email,
            display_name,
            password_hash: &password_hash,
            is_admin,
        })
        .await?;
    tracing::info!(user_id = %user.id, is_admin, "created a user");
    Ok(Some(user))
}

pub async fn set_admin(db: &Db, user_id: &str, is_admin: bool) -> Result<bool, StorageError> {
    db.set_user_admin(user_id, is_admin).await
}

pub async fn delete(db: &Db, catalog: &Catalog, user_id: &str) -> Result<bool, StorageError> {
    if !db.delete_user(user_id).await? {
        return Ok(false);
    }
    catalog.reload(db).await?;
    tracing::info!(user_id, "deleted a user and their API keys");
    Ok(true)
}
