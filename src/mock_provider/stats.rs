//! What the mock provider has seen, for tests to inspect through `GET /_mock/stats`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::Mock;

/// Counters and the latest request's headers.
#[derive(Debug, Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub streams_started: AtomicU64,
    pub streams_completed: AtomicU64,
    /// Streams whose reader went away before the last chunk.
    pub streams_cancelled: AtomicU64,
    last_headers: Mutex<Vec<(String, String)>>,
}

impl Stats {
    pub fn record(&self, headers: &HeaderMap) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let pairs = headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        if let Ok(mut last) = self.last_headers.lock() {
            *last = pairs;
        }
    }

    /// The headers of the latest request, names lower-cased.
    pub fn last_headers(&self) -> Vec<(String, String)> {
        self.last_headers
            .lock()
            .map(|h| h.clone())
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .last_headers()
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        json!({
            "requests": self.requests.load(Ordering::Relaxed),
            "streams_started": self.streams_started.load(Ordering::Relaxed),
            "streams_completed": self.streams_completed.load(Ordering::Relaxed),
            "streams_cancelled": self.streams_cancelled.load(Ordering::Relaxed),
            "last_request_headers": headers,
        })
    }
}

pub async fn report(State(mock): State<Mock>) -> Json<Value> {
    Json(mock.stats.to_json())
}
