//! `GET /ai/v1/models` and `GET /ai/v1/models/{model}`: exactly what the key's owner may call,
//! decided by the same resolver that routes calls.

use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

use super::auth::AuthenticatedKey;
use super::{ApiError, ProxyState};
use crate::catalog::{ModelRoute, Resolution};

fn entry(id: &str, model: &ModelRoute) -> Value {
    json!({
        "id": id,
        "object": "model",
        "created": model.created_at / 1000,
        "owned_by": &*model.provider.name,
    })
}

/// Every name and alias the key may call, each as its own entry.
pub async fn list(
    State(proxy): State<ProxyState>,
    Extension(key): Extension<AuthenticatedKey>,
) -> Json<Value> {
    let snapshot = proxy.catalog.snapshot();
    let mut data = Vec::new();
    for model in snapshot.models.visible_to(&key.0.user_id) {
        data.push(entry(&model.name, model));
        for alias in &model.aliases {
            data.push(entry(alias, model));
        }
    }
    Json(json!({ "object": "list", "data": data }))
}

pub async fn get(
    State(proxy): State<ProxyState>,
    Extension(key): Extension<AuthenticatedKey>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let snapshot = proxy.catalog.snapshot();
    match snapshot.models.resolve(&key.0.user_id, &name) {
        Resolution::Allowed(model) => Ok(Json(entry(&name, model))),
        Resolution::Forbidden => Err(ApiError::ModelForbidden(name)),
        Resolution::NotFound => Err(ApiError::UnknownModel(name)),
    }
}
