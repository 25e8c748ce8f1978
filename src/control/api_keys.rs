//! The API key service: what the console's key actions do, once the caller is known and the
//! input validated. Every change reaches the catalog before the function returns, so a
//! deleted key is refused by `/ai/v1` from that moment on.

use crate::catalog::{Catalog, api_key};
use crate::control::storage::api_keys::{ApiKeyRow, CatalogKeyRow, NewApiKey};
use crate::control::storage::{Db, StorageError};

/// A validated request for a new key.
pub struct KeySpec<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// Requests per second and burst size; `None` for unlimited.
    pub rate_limit: Option<(u32, u32)>,
}

/// Creates a key for `user_id` and returns it with its secret, which is not kept anywhere.
pub async fn create(
    db: &Db,
    catalog: &Catalog,
    user_id: &str,
    spec: KeySpec<'_>,
) -> Result<(ApiKeyRow, String), StorageError> {
    let secret = api_key::generate();
    let row = db
        .insert_api_key(NewApiKey {
            user_id,
            name: spec.name,
            description: spec.description,
            secret_hash: &secret.hash_hex,
            display_prefix: &secret.display_prefix,
            requests_per_second: spec.rate_limit.map(|(rps, _)| i64::from(rps)),
            burst_size: spec.rate_limit.map(|(_, burst)| i64::from(burst)),
        })
        .await?;
    catalog
        .add_key(&CatalogKeyRow {
            id: row.id.clone(),
            user_id: row.user_id.clone(),
            secret_hash: secret.hash_hex.clone(),
            requests_per_second: row.requests_per_second,
            burst_size: row.burst_size,
            last_used_at: None,
        })
        .await;
    tracing::info!(key_id = %row.id, user_id, "created an API key");
    Ok((row, secret.secret))
}

/// The keys of `user_id`, newest first, with "last used" as fresh as memory has it.
pub async fn list(
    db: &Db,
    catalog: &Catalog,
    user_id: &str,
) -> Result<Vec<ApiKeyRow>, StorageError> {
    let mut keys = db.api_keys_of_user(user_id).await?;
    for key in &mut keys {
        key.last_used_at = key.last_used_at.max(catalog.last_used(&key.secret_hash));
    }
    Ok(keys)
}

/// Deletes the keys `ids` of `user_id`, all or none; `false` when any is not theirs.
pub async fn delete(
    db: &Db,
    catalog: &Catalog,
    user_id: &str,
    ids: &[String],
) -> Result<bool, StorageError> {
    let Some(hashes) = db.delete_api_keys_of_user(user_id, ids).await? else {
        return Ok(false);
    };
    catalog.remove_keys(&hashes).await;
    tracing::info!(user_id, count = ids.len(), "deleted API keys");
    Ok(true)
}
