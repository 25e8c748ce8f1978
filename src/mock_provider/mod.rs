//! An OpenAI-compatible mock provider, shipped for tests, the demo and benchmarks.
//!
//! It serves `GET /v1/models`, `POST /v1/chat/completions` (JSON, or server-sent events with a
//! configurable number of chunks and delay per chunk) and `POST /v1/embeddings`, answering
//! instantly unless told otherwise. Faults are chosen per request, so one mock serves every
//! failure test: the `x-mock-fault` header, or a model name `fault-<kind>`, with kinds
//! `400`, `429`, `500`, `503`, `hang` (never answers) and `drop` (a stream that breaks off
//! mid-way). `--not-http` turns the whole listener into one that answers raw garbage.
//!
//! `GET /_mock/stats` reports what it has seen, including the headers of the latest request,
//! so that tests can check what a gateway forwarded.

mod chat;
mod fault;
mod stats;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

pub use fault::Fault;
pub use stats::Stats;

/// Options of `control-layer mock-provider`.
#[derive(Debug, Clone, clap::Args)]
pub struct MockConfig {
    /// Address to listen on.
    #[arg(long, env = "MOCK_PROVIDER_LISTEN", default_value = "127.0.0.1:8001")]
    pub listen: SocketAddr,

    /// Delay before every answer (before the first chunk, for streams), in milliseconds.
    #[arg(long, env = "MOCK_PROVIDER_LATENCY_MS", default_value_t = 0)]
    pub latency_ms: u64,

    /// Content chunks per streamed chat completion.
    #[arg(long, env = "MOCK_PROVIDER_CHUNKS", default_value_t = 8)]
    pub chunks: u32,

    /// Delay between streamed chunks, in milliseconds.
    #[arg(long, env = "MOCK_PROVIDER_CHUNK_DELAY_MS", default_value_t = 0)]
    pub chunk_delay_ms: u64,

    /// Require `Authorization: Bearer <this>` on every request, as a real provider would.
    #[arg(long, env = "MOCK_PROVIDER_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,

    /// Model ids listed by `GET /v1/models` (any model name is accepted for calls).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "mock-chat,mock-embedding"
    )]
    pub models: Vec<String>,

    /// Answer every connection with bytes that are not HTTP, then close it.
    #[arg(long)]
    pub not_http: bool,

    /// Log filter.
    #[arg(long = "log", env = "RUST_LOG", default_value = "warn")]
    pub log_filter: String,
}

impl MockConfig {
    /// Defaults, listening on an ephemeral loopback port: for tests.
    pub fn for_tests() -> Self {
        MockConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            latency_ms: 0,
            chunks: 8,
            chunk_delay_ms: 0,
            api_key: None,
            models: vec!["mock-chat".into(), "mock-embedding".into()],
            not_http: false,
            log_filter: "warn".into(),
        }
    }
}

/// Shared by the handlers.
#[derive(Clone)]
struct Mock {
    config: Arc<MockConfig>,
    stats: Arc<Stats>,
}

/// Binds `config.listen` and serves until the process ends.
pub async fn run(config: MockConfig) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "mock provider listening");
    println!(
        "mock provider listening on http://{}/v1",
        listener.local_addr()?
    );
    serve(listener, config, Arc::new(Stats::default())).await?;
    Ok(())
}

/// Serves on an already bound listener; tests keep `stats` to look inside.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: MockConfig,
    stats: Arc<Stats>,
) -> std::io::Result<()> {
    if config.not_http {
        return fault::serve_not_http(listener).await;
    }
    let app = router(config, stats);
    axum::serve(listener, app).await
}

fn router(config: MockConfig, stats: Arc<Stats>) -> Router {
    let mock = Mock {
        config: Arc::new(config),
        stats,
    };
    Router::new()
        .route("/v1/models", get(models))
        .route("/v1/chat/completions", post(chat::completions))
        .route("/v1/embeddings", post(embeddings))
        .route("/_mock/stats", get(stats::report))
        .with_state(mock)
}

impl Mock {
    /// Everything every call goes through: counting, the key check, latency and faults.
    async fn admit(
        &self,
        headers: &HeaderMap,
        body: Option<&Value>,
    ) -> Result<Option<Fault>, Response> {
        self.stats.record(headers);

        if let Some(expected) = &self.config.api_key {
            let given = headers.get("authorization").and_then(|v| v.to_str().ok());
            if given != Some(format!("Bearer {expected}").as_str()) {
                return Err(error(
                    StatusCode::UNAUTHORIZED,
                    "Incorrect API key provided.",
                ));
            }
        }

        let latency = headers
            .get("x-mock-latency-ms")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(self.config.latency_ms);
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }

        let model = body.and_then(|b| b.get("model")).and_then(Value::as_str);
        let fault = Fault::requested(headers, model);
        match fault {
            Some(fault) => fault.respond().await.map(|()| Some(fault)),
            None => Ok(None),
        }
    }
}

/// An error in OpenAI's envelope, as a real provider sends it.
fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({
        "error": { "message": message, "type": "invalid_request_error", "param": null, "code": null }
    });
    (status, Json(body)).into_response()
}

async fn models(State(mock): State<Mock>, headers: HeaderMap) -> Response {
    if let Err(response) = mock.admit(&headers, None).await {
        return response;
    }
    let data: Vec<Value> = mock
        .config
        .models
        .iter()
        .map(|id| json!({ "id": id, "object": "model", "created": 0, "owned_by": "mock" }))
        .collect();
    Json(json!({ "object": "list", "data": data })).into_response()
}

async fn embeddings(
    State(mock): State<Mock>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "The body is not valid JSON.");
    };
    if let Err(response) = mock.admit(&headers, Some(&body)).await {
        return response;
    }

    let inputs: Vec<String> = match body.get("input") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect(),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "'input' must be a string or an array.",
            );
        }
    };
    // Like OpenAI: floats by default, or little-endian f32 bytes in base64 when asked.
    let as_base64 = body.get("encoding_format").and_then(Value::as_str) == Some("base64");
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let vector = embed(text);
            let embedding = if as_base64 {
                let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
                Value::String(base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    bytes,
                ))
            } else {
                json!(vector)
            };
            json!({ "object": "embedding", "index": index, "embedding": embedding })
        })
        .collect();
    let tokens: usize = inputs.iter().map(|t| chat::count_words(t)).sum();
    Json(json!({
        "object": "list",
        "data": data,
        "model": body.get("model").cloned().unwrap_or(Value::Null),
        "usage": { "prompt_tokens": tokens, "total_tokens": tokens },
    }))
    .into_response()
}

/// A small deterministic vector for `text`: the same text always embeds the same.
fn embed(text: &str) -> Vec<f32> {
    let mut vector = [0f32; 8];
    for (i, byte) in text.bytes().enumerate() {
        vector[i % 8] += f32::from(byte) / 255.0;
    }
    let norm = vector
        .iter()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt()
        .max(f32::EPSILON);
    vector.iter().map(|x| x / norm).collect()
}
