//! Forwarding a request to the provider of the model it names.
//!
//! The body must be a JSON object with a `model`; the name (or alias) is resolved for the key's
//! owner, rewritten to the upstream name, and the request sent to the provider at the same
//! sub-path with the provider's key. The answer, streamed or not, is passed back as it arrives:
//! bytes are never buffered, and dropping the client's connection drops the upstream request.
//!
//! A streamed chat completion whose client did not ask for usage is sent upstream with
//! `stream_options.include_usage`, so that its tokens can be counted; the usage chunk is then
//! removed from what the client receives (see [`tokens`](super::tokens)).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use std::time::Instant;

use super::auth::AuthenticatedKey;
use super::body::Members;
use super::usage::{Routing, Scan};
use super::{ApiError, ProxyState};
use crate::catalog::Resolution;

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
    let mut routing = Routing::default();
    let mut response = match send(&proxy, request, &mut routing).await {
        Ok(response) => response,
        Err(err) => {
            if let (Some(kind), Some(route)) = (err.upstream_kind(), &routing.route) {
                proxy
                    .telemetry
                    .metrics
                    .upstream_errors
                    .with_label_values(&[&*route.provider.name, kind])
                    .inc();
            }
            err.into_response()
        }
    };
    response.extensions_mut().insert(routing);
    response
}

/// Forwards `request` and returns the provider's answer, noting in `routing` what it learns
/// on the way (for the usage record, the metrics and the log line).
async fn send(
    proxy: &ProxyState,
    request: Request,
    routing: &mut Routing,
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
    let members = Members::parse(&body).ok_or(ApiError::NotJson)?;
    let name = match members.model() {
        Some(model) if !model.is_empty() => model,
        _ => return Err(ApiError::MissingModel),
    };
    routing.requested_model = Some(name.clone());

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
    routing.route = Some(model.clone());

    let sub_path = parts
        .uri
        .path()
        .strip_prefix("/ai/v1")
        .unwrap_or(parts.uri.path());
    routing.streamed = members.streams();
    // Chat completions and completions report usage in a stream only when asked to.
    let ask_for_usage = routing.streamed
        && proxy.usage_enabled
        && sub_path.ends_with("/completions")
        && !members.asks_for_usage();
    routing.scan = Some(if routing.streamed {
        Scan::Sse {
            hide_usage: ask_for_usage,
        }
    } else {
        Scan::Json
    });

    let body = if *model.upstream_name == name && !ask_for_usage {
        body
    } else {
        Bytes::from(members.rewrite(&model.upstream_name, ask_for_usage))
    };

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
    let sent = Instant::now();
    let response = tokio::time::timeout(timeout, upstream.send()).await;
    routing.upstream_head = Some(sent.elapsed());
    let response = match response {
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

    if !status.is_success() {
        routing.scan = None;
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
