//! Admin: models, their upstream names and aliases. Names and aliases are unique across all
//! models; a clash is an error on the field that clashes.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::Problems;
use crate::console::AppError;

/// The kinds of model the console offers.
pub const MODEL_KINDS: [&str; 5] = ["chat", "completions", "embeddings", "audio", "images"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelView {
    pub id: String,
    pub name: String,
    pub provider_id: String,
    pub upstream_name: String,
    pub description: String,
    pub kind: String,
    pub aliases: Vec<String>,
}

/// The model form. An empty `upstream_name` means the same as `name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelForm {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub provider_id: String,
    #[serde(default)]
    pub upstream_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_kind")]
    pub kind: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

fn default_kind() -> String {
    "chat".into()
}

/// A name a client sends as `model`: no spaces, at most 200 characters.
fn is_model_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 200 && !name.contains(char::is_whitespace)
}

pub fn validate_model(form: &ModelForm) -> Result<Vec<String>, AppError> {
    let mut problems = Problems::default();
    let name = form.name.trim();
    if !is_model_name(name) {
        problems.add(
            "name",
            "Enter a name without spaces, of at most 200 characters.",
        );
    }
    if form.provider_id.trim().is_empty() {
        problems.add("provider_id", "Choose the provider that serves this model.");
    }
    let upstream = form.upstream_name.trim();
    if !upstream.is_empty() && !is_model_name(upstream) {
        problems.add(
            "upstream_name",
            "Enter the provider's name for the model, without spaces.",
        );
    }
    if form.description.chars().count() > 1000 {
        problems.add("description", "Keep it to 1,000 characters or fewer.");
    }
    if !MODEL_KINDS.contains(&form.kind.as_str()) {
        problems.add(
            "kind",
            "Choose one of: chat, completions, embeddings, audio, images.",
        );
    }

    let mut aliases: Vec<String> = Vec::new();
    for alias in form
        .aliases
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
    {
        if !is_model_name(alias) {
            problems.add(
                "aliases",
                "Aliases are names without spaces, of at most 200 characters.",
            );
        } else if alias == name || aliases.iter().any(|a| a == alias) {
            problems.add("aliases", &format!("'{alias}' is listed twice."));
        } else {
            aliases.push(alias.to_owned());
        }
    }
    if aliases.len() > 50 {
        problems.add("aliases", "At most 50 aliases.");
    }
    problems.into_result().map(|()| aliases)
}

#[server(prefix = "/api", endpoint = "admin_list_models", input = Json)]
pub async fn admin_list_models() -> Result<Vec<ModelView>, AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    let models = cx.state.db.models().await?;
    Ok(models
        .into_iter()
        .map(|m| ModelView {
            id: m.id,
            name: m.name,
            provider_id: m.provider_id,
            upstream_name: m.upstream_name,
            description: m.description,
            kind: m.kind,
            aliases: m.aliases,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "admin_save_model", input = Json)]
pub async fn admin_save_model(model: ModelForm) -> Result<String, AppError> {
    use crate::control::storage::models::{ModelFields, ModelSaveError};

    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    let aliases = validate_model(&model)?;
    let name = model.name.trim();
    let upstream = match model.upstream_name.trim() {
        "" => name,
        upstream => upstream,
    };
    let fields = ModelFields {
        name,
        provider_id: model.provider_id.trim(),
        upstream_name: upstream,
        description: model.description.trim(),
        kind: &model.kind,
        aliases: &aliases,
    };
    crate::control::admin::models::save(
        &cx.state.db,
        &cx.state.catalog,
        model.id.as_deref(),
        fields,
    )
    .await
    .map_err(|err| match err {
        ModelSaveError::NameTaken(taken) if taken == name => AppError::invalid(
            "name",
            format!("'{taken}' is already a model's name or alias."),
        ),
        ModelSaveError::NameTaken(taken) => AppError::invalid(
            "aliases",
            format!("'{taken}' is already a model's name or alias."),
        ),
        ModelSaveError::UnknownProvider => AppError::invalid("provider_id", "No such provider."),
        ModelSaveError::Storage(err) => err.into(),
    })
}

#[server(prefix = "/api", endpoint = "admin_delete_model", input = Json)]
pub async fn admin_delete_model(id: String) -> Result<(), AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    if !crate::control::admin::models::delete(&cx.state.db, &cx.state.catalog, &id).await? {
        return Err(AppError::NotFound("No such model.".into()));
    }
    Ok(())
}
