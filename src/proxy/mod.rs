//! The data plane: the OpenAI-compatible API under `/ai/v1`.
//!
//! Every answer here, success or failure, is shaped like OpenAI's, so that client libraries
//! raise their own typed errors. Each request to a known route is authenticated from the
//! [`Catalog`] by `Authorization: Bearer <key>` and checked against the key's rate limit; nothing
//! on this path reads the database.
//!
//! Models are not configurable in this version, so `GET /ai/v1/models` lists none and
//! `GET /ai/v1/models/{model}` answers 404 for every name.

mod auth;
mod error;

use axum::extract::{OriginalUri, Path};
use axum::http::Method;
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde_json::{Value, json};

use crate::catalog::Catalog;
pub use error::ApiError;

/// The router nested at `/ai/v1`.
pub fn router(catalog: Catalog) -> Router {
    Router::new()
        .route("/models", get(list_models))
        .route("/models/{model}", get(get_model))
        .route_layer(middleware::from_fn_with_state(catalog, auth::authenticate))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn list_models() -> Json<Value> {
    Json(json!({ "object": "list", "data": [] }))
}

async fn get_model(Path(model): Path<String>) -> ApiError {
    ApiError::UnknownModel(model)
}

/// Answers any path under `/ai/v1` that is not an API route.
pub async fn unknown_route(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::UnknownRoute {
        method: method.to_string(),
        path: uri.path().to_owned(),
    }
}

async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_owned(),
    }
}
