//! Authentication and rate limiting of `/ai/v1` requests, from the catalog alone.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use std::sync::Arc;
use std::time::Instant;

use super::{ApiError, ProxyState, usage};
use crate::catalog::{Decision, KeyEntry, api_key};
use crate::control::storage::now_ms;

/// The key a request was authenticated with, for handlers that need its owner.
#[derive(Clone)]
pub struct AuthenticatedKey(pub Arc<KeyEntry>);

/// Middleware: refuses requests without a valid key (401) or over its rate limit (429), and
/// has the usage of the others recorded.
pub async fn authenticate(
    State(proxy): State<ProxyState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let at_ms = now_ms();
    let metrics = &proxy.telemetry.metrics;
    let key = match bearer_key(request.headers()).and_then(|secret| {
        proxy
            .catalog
            .authenticate(secret)
            .ok_or(ApiError::UnknownKey)
    }) {
        Ok(key) => key,
        Err(err) => {
            let status = err.status();
            metrics
                .requests
                .with_label_values(&["", status.as_str()])
                .inc();
            return err.into_response();
        }
    };

    let decision = key.check_rate_limit();
    let mut response = match decision {
        Decision::Limited {
            retry_after_secs, ..
        } => {
            metrics.rate_limited.inc();
            ApiError::RateLimited { retry_after_secs }.into_response()
        }
        Decision::Allowed { .. } | Decision::Unlimited => {
            request
                .extensions_mut()
                .insert(AuthenticatedKey(key.clone()));
            next.run(request).await
        }
    };

    rate_limit_headers(response.headers_mut(), decision);
    usage::observe(response, &proxy.telemetry, &key, started, at_ms)
}

fn rate_limit_headers(headers: &mut HeaderMap, decision: Decision) {
    let (limit, remaining, retry_after) = match decision {
        Decision::Unlimited => return,
        Decision::Allowed { limit, remaining } => (limit, remaining, None),
        Decision::Limited {
            limit,
            retry_after_secs,
        } => (limit, 0, Some(retry_after_secs)),
    };
    headers.insert("x-ratelimit-limit-requests", HeaderValue::from(limit));
    headers.insert(
        "x-ratelimit-remaining-requests",
        HeaderValue::from(remaining),
    );
    if let Some(secs) = retry_after {
        headers.insert("retry-after", HeaderValue::from(secs));
    }
}

/// The key in the request's `Authorization` header, checked for shape but not yet looked up.
pub fn bearer_key(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers.get(AUTHORIZATION).ok_or(ApiError::MissingKey)?;
    let value = value.to_str().map_err(|_| ApiError::MalformedKey)?.trim();
    let (scheme, key) = value.split_once(' ').ok_or(ApiError::MalformedKey)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::MalformedKey);
    }

    let key = key.trim();
    if !api_key::is_well_formed(key) {
        return Err(ApiError::MalformedKey);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_bearer_key_of_the_right_shape_is_accepted() {
        let secret = api_key::generate().secret;
        let h = headers(&format!("Bearer {secret}"));
        assert_eq!(bearer_key(&h).unwrap(), secret);
        let h = headers(&format!("bearer   {secret}  "));
        assert_eq!(bearer_key(&h).unwrap(), secret);
    }

    #[test]
    fn a_missing_header_is_missing() {
        assert!(matches!(
            bearer_key(&HeaderMap::new()),
            Err(ApiError::MissingKey)
        ));
    }

    #[test]
    fn other_schemes_and_shapes_are_malformed() {
        for value in [
            "Basic dXNlcjpwYXNz",
            "Bearer sk-openai-123",
            "sk-cl-abc",
            "Bearer sk-cl-a b",
            "Bearer ",
        ] {
            assert!(
                matches!(bearer_key(&headers(value)), Err(ApiError::MalformedKey)),
                "{value} should be malformed"
            );
        }
    }
}
