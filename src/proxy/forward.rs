//! Forwarding a request to the provider of the model it names.
//!
//! The body must be a JSON object with a `model`; the name (or alias) is resolved for the key's
//! owner, rewritten to the upstream name, and the request sent to the provider at the same
//! sub-path with the provider's key. The answer, streamed or not, is passed back as it arrives:
//! bytes are never buffered, and dropping the client's connection drops the upstream request.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::auth::AuthenticatedKey;
use super::{ApiError, ProxyState};
use crate::catalog::Resolution;
use crate::server::logging::RequestLabels;

/// Request headers that never go upstream: hop-by-hop, the client's credentials, and what the
/// proxy sets itself.
const DROPPED_REQUEST_HEADERS: [&str; 14] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "authorization",
    "cookie",
    "content-length",
    "x-api-key",
    "api-key",
];

/// Response headers that never go back to the client.
const DROPPED_RESPONSE_HEADERS: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "set-cookie",
];

pub async fn forward(State(proxy): State<ProxyState>, request: Request) -> Response {
    let mut model = None;
    let mut response = match send(&proxy, request, &mut model).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    // The authentication middleware adds the key; the log line names both.
    response.extensions_mut().insert(RequestLabels {
        key_id: None,
        model,
    });
    response
}

/// Forwards `request` and returns the provider's answer; `requested` is set to the model the
/// body names as soon as it is known, for the request's log line.
async fn send(
    proxy: &ProxyState,
    request: Request,
    requested: &mut Option<String>,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let key = parts
        .extensions
        .get::<AuthenticatedKey>()
        .cloned()
        .ok_or(ApiError::MissingKey)?;

    let body = axum::body::to_bytes(body, proxy.max_body_bytes)
        .await
        .map_err(|_| ApiError::BodyTooLarge(proxy.max_body_bytes))?;
    let mut json: Map<String, Value> =
        serde_json::from_slice(&body).map_err(|_| ApiError::NotJson)?;
    let name = match json.get("model") {
        Some(Value::String(model)) if !model.is_empty() => model.clone(),
        _ => return Err(ApiError::MissingModel),
    };
    *requested = Some(name.clone());

    // Resolve against one snapshot, so that listing and calling always agree.
    let model = match proxy
        .catalog
        .snapshot()
        .models
        .resolve(&key.0.user_id, &name)
    {
        Resolution::Allowed(model) => model.clone(),
        Resolution::Forbidden => return Err(ApiError::ModelForbidden(name)),
        Resolution::NotFound => return Err(ApiError::UnknownModel(name)),
    };

    let body = if *model.upstream_name == name {
        body
    } else {
        json.insert(
            "model".into(),
            Value::String(model.upstream_name.to_string()),
        );
        Bytes::from(serde_json::to_vec(&json).unwrap_or_default())
    };

    let sub_path = parts
        .uri
        .path()
        .strip_prefix("/ai/v1")
        .unwrap_or(parts.uri.path());
    let mut url = format!("{}{}", model.provider.base_url, sub_path);
    if let Some(query) = parts.uri.query() {
        url.push('?');
        url.push_str(query);
    }

    let mut upstream = proxy
        .client
        .request(parts.method.clone(), url)
        .headers(upstream_headers(&parts.headers))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(authorization) = &model.provider.authorization {
        upstream = upstream.header(header::AUTHORIZATION, authorization.clone());
    }

    let timeout = model.provider.timeout;
    let response = match tokio::time::timeout(timeout, upstream.send()).await {
        Err(_) => return Err(ApiError::ProviderTimeout(timeout)),
        Ok(Err(err)) => {
            tracing::warn!(provider = %model.provider.name, error = %err, "provider unreachable");
            return Err(ApiError::ProviderUnreachable(model.name.to_string()));
        }
        Ok(Ok(response)) => response,
    };

    let status = response.status();
    match status.as_u16() {
        503 => return Err(ApiError::ProviderUnavailable(model.name.to_string())),
        504 => return Err(ApiError::ProviderTimeout(timeout)),
        500..=599 => return Err(ApiError::ProviderFailed(status.as_u16())),
        _ => {}
    }

    let headers = response_headers(response.headers());
    let mut out = Response::new(Body::from_stream(response.bytes_stream()));
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

fn upstream_headers(client: &HeaderMap) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(client.len());
    for (name, value) in client {
        if !DROPPED_REQUEST_HEADERS.contains(&name.as_str()) {
            headers.append(name.clone(), value.clone());
        }
    }
    headers
}

fn response_headers(upstream: &HeaderMap) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(upstream.len());
    for (name, value) in upstream {
        if !DROPPED_RESPONSE_HEADERS.contains(&name.as_str()) {
            headers.append(name.clone(), value.clone());
        }
    }
    headers
}
