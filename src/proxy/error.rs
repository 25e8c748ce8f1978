//! Errors of the `/ai/v1` API, answered in OpenAI's envelope:
//! `{"error": {"message", "type", "param", "code"}}`.
//!
//! Each message tells the caller what to do next. No message ever contains a key, in whole or
//! in part, nor anything the caller sent in the body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What went wrong with an `/ai/v1` request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(
        "No API key provided. Send your key in the Authorization header as \
         'Authorization: Bearer <key>'; create one under API Keys in the console."
    )]
    MissingKey,
    #[error(
        "The Authorization header does not hold a valid API key. Send 'Authorization: Bearer \
         <key>' with the whole key as shown when it was created (it starts with 'sk-cl-')."
    )]
    MalformedKey,
    #[error(
        "Incorrect API key provided. The key is unknown or has been deleted; check that you \
         copied it whole, or create a new one under API Keys in the console."
    )]
    UnknownKey,
    #[error(
        "Rate limit reached for this API key. Retry after {retry_after_secs} second(s), or ask \
         for a key with a higher limit."
    )]
    RateLimited { retry_after_secs: u64 },
    #[error("The model '{0}' does not exist. GET /ai/v1/models lists the models you can use.")]
    UnknownModel(String),
    #[error(
        "Your API key may not use the model '{0}': none of your groups grants it. Ask an \
         admin for access, or see GET /ai/v1/models for the models you can use."
    )]
    ModelForbidden(String),
    #[error("The request body is not valid JSON. Send a JSON object with a 'model' field.")]
    NotJson,
    #[error("The request body has no 'model'. Name the model to use, e.g. \"model\": \"…\".")]
    MissingModel,
    #[error("The request body is larger than this gateway accepts ({0} bytes).")]
    BodyTooLarge(usize),
    #[error("The provider of the model '{0}' could not be reached. Try again later.")]
    ProviderUnreachable(String),
    #[error("The provider of the model '{0}' is overloaded or unavailable. Try again later.")]
    ProviderUnavailable(String),
    #[error("The provider did not answer within {} s. Try again later.", .0.as_secs_f64())]
    ProviderTimeout(std::time::Duration),
    #[error("The provider failed with status {0}. Try again later.")]
    ProviderFailed(u16),
    #[error("Unknown API route {method} {path}. See GET /ai/v1/models for what you can call.")]
    UnknownRoute { method: String, path: String },
    #[error("{method} is not supported on {path}.")]
    MethodNotAllowed { method: String, path: String },
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MissingKey | ApiError::MalformedKey | ApiError::UnknownKey => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::UnknownModel(_) | ApiError::UnknownRoute { .. } => StatusCode::NOT_FOUND,
            ApiError::ModelForbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotJson | ApiError::MissingModel => StatusCode::BAD_REQUEST,
            ApiError::BodyTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::ProviderUnreachable(_) | ApiError::ProviderFailed(_) => {
                StatusCode::BAD_GATEWAY
            }
            ApiError::ProviderUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::ProviderTimeout(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// For failures of the provider, the kind the `upstream_errors_total` metric counts.
    pub fn upstream_kind(&self) -> Option<&'static str> {
        match self {
            ApiError::ProviderUnreachable(_) => Some("unreachable"),
            ApiError::ProviderUnavailable(_) => Some("unavailable"),
            ApiError::ProviderTimeout(_) => Some("timeout"),
            ApiError::ProviderFailed(_) => Some("status_5xx"),
            _ => None,
        }
    }

    /// OpenAI's `type` field.
    fn kind(&self) -> &'static str {
        match self {
            ApiError::RateLimited { .. } => "requests",
            ApiError::ModelForbidden(_) => "permission_error",
            ApiError::ProviderUnreachable(_)
            | ApiError::ProviderUnavailable(_)
            | ApiError::ProviderTimeout(_)
            | ApiError::ProviderFailed(_) => "server_error",
            _ => "invalid_request_error",
        }
    }

    /// OpenAI's `code` field: a stable, machine-readable name.
    fn code(&self) -> &'static str {
        match self {
            ApiError::MissingKey => "missing_api_key",
            ApiError::MalformedKey | ApiError::UnknownKey => "invalid_api_key",
            ApiError::RateLimited { .. } => "rate_limit_exceeded",
            ApiError::UnknownModel(_) => "model_not_found",
            ApiError::ModelForbidden(_) => "model_not_allowed",
            ApiError::NotJson => "invalid_json",
            ApiError::MissingModel => "missing_model",
            ApiError::BodyTooLarge(_) => "body_too_large",
            ApiError::ProviderUnreachable(_) => "provider_unreachable",
            ApiError::ProviderUnavailable(_) => "provider_unavailable",
            ApiError::ProviderTimeout(_) => "provider_timeout",
            ApiError::ProviderFailed(_) => "provider_error",
            ApiError::UnknownRoute { .. } => "unknown_url",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "message": self.to_string(),
                "type": self.kind(),
                "param": null,
                "code": self.code(),
            }
        });
        (self.status(), axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_of(err: ApiError) -> (StatusCode, serde_json::Value) {
        let response = err.into_response();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn errors_use_the_openai_envelope() {
        let (status, body) = body_of(ApiError::UnknownKey).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let error = &body["error"];
        assert_eq!(error["type"], "invalid_request_error");
        assert_eq!(error["code"], "invalid_api_key");
        assert!(error["param"].is_null());
        assert!(error["message"].as_str().unwrap().contains("API Keys"));
    }

    #[tokio::test]
    async fn unknown_routes_name_the_route() {
        let err = ApiError::UnknownRoute {
            method: "GET".into(),
            path: "/ai/v1/nope".into(),
        };
        let (status, body) = body_of(err).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("GET /ai/v1/nope")
        );
    }
}
