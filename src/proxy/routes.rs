//! The one handler of the API: which endpoint a request is for, who is asking, the answer, and
//! the request's log line.
//!
//! The endpoints are `GET /ai/v1/models`, `GET /ai/v1/models/{model}` (the name
//! percent-decoded, slashes allowed) and any `POST` below `/ai/v1/`, which is forwarded. Any
//! other path is a 404 whoever asks, and another method on the models paths a 405: both are
//! answered before authentication, so they reveal nothing about keys.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use super::{ApiError, ProxyState, auth, usage};

/// What a request asks the API for.
pub enum Endpoint<'a> {
    ListModels,
    GetModel(Cow<'a, str>),
    Forward,
}

impl<'a> Endpoint<'a> {
    /// The endpoint for `method` and `path`, or the error that answers the request.
    fn find(method: &Method, path: &'a str) -> Result<Self, ApiError> {
        let rest = path.strip_prefix("/ai/v1/").unwrap_or("");
        let reading = method == Method::GET || method == Method::HEAD;
        let endpoint = match rest.strip_prefix("models") {
            Some("") => reading.then_some(Endpoint::ListModels),
            Some(name) if name.len() > 1 && name.starts_with('/') => reading
                .then(|| Endpoint::GetModel(percent_decode_str(&name[1..]).decode_utf8_lossy())),
            _ if !rest.is_empty() && method == Method::POST => Some(Endpoint::Forward),
            _ => {
                return Err(ApiError::UnknownRoute {
                    method: method.to_string(),
                    path: path.to_owned(),
                });
            }
        };
        endpoint.ok_or_else(|| ApiError::MethodNotAllowed {
            method: method.to_string(),
            path: path.to_owned(),
        })
    }
}

/// Serves one request to `/ai/v1`.
pub async fn handle(proxy: Arc<ProxyState>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();

    let (response, served) = match Endpoint::find(&method, uri.path()) {
        Err(err) => (err.into_response(), None),
        Ok(endpoint) => auth::serve(&proxy, request, endpoint).await,
    };

    let head_after = started.elapsed();
    let (key_id, model) = match &served {
        Some(served) => (
            Some(&*served.key.id),
            served.routing.requested_model.as_deref(),
        ),
        None => (None, None),
    };
    tracing::info!(
        %method,
        path = uri.path(),
        status = response.status().as_u16(),
        latency_ms = format_args!("{:.3}", head_after.as_secs_f64() * 1000.0),
        key_id,
        model,
        "request"
    );

    match served {
        Some(served) => usage::observe(response, served, &proxy.telemetry, started, head_after),
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(method: Method, path: &str) -> Result<Endpoint<'_>, u16> {
        Endpoint::find(&method, path).map_err(|e| e.status().as_u16())
    }

    #[test]
    fn endpoints_are_found_by_method_and_path() {
        assert!(matches!(
            find(Method::GET, "/ai/v1/models"),
            Ok(Endpoint::ListModels)
        ));
        match find(Method::GET, "/ai/v1/models/org%2Fmodel/v2") {
            Ok(Endpoint::GetModel(name)) => assert_eq!(name, "org/model/v2"),
            _ => panic!("a model lookup"),
        }
        for path in ["/ai/v1/chat/completions", "/ai/v1/models-extra", "/ai/v1/x"] {
            assert!(
                matches!(find(Method::POST, path), Ok(Endpoint::Forward)),
                "{path}"
            );
        }
    }

    #[test]
    fn other_paths_are_404_and_other_methods_on_models_405() {
        for path in ["/ai/v1", "/ai/v1/", "/ai/v1/chat/completions"] {
            assert_eq!(find(Method::GET, path).err(), Some(404), "{path}");
        }
        assert_eq!(find(Method::POST, "/ai/v1/").err(), Some(404));
        assert_eq!(find(Method::DELETE, "/ai/v1/models").err(), Some(405));
        assert_eq!(find(Method::POST, "/ai/v1/models/m").err(), Some(405));
        assert_eq!(find(Method::GET, "/ai/v1/models/").err(), Some(404));
    }
}
