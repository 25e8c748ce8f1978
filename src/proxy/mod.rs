//! The data plane: the OpenAI-compatible API under `/ai/v1`.
//!
//! Every answer here, success or failure, is shaped like OpenAI's, so that client libraries
//! raise their own typed errors. Requests are authenticated by `Authorization: Bearer <key>`;
//! nothing on this path reads the database.
//!
//! API keys do not exist yet in this version: every well-formed key is unknown, so every
//! authenticated route answers 401 until keys can be created in the console.

mod auth;
mod error;

use axum::extract::OriginalUri;
use axum::{Router, http::HeaderMap, http::Method, routing::get};

pub use error::ApiError;

/// The router nested at `/ai/v1`.
pub fn router() -> Router {
    Router::new()
        .route("/models", get(list_models))
        .route("/models/{model}", get(list_models))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn list_models(headers: HeaderMap) -> Result<(), ApiError> {
    auth::bearer_key(&headers)?;
    Err(ApiError::UnknownKey)
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
