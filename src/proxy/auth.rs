//! Authentication and rate limiting of `/ai/v1` requests, from the catalog alone.

use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use super::routes::Endpoint;
use super::usage::Routing;
use super::{ApiError, ProxyState, forward, models};
use crate::catalog::{Decision, KeyEntry, api_key};
use crate::control::storage::now_ms;

/// A request that got past authentication: it leaves a usage record.
pub struct Served {
    pub key: Arc<KeyEntry>,
    /// When it arrived, in milliseconds since the epoch.
    pub at_ms: i64,
    /// What forwarding learned (nothing for the model list).
    pub routing: Routing,
}

/// Refuses requests without a valid key (401) or over its rate limit (429), and serves the
/// others; `None` beside the answer when the request was not authenticated.
pub async fn serve(
    proxy: &ProxyState,
    request: Request,
    endpoint: Endpoint<'_>,
) -> (Response, Option<Served>) {
    let at_ms = now_ms();
    let key = match bearer_key(request.headers()).and_then(|secret| {
        proxy
            .catalog
            .authenticate(secret, at_ms)
            .ok_or(ApiError::UnknownKey)
    }) {
        Ok(key) => key,
        Err(err) => {
            let status = err.status();
            proxy
                .telemetry
                .metrics
                .requests
                .with_label_values(&["", status.as_str()])
                .inc();
            return (err.into_response(), None);
        }
    };

    let decision = key.check_rate_limit();
    let (mut response, routing) = match decision {
        Decision::Limited {
            retry_after_secs, ..
        } => {
            proxy.telemetry.metrics.rate_limited.inc();
            let refusal = ApiError::RateLimited { retry_after_secs };
            (refusal.into_response(), Routing::default())
        }
        Decision::Allowed { .. } | Decision::Unlimited => match endpoint {
            Endpoint::ListModels => (models::list(proxy, &key), Routing::default()),
            Endpoint::GetModel(name) => (models::get(proxy, &key, &name), Routing::default()),
            Endpoint::Forward => forward::forward(proxy, &key, request).await,
        },
    };

    rate_limit_headers(response.headers_mut(), decision);
    let served = Served {
        key,
        at_ms,
        routing,
    };
    (response, Some(served))
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
