//! Faults the mock provider can be asked to produce, for testing how a gateway copes.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt;

use super::error;

/// A failure to act out instead of a normal answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 400 with OpenAI's envelope, as for an invalid request.
    BadRequest,
    /// 429, as when the provider's own quota is exhausted.
    TooManyRequests,
    /// 500.
    Internal,
    /// 503, as when the provider is overloaded.
    Unavailable,
    /// Accept the request and never answer.
    Hang,
    /// Start a stream (or a JSON body) and break the connection off part-way.
    Drop,
}

impl Fault {
    /// Parses a fault name: `400`, `429`, `500`, `503`, `hang` or `drop`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "400" => Some(Fault::BadRequest),
            "429" => Some(Fault::TooManyRequests),
            "500" => Some(Fault::Internal),
            "503" => Some(Fault::Unavailable),
            "hang" => Some(Fault::Hang),
            "drop" => Some(Fault::Drop),
            _ => None,
        }
    }

    /// The fault a request asks for: the `x-mock-fault` header, else a `fault-<kind>` model.
    pub fn requested(headers: &HeaderMap, model: Option<&str>) -> Option<Self> {
        let from_header = headers.get("x-mock-fault").and_then(|v| v.to_str().ok());
        let from_model = model.and_then(|m| m.strip_prefix("fault-"));
        from_header.or(from_model).and_then(Fault::parse)
    }

    /// Acts the fault out: an error response, a hang, or `Ok` when the handler must do it.
    pub async fn respond(self) -> Result<(), Response> {
        match self {
            Fault::BadRequest => Err(error(
                StatusCode::BAD_REQUEST,
                "Invalid request (mock fault).",
            )),
            Fault::TooManyRequests => {
                let mut response = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Rate limit reached (mock fault).",
                );
                response.headers_mut().insert("retry-after", 1.into());
                Err(response)
            }
            Fault::Internal => Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error (mock fault).",
            )),
            Fault::Unavailable => Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "The server is overloaded (mock fault).",
            )
                .into_response()),
            Fault::Hang => std::future::pending().await,
            Fault::Drop => Ok(()),
        }
    }
}

/// Answers every connection with a line that is not HTTP, then closes it.
pub async fn serve_not_http(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = socket.write_all(b"this is not HTTP\r\n\r\n").await;
            let _ = socket.shutdown().await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_header_wins_over_the_model_name() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            Fault::requested(&headers, Some("fault-503")),
            Some(Fault::Unavailable)
        );
        headers.insert("x-mock-fault", HeaderValue::from_static("hang"));
        assert_eq!(
            Fault::requested(&headers, Some("fault-503")),
            Some(Fault::Hang)
        );
    }

    #[test]
    fn ordinary_models_ask_for_no_fault() {
        assert_eq!(Fault::requested(&HeaderMap::new(), Some("mock-chat")), None);
        assert_eq!(
            Fault::requested(&HeaderMap::new(), Some("fault-unknown")),
            None
        );
    }
}
