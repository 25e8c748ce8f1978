//! Server-side helpers for server functions: the application state and the caller.

use leptos::prelude::*;

use crate::console::AppError;
use crate::control::auth::{self, session};
use crate::control::storage::{StorageError, users::User};
use crate::server::AppState;

impl From<StorageError> for AppError {
    fn from(err: StorageError) -> Self {
        tracing::error!(error = %err, "storage failure in a server function");
        AppError::Internal
    }
}

/// The application state, provided to every server function and page render.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// The head of the HTTP request being served.
pub fn request_parts() -> Option<axum::http::request::Parts> {
    use_context::<axum::http::request::Parts>()
}

/// The session token in the request's cookie, if any.
pub fn session_token() -> Option<String> {
    request_parts().and_then(|parts| session::token_from_headers(&parts.headers))
}

/// The signed-in user, or `None`.
pub async fn current_user() -> Result<Option<User>, AppError> {
    let Some(token) = session_token() else {
        return Ok(None);
    };
    let state = state()?;
    Ok(auth::session_user(&state.db, &state.secret, &token).await?)
}

/// Adds a `Set-Cookie` header to the response of the current server function.
pub fn set_cookie(value: &str) {
    let Some(options) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Ok(value) = axum::http::HeaderValue::from_str(value) {
        options.append_header(axum::http::header::SET_COOKIE, value);
    }
}

/// The public base URL of `/ai/v1` as the caller reached this server.
pub fn api_base_url() -> String {
    let Some(parts) = request_parts() else {
        return "/ai/v1".into();
    };
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let host = header("x-forwarded-host")
        .or_else(|| header("host"))
        .unwrap_or("localhost");
    let scheme = header("x-forwarded-proto").unwrap_or("http");
    format!("{scheme}://{host}/ai/v1")
}
