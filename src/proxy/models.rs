//! `GET /ai/v1/models` and `GET /ai/v1/models/{model}`: exactly what the key's owner may call,
//! decided by the same resolver that routes calls.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{ApiError, ProxyState};
use crate::catalog::{KeyEntry, ModelRoute, Resolution};

fn entry(id: &str, model: &ModelRoute) -> Value {
    json!({
        "id": id,
        "object": "model",
        "created": model.created_at / 1000,
        "owned_by": &*model.provider.name,
    })
}

/// Every name and alias the key may call, each as its own entry.
pub fn list(proxy: &ProxyState, key: &KeyEntry) -> Response {
    let snapshot = proxy.catalog.snapshot();
    let mut data = Vec::new();
    for model in snapshot.models.visible_to(&key.user_id) {
        data.push(entry(&model.name, model));
        for alias in &model.aliases {
            data.push(entry(alias, model));
        }
    }
    Json(json!({ "object": "list", "data": data })).into_response()
}

/// One name or alias, if the key may call it.
pub fn get(proxy: &ProxyState, key: &KeyEntry, name: &str) -> Response {
    let snapshot = proxy.catalog.snapshot();
    match snapshot.models.resolve(&key.user_id, name) {
        Resolution::Allowed(model) => Json(entry(name, model)).into_response(),
        Resolution::Forbidden => ApiError::ModelForbidden(name.to_owned()).into_response(),
        Resolution::NotFound => ApiError::UnknownModel(name.to_owned()).into_response(),
    }
}
