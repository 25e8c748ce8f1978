//! The data plane: the OpenAI-compatible API under `/ai/v1`.
//!
//! Every answer here, success or failure, is shaped like OpenAI's, so that client libraries
//! raise their own typed errors. Each request to a known route is authenticated from the
//! [`Catalog`] by `Authorization: Bearer <key>` and checked against the key's rate limit; any
//! POST is then forwarded to the provider of the model its body names ([`forward`]). Nothing
//! on this path reads the database.

mod auth;
mod body;
mod error;
mod forward;
mod models;
mod tokens;
mod usage;

use axum::extract::OriginalUri;
use axum::http::Method;
use axum::routing::{get, post};
use axum::{Router, middleware};

use crate::catalog::Catalog;
use crate::telemetry::Telemetry;
pub use error::ApiError;

/// What the `/ai/v1` handlers share.
#[derive(Clone)]
pub struct ProxyState {
    pub catalog: Catalog,
    /// One pooled HTTP client for every provider: connections are reused.
    pub client: reqwest::Client,
    /// Largest request body forwarded; larger ones get 413.
    pub max_body_bytes: usize,
    /// Usage records and metrics.
    pub telemetry: Telemetry,
    /// Whether usage is recorded (and so tokens asked for in streams).
    pub usage_enabled: bool,
}

/// The HTTP client for providers: keep-alive pools per host, no Nagle delay.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_idle_timeout(std::time::Duration::from_secs(90))
        .build()
        .expect("the HTTP client builds with static settings")
}

/// The router nested at `/ai/v1`.
pub fn router(state: ProxyState) -> Router {
    // Authentication runs only for requests that match a route and method: an unknown route is
    // a 404 whoever asks.
    let authenticated = middleware::from_fn_with_state(state.clone(), auth::authenticate);
    Router::new()
        .route(
            "/models",
            get(models::list).route_layer(authenticated.clone()),
        )
        .route(
            "/models/{*model}",
            get(models::get).route_layer(authenticated.clone()),
        )
        .route(
            "/{*path}",
            post(forward::forward)
                .route_layer(authenticated)
                .fallback(unknown_route),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
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
