//! Admin: providers. The upstream key is write-only: it is sent when set or changed and never
//! comes back; views only say whether one is stored.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::{Problems, check_name};
use crate::console::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub has_api_key: bool,
    pub timeout_secs: u64,
}

/// The provider form. An empty `api_key` on an update keeps the stored key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderForm {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub base_url: String,
    #[serde(default)]
    pub api_key: String,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_timeout() -> u64 {
    60
}

pub fn validate_provider(form: &ProviderForm) -> Result<(), AppError> {
    let mut problems = Problems::default();
    check_name(&mut problems, "name", &form.name, 100);
    let url = form.base_url.trim();
    let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
    if !scheme_ok || url.len() > 2048 || url.contains(char::is_whitespace) || url.len() < 10 {
        problems.add(
            "base_url",
            "Enter the provider's base URL, like https://api.openai.com/v1.",
        );
    }
    if form.api_key.len() > 4096 {
        problems.add("api_key", "That key is too long.");
    }
    if !(1..=3600).contains(&form.timeout_secs) {
        problems.add(
            "timeout_secs",
            "The timeout must be from 1 to 3,600 seconds.",
        );
    }
    problems.into_result()
}

#[cfg(feature = "ssr")]
fn view(row: crate::control::storage::providers::ProviderRow) -> ProviderView {
    ProviderView {
        id: row.id,
        name: row.name,
        base_url: row.base_url,
        has_api_key: row.api_key_encrypted.is_some(),
        timeout_secs: (row.timeout_ms / 1000).max(0) as u64,
    }
}

#[server(prefix = "/api", endpoint = "admin_list_providers", input = Json)]
pub async fn admin_list_providers() -> Result<Vec<ProviderView>, AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    Ok(cx
        .state
        .db
        .providers()
        .await?
        .into_iter()
        .map(view)
        .collect())
}

#[server(prefix = "/api", endpoint = "admin_save_provider", input = Json)]
pub async fn admin_save_provider(provider: ProviderForm) -> Result<ProviderView, AppError> {
    use crate::control::admin::providers;
    use crate::control::storage::providers::ProviderFields;

    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    validate_provider(&provider)?;
    let fields = || ProviderFields {
        name: provider.name.trim(),
        base_url: provider.base_url.trim().trim_end_matches('/'),
        timeout_ms: provider.timeout_secs as i64 * 1000,
    };
    let key = Some(provider.api_key.trim()).filter(|k| !k.is_empty());
    let taken = |_| AppError::invalid("name", "A provider with that name already exists.");
    let (db, catalog, secret) = (&cx.state.db, &cx.state.catalog, &cx.state.secret);

    let id = match &provider.id {
        None => {
            providers::create(db, catalog, secret, fields(), key)
                .await
                .map_err(taken)?
                .id
        }
        Some(id) => {
            if !providers::update(db, catalog, secret, id, fields(), key)
                .await
                .map_err(taken)?
            {
                return Err(AppError::NotFound("No such provider.".into()));
            }
            id.clone()
        }
    };
    let row = db.provider(&id).await?.ok_or(AppError::Internal)?;
    Ok(view(row))
}

#[server(prefix = "/api", endpoint = "admin_delete_provider", input = Json)]
pub async fn admin_delete_provider(id: String) -> Result<(), AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    if !crate::control::admin::providers::delete(&cx.state.db, &cx.state.catalog, &id).await? {
        return Err(AppError::BadRequest(
            "That provider does not exist or still serves models; delete its models first.".into(),
        ));
    }
    Ok(())
}

/// Tests the connection by listing the provider's own models.
#[server(prefix = "/api", endpoint = "admin_provider_models", input = Json)]
pub async fn admin_provider_models(id: String) -> Result<Vec<String>, AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    let provider = cx
        .state
        .db
        .provider(&id)
        .await?
        .ok_or(AppError::NotFound("No such provider.".into()))?;
    crate::control::admin::providers::upstream_models(&cx.state.http, &cx.state.secret, &provider)
        .await
        .map_err(AppError::BadRequest)
}
