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
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::Full;

use std::time::Instant;

use super::body::Members;
use super::usage::{Routing, Scan};
use super::{ApiError, ProxyState};
use crate::catalog::{KeyEntry, Resolution};

/// Hop-by-hop headers (RFC 9110, 7.6.1): they describe one connection and are never passed
/// on, in either direction. Names, not strings, so that removing them parses nothing.
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// Request headers that never go upstream besides those: the client's credentials, and what
/// the proxy sets itself.
const DROPPED_REQUEST_HEADERS: [HeaderName; 6] = [
    header::HOST,
    header::AUTHORIZATION,
    header::COOKIE,
    header::CONTENT_LENGTH,
    HeaderName::from_static("x-api-key"),
    HeaderName::from_static("api-key"),
];

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Forwards `request` for `key`; the answer, and what was learned on the way (for the usage
/// record, the metrics and the log line).
pub async fn forward(proxy: &ProxyState, key: &KeyEntry, request: Request) -> (Response, Routing) {
    let mut routing = Routing::default();
    let response = match send(proxy, key, request, &mut routing).await {
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
    (response, routing)
}

/// Forwards `request` and returns the provider's answer, noting in `routing` what it learns
/// on the way.
async fn send(
    proxy: &ProxyState,
    key: &KeyEntry,
    request: Request,
    routing: &mut Routing,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
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
    let model = match proxy.catalog.snapshot().models.resolve(&key.user_id, &name) {
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
        && proxy.telemetry.usage.is_enabled()
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

    let provider = &model.provider;
    let query = parts.uri.query();
    let mut url = String::with_capacity(
        provider.base_url.len() + sub_path.len() + query.map_or(0, |q| q.len() + 1),
    );
    url.push_str(&provider.base_url);
    url.push_str(sub_path);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    let uri =
        Uri::try_from(url).map_err(|_| ApiError::ProviderUnreachable(model.name.to_string()))?;

    let mut headers = parts.headers;
    for name in HOP_BY_HOP.iter().chain(&DROPPED_REQUEST_HEADERS) {
        headers.remove(name);
    }
    headers.insert(header::CONTENT_TYPE, APPLICATION_JSON);
    if let Some(authorization) = &provider.authorization {
        headers.insert(header::AUTHORIZATION, authorization.clone());
    }
    let mut upstream = hyper::Request::new(Full::new(body));
    *upstream.method_mut() = parts.method;
    *upstream.uri_mut() = uri;
    *upstream.headers_mut() = headers;

    let timeout = provider.timeout;
    let sent = Instant::now();
    let response = tokio::time::timeout(timeout, proxy.client.request(upstream)).await;
    routing.upstream_head = Some(sent.elapsed());
    let response = match response {
        Err(_) => return Err(ApiError::ProviderTimeout(timeout)),
        Ok(Err(err)) => {
            tracing::warn!(provider = %provider.name, error = %err, "provider unreachable");
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
    // The provider's head and body as they are, less what must not reach the client: the
    // hop-by-hop headers, and cookies (the gateway's clients are not the provider's).
    let (mut head, body) = response.into_parts();
    for name in HOP_BY_HOP.iter().chain([&header::SET_COOKIE]) {
        head.headers.remove(name);
    }
    Ok(Response::from_parts(head, Body::new(body)))
}
