//! Managing providers: their keys are encrypted before storage and never returned; "test
//! connection" lists the provider's own models.

use std::time::Duration;

use serde_json::Value;

use crate::catalog::Catalog;
use crate::control::Secret;
use crate::control::storage::providers::{ProviderFields, ProviderRow};
use crate::control::storage::{Db, StorageError};

pub async fn create(
    db: &Db,
    catalog: &Catalog,
    secret: &Secret,
    fields: ProviderFields<'_>,
    api_key: Option<&str>,
) -> Result<ProviderRow, StorageError> {
    let encrypted = api_key.map(|key| secret.encrypt(key));
    let row = db.insert_provider(fields, encrypted.as_deref()).await?;
    catalog.reload_models(db).await?;
    Ok(row)
}

/// Updates a provider; an `api_key` of `None` keeps the stored one.
pub async fn update(
    db: &Db,
    catalog: &Catalog,
    secret: &Secret,
    id: &str,
    fields: ProviderFields<'_>,
    api_key: Option<&str>,
) -> Result<bool, StorageError> {
    let encrypted = api_key.map(|key| secret.encrypt(key));
    let updated = db.update_provider(id, fields, encrypted.as_deref()).await?;
    if updated {
        catalog.reload_models(db).await?;
    }
    Ok(updated)
}

pub async fn delete(db: &Db, catalog: &Catalog, id: &str) -> Result<bool, StorageError> {
    let deleted = db.delete_unused_provider(id).await?;
    if deleted {
        catalog.reload_models(db).await?;
    }
    Ok(deleted)
}

/// The HTTP client of the admin pages (provider model lists); the proxy has its own.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .expect("the HTTP client builds with static settings")
}

/// Asks the provider for its models (`GET <base_url>/models`); the error says what went wrong
/// in words an admin can act on, and never contains the key.
pub async fn upstream_models(
    client: &reqwest::Client,
    secret: &Secret,
    provider: &ProviderRow,
) -> Result<Vec<String>, String> {
    let url = format!("{}/models", provider.base_url.trim_end_matches('/'));
    let mut request = client
        .get(&url)
        .timeout(Duration::from_millis(provider.timeout_ms.max(1) as u64));
    if let Some(key) = provider
        .api_key_encrypted
        .as_deref()
        .and_then(|k| secret.decrypt(k))
    {
        request = request.bearer_auth(key);
    }

    let response = request.send().await.map_err(|err| {
        if err.is_timeout() {
            format!("{url} did not answer within {} ms.", provider.timeout_ms)
        } else {
            format!("Could not reach {url}: check the base URL and that the provider is running.")
        }
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!(
            "{url} answered {status}; check the API key and the base URL."
        ));
    }
    let body: Value = response
        .json()
        .await
        .map_err(|_| format!("{url} did not answer with an OpenAI-style model list."))?;
    let ids = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{url} did not answer with an OpenAI-style model list."))?
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    Ok(ids)
}
