//! The data plane: the OpenAI-compatible API under `/ai/v1`.
//!
//! Every answer here, success or failure, is shaped like OpenAI's, so that client libraries
//! raise their own typed errors. One handler serves the whole API ([`routes`]): it finds the
//! endpoint, authenticates the request from the [`Catalog`] by `Authorization: Bearer <key>`,
//! checks the key's rate limit ([`auth`]), answers the model list itself ([`models`]) or
//! forwards the request to the provider of the model its body names ([`forward`]), and hands
//! a usage record to the background writer when the response ends ([`usage`]). Nothing on
//! this path reads the database.
//!
//! The API is one service rather than an axum router with middleware: a request passes
//! through a single future, with no per-request cloning of routers and middleware stacks.

mod auth;
mod body;
mod error;
mod forward;
mod models;
mod routes;
mod tokens;
mod upstream;
mod usage;

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;

use crate::catalog::Catalog;
use crate::telemetry::Telemetry;
pub use error::ApiError;
pub use upstream::{UpstreamClient, client as upstream_client};

/// What the `/ai/v1` handler needs, shared by every request.
pub struct ProxyState {
    pub catalog: Catalog,
    /// One pooled HTTP client for every provider: connections are reused.
    pub client: UpstreamClient,
    /// Largest request body forwarded; larger ones get 413.
    pub max_body_bytes: usize,
    /// Usage records (if recorded at all: then tokens are asked for in streams) and metrics.
    pub telemetry: Telemetry,
}

/// The routes of the API: `/ai/v1` itself and everything below it, all served by
/// [`routes::handle`]. Merge it into the application's router.
pub fn router(state: ProxyState) -> Router {
    let state = Arc::new(state);
    let service = tower::service_fn(move |request: Request| {
        let state = state.clone();
        async move { Ok::<_, Infallible>(routes::handle(state, request).await) }
    });
    Router::new()
        .route_service("/ai/v1", service.clone())
        .route_service("/ai/v1/", service.clone())
        .route_service("/ai/v1/{*rest}", service)
}
