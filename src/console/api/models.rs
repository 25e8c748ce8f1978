//! The models the signed-in user may call: the same resolver that `/ai/v1` uses decides.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::console::AppError;

/// A model as its users see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyModel {
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: String,
    pub description: String,
}

/// The caller's models and the base URL to call them at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyModels {
    pub models: Vec<MyModel>,
    pub api_base_url: String,
}

#[server(prefix = "/api", endpoint = "list_my_models", input = Json)]
pub async fn list_my_models() -> Result<MyModels, AppError> {
    let cx = super::context::request()?;
    let user = cx.require_user().await?;
    let snapshot = cx.state.catalog.snapshot();
    let models = snapshot
        .models
        .visible_to(&user.id)
        .map(|m| MyModel {
            name: m.name.to_string(),
            aliases: m.aliases.iter().map(|a| a.to_string()).collect(),
            kind: m.kind.to_string(),
            description: m.description.to_string(),
        })
        .collect();
    Ok(MyModels {
        models,
        api_base_url: cx.api_base_url.clone(),
    })
}
