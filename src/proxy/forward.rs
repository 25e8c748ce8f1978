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
    let (parts, body) = request.into_parts();
    let Some(key) = parts.extensions.get::<AuthenticatedKey>().cloned() else {
        return ApiError::MissingKey.into_response();
    };

    let body = match axum::body::to_bytes(body, proxy.max_body_bytes).await {
        Ok(body) => body,
        Err(_) => return ApiError::BodyTooLarge(proxy.max_body_bytes).into_response(),
    };
    let mut json: Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(json) => json,
        Err(_) => return ApiError::NotJson.into_response(),
    };
    let requested = match json.get("model") {
        Some(Value::String(model)) if !model.is_empty() => model.clone(),
        _ => return ApiError::MissingModel.into_response(),
    };
    let labels = RequestLabels {
        key_id: Some(key.0.id.to_string()),
        model: Some(requested.clone()),
    };

    // Resolve against one snapshot, so that listing and calling always agree.
    let snapshot = proxy.catalog.snapshot();
    let model = match snapshot.models.resolve(&key.0.user_id, &requested) {
        Resolution::Allowed(model) => model.clone(),
        Resolution::Forbidden => return with_labels(ApiError::ModelForbidden(requested), labels),
        Resolution::NotFound => return with_labels(ApiError::UnknownModel(requested), labels),
    };
    drop(snapshot);

    let body = if *model.upstream_name == requested {
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

    let response = match tokio::time::timeout(model.provider.timeout, upstream.send()).await {
        Err(_) => return with_labels(ApiError::ProviderTimeout(model.provider.timeout), labels),
        Ok(Err(err)) => {
            tracing::warn!(provider = %model.provider.name, error = %err, "provider unreachable");
            return with_labels(
                ApiError::ProviderUnreachable(model.name.to_string()),
                labels,
            );
        }
        Ok(Ok(response)) => response,
    };

    let status = response.status();
    match status.as_u16() {
        503 => {
            return with_labels(
                ApiError::ProviderUnavailable(model.name.to_string()),
                labels,
            );
        }
        504 => return with_labels(ApiError::ProviderTimeout(model.provider.timeout), labels),
        500..=599 => return with_labels(ApiError::ProviderFailed(status.as_u16()), labels),
        _ => {}
    }

    let headers = response_headers(response.headers());
    let mut out = Response::new(Body::from_stream(response.bytes_stream()));
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    out.extensions_mut().insert(labels);
    out
}

fn with_labels(error: ApiError, labels: RequestLabels) -> Response {
    let mut response = error.into_response();
    response.extensions_mut().insert(labels);
    response
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
