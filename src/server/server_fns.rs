//! The HTTP status of server function errors.
//!
//! Leptos answers every server function error with status 500 and a `serverfnerror` header.
//! This middleware reads such an error body back (an [`AppError`] in JSON) and sets the status
//! it calls for, so that bad input is a 4xx and only a real server fault is a 5xx, for the
//! browser and for scripts alike.

use axum::{
    body::Body,
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::BodyExt;

use crate::console::AppError;

/// Set by Leptos on the error responses of server functions.
const ERROR_HEADER: &str = "serverfnerror";

/// Error bodies are a short JSON object; anything larger is not ours to reinterpret.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(ERROR_HEADER)
    {
        return response;
    }

    let (mut parts, body) = response.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_ERROR_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
