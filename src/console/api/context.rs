//! Server-side helpers for server functions: the application state and the caller.
//!
//! Leptos keeps the request's context reachable only until a server function first awaits
//! (when it runs inside a page render), so [`request`] takes everything a function needs from
//! the context at once, before any `.await`.

use leptos::prelude::*;

use crate::console::AppError;
use crate::console::api::ApiKeyView;
use crate::control::auth::{self, session};
use crate::control::storage::api_keys::ApiKeyRow;
use crate::control::storage::{StorageError, users::User};
use crate::server::AppState;

impl From<StorageError> for AppError {
    fn from(err: StorageError) -> Self {
        tracing::error!(error = %err, "storage failure in a server function");
        AppError::Internal
    }
}

/// What a server function knows about the request it serves.
pub struct RequestContext {
    pub state: AppState,
    /// The session token from the cookie, if the request has a plausible one.
    session_token: Option<String>,
    /// The public base URL of `/ai/v1` as the caller reached this server.
    pub api_base_url: String,
    response: Option<leptos_axum::ResponseOptions>,
}

/// Captures the state and the caller of the current request; call it before any `.await`.
pub fn request() -> Result<RequestContext, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })?;
    let parts = use_context::<axum::http::request::Parts>();
    let session_token = parts
        .as_ref()
        .and_then(|p| session::token_from_headers(&p.headers));
    let api_base_url = parts
        .as_ref()
        .map(api_base_url)
        .unwrap_or_else(|| "/ai/v1".into());
    let response = use_context::<leptos_axum::ResponseOptions>();
    Ok(RequestContext {
        state,
        session_token,
        api_base_url,
        response,
    })
}

impl RequestContext {
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// The signed-in user, or `None`.
    pub async fn user(&self) -> Result<Option<User>, AppError> {
        let Some(token) = &self.session_token else {
            return Ok(None);
        };
        Ok(auth::session_user(&self.state.db, &self.state.secret, token).await?)
    }

    /// The signed-in user, or [`AppError::Unauthenticated`].
    pub async fn require_user(&self) -> Result<User, AppError> {
        self.user().await?.ok_or(AppError::Unauthenticated)
    }

    /// The signed-in user if they are an admin; [`AppError::Forbidden`] if not.
    pub async fn require_admin(&self) -> Result<User, AppError> {
        let user = self.require_user().await?;
        if !user.is_admin {
            tracing::warn!(user_id = %user.id, "refused an admin action to a non-admin");
            return Err(AppError::Forbidden);
        }
        Ok(user)
    }

    /// Adds a `Set-Cookie` header to the response.
    pub fn set_cookie(&self, value: &str) {
        let Some(options) = &self.response else {
            return;
        };
        if let Ok(value) = axum::http::HeaderValue::from_str(value) {
            options.append_header(axum::http::header::SET_COOKIE, value);
        }
    }
}

fn api_base_url(parts: &axum::http::request::Parts) -> String {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let host = header("x-forwarded-host")
        .or_else(|| header("host"))
        .unwrap_or("localhost");
    let scheme = header("x-forwarded-proto").unwrap_or("http");
    format!("{scheme}://{host}/ai/v1")
}

/// How the console shows a stored key.
pub fn key_view(row: ApiKeyRow) -> ApiKeyView {
    let small = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok());
    ApiKeyView {
        id: row.id,
        name: row.name,
        description: row.description,
        prefix: row.display_prefix,
        requests_per_second: small(row.requests_per_second),
        burst_size: small(row.burst_size),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    }
}
