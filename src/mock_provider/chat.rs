//! `POST /v1/chat/completions`: a JSON answer, or a stream of server-sent events.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::stream;
use serde_json::{Value, json};

use super::{Fault, Mock, Stats, error};

/// The words a completion is made of, cycled: one word per streamed chunk.
const WORDS: [&str; 8] = [
    "Hello",
    " from",
    " the",
    " mock",
    " provider",
    ",",
    " friend",
    ".",
];

/// Rough token count: whitespace-separated words, at least one for non-empty text.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .count()
        .max(usize::from(!text.is_empty()))
}

pub async fn completions(State(mock): State<Mock>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "The body is not valid JSON.");
    };
    let fault = match mock.admit(&headers, Some(&request)).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };

    let completion = Completion {
        model: request
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or("mock-chat")
            .to_owned(),
        prompt_tokens: prompt_tokens(&request),
        chunks: header_number(&headers, "x-mock-chunks")
            .unwrap_or(mock.config.chunks)
            .max(1),
        created: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    };
    let drop = fault == Some(Fault::Drop);

    if request.get("stream").and_then(Value::as_bool) == Some(true) {
        let delay =
            header_number(&headers, "x-mock-chunk-delay-ms").unwrap_or(mock.config.chunk_delay_ms);
        let include_usage = request
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let events = completion.events(include_usage);
        return stream_events(
            events,
            Duration::from_millis(delay),
            drop,
            mock.stats.clone(),
        );
    }

    let body = serde_json::to_vec(&completion.json()).unwrap_or_default();
    if drop {
        let half = Bytes::copy_from_slice(&body[..body.len() / 2]);
        return (
            [(header::CONTENT_TYPE, "application/json")],
            broken_body(half),
        )
            .into_response();
    }
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A body that sends `first`, pauses so that it reaches the reader, then breaks off.
fn broken_body(first: Bytes) -> Body {
    let parts = stream::unfold(Some(Some(first)), |state| async move {
        match state? {
            Some(bytes) => Some((Ok(bytes), Some(None))),
            None => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Some((Err(std::io::Error::other("mock fault: dropped")), None))
            }
        }
    });
    Body::from_stream(parts)
}

fn header_number<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok()?.parse().ok())
}

fn prompt_tokens(request: &Value) -> usize {
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return 0;
    };
    messages
        .iter()
        .filter_map(|m| m.get("content").and_then(Value::as_str))
        .map(count_words)
        .sum()
}

struct Completion {
    model: String,
    prompt_tokens: usize,
    chunks: u32,
    created: u64,
}

impl Completion {
    fn text(&self) -> String {
        (0..self.chunks as usize)
            .map(|i| WORDS[i % WORDS.len()])
            .collect()
    }

    fn usage(&self) -> Value {
        let completion = self.chunks as usize;
        json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        })
    }

    fn json(&self) -> Value {
        json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [{
                "index": 0,
                "message": { "role": "assistant", "content": self.text() },
                "finish_reason": "stop",
            }],
            "usage": self.usage(),
        })
    }

    fn chunk(&self, delta: Value, finish_reason: Option<&str>) -> Value {
        json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{ "index": 0, "delta": delta, "finish_reason": finish_reason }],
        })
    }

    /// Every event of the stream, in order; the content chunks are the ones that get delays.
    fn events(&self, include_usage: bool) -> Vec<Bytes> {
        let mut events = vec![self.chunk(json!({ "role": "assistant", "content": "" }), None)];
        for i in 0..self.chunks as usize {
            events.push(self.chunk(json!({ "content": WORDS[i % WORDS.len()] }), None));
        }
        events.push(self.chunk(json!({}), Some("stop")));
        if include_usage {
            // Like OpenAI: every chunk then has `"usage": null`, and a last one the usage.
            for event in &mut events {
                event["usage"] = Value::Null;
            }
            let mut last = self.chunk(json!({}), None);
            last["choices"] = json!([]);
            last["usage"] = self.usage();
            events.push(last);
        }

        let mut bytes: Vec<Bytes> = events
            .iter()
            .map(|e| Bytes::from(format!("data: {e}\n\n")))
            .collect();
        bytes.push(Bytes::from_static(b"data: [DONE]\n\n"));
        bytes
    }
}

/// Counts a stream as cancelled if it is dropped before its last event was taken.
struct StreamGuard {
    stats: Arc<Stats>,
    finished: std::cell::Cell<bool>,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let counter = if self.finished.get() {
            &self.stats.streams_completed
        } else {
            &self.stats.streams_cancelled
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

fn stream_events(events: Vec<Bytes>, delay: Duration, drop: bool, stats: Arc<Stats>) -> Response {
    stats.streams_started.fetch_add(1, Ordering::Relaxed);
    let guard = StreamGuard {
        stats,
        finished: std::cell::Cell::new(false),
    };
    let break_at = if drop { events.len() / 2 } else { usize::MAX };

    let body = stream::unfold(
        (events, 0usize, guard),
        move |(events, i, guard)| async move {
            if i == break_at {
                // Let what was sent so far reach the reader before the connection breaks.
                tokio::time::sleep(Duration::from_millis(20)).await;
                let after_break = events.len() + 1;
                return Some((
                    Err(std::io::Error::other("mock fault: dropped")),
                    (events, after_break, guard),
                ));
            }
            if i > events.len() {
                return None;
            }
            if i == events.len() {
                guard.finished.set(true);
                return None;
            }
            // The role chunk goes out at once; each content chunk after the first waits.
            if i >= 2 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let event = events[i].clone();
            Some((Ok::<_, std::io::Error>(event), (events, i + 1, guard)))
        },
    );

    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(body),
    )
        .into_response()
}
