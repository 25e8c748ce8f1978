//! The mock provider behaves like an OpenAI-compatible upstream, and fails on request.

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::TestMock;
use futures::StreamExt;
use serde_json::{Value, json};

fn chat(stream: bool) -> Value {
    json!({
        "model": "mock-chat",
        "messages": [{ "role": "user", "content": "say hello to me" }],
        "stream": stream,
    })
}

#[tokio::test]
async fn chat_completions_answer_with_usage() {
    let mock = TestMock::start(|c| c.chunks = 5).await;
    let client = reqwest::Client::new();
    let body: Value = client
        .post(format!("{}/chat/completions", mock.base))
        .json(&chat(false))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "Hello from the mock provider"
    );
    assert_eq!(body["usage"]["prompt_tokens"], 4);
    assert_eq!(body["usage"]["completion_tokens"], 5);
}

/// Posts `body` to `url`, asking the mock for `fault`.
async fn with_fault(url: &str, fault: &str, body: &Value) -> reqwest::Response {
    let client = reqwest::Client::new();
    client
        .post(url)
        .header("x-mock-fault", fault)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Reads a whole SSE body and returns the `data:` payloads.
async fn sse_events(response: reqwest::Response) -> Vec<String> {
    let text = response.text().await.unwrap();
    text.split("\n\n")
        .filter_map(|event| event.strip_prefix("data: "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn streams_send_role_content_stop_and_done() {
    let mock = TestMock::start(|c| c.chunks = 3).await;
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", mock.base))
        .json(&chat(true))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let events = sse_events(response).await;

    // role, 3 content chunks, finish, [DONE]; no usage chunk unless asked for.
    assert_eq!(events.len(), 6, "{events:?}");
    assert_eq!(events.last().unwrap(), "[DONE]");
    let content: String = events[1..4]
        .iter()
        .map(|e| serde_json::from_str::<Value>(e).unwrap())
        .map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(content, "Hello from the");
    assert!(!events.iter().any(|e| e.contains("\"usage\"")));
    assert_eq!(mock.stats.streams_completed.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn include_usage_adds_a_final_usage_chunk() {
    let mock = TestMock::start(|c| c.chunks = 2).await;
    let mut request = chat(true);
    request["stream_options"] = json!({ "include_usage": true });
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", mock.base))
        .json(&request)
        .send()
        .await
        .unwrap();
    let events = sse_events(response).await;
    let usage: Value = serde_json::from_str(&events[events.len() - 2]).unwrap();
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["completion_tokens"], 2);
}

#[tokio::test]
async fn chunks_are_spaced_by_the_configured_delay() {
    let mock = TestMock::start(|c| {
        c.chunks = 3;
        c.chunk_delay_ms = 100;
    })
    .await;
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", mock.base))
        .json(&chat(true))
        .send()
        .await
        .unwrap();
    let mut stream = response.bytes_stream();
    let first = stream.next().await.unwrap().unwrap();
    let first_at = started.elapsed();
    while stream.next().await.is_some() {}
    let total = started.elapsed();

    assert!(String::from_utf8_lossy(&first).contains("assistant"));
    // Two waits of 100 ms between the three content chunks; the first chunk does not wait.
    assert!(
        first_at < Duration::from_millis(100),
        "first chunk at {first_at:?}"
    );
    assert!(total >= Duration::from_millis(200), "stream took {total:?}");
}

#[tokio::test]
async fn a_reader_that_goes_away_is_counted_as_a_cancelled_stream() {
    let mock = TestMock::start(|c| {
        c.chunks = 50;
        c.chunk_delay_ms = 20;
    })
    .await;
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", mock.base))
        .json(&chat(true))
        .send()
        .await
        .unwrap();
    let mut stream = response.bytes_stream();
    stream.next().await.unwrap().unwrap();
    drop(stream);

    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.stats.streams_cancelled.load(Ordering::Relaxed) == 0 {
        assert!(
            Instant::now() < deadline,
            "the mock never noticed the disconnect"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(mock.stats.streams_completed.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn embeddings_are_deterministic_unit_vectors() {
    let mock = TestMock::start(|_| {}).await;
    let client = reqwest::Client::new();
    let embed = |input: Value| {
        client
            .post(format!("{}/embeddings", mock.base))
            .json(&json!({ "model": "mock-embedding", "input": input }))
            .send()
    };
    let a: Value = embed(json!(["one", "two"]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b: Value = embed(json!("one")).await.unwrap().json().await.unwrap();
    assert_eq!(a["data"].as_array().unwrap().len(), 2);
    assert_eq!(a["data"][0]["embedding"], b["data"][0]["embedding"]);
    let norm: f64 = b["data"][0]["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap().powi(2))
        .sum();
    assert!((norm - 1.0).abs() < 1e-3);
}

#[tokio::test]
async fn faults_are_chosen_by_header_or_model_name() {
    let mock = TestMock::start(|_| {}).await;
    let client = reqwest::Client::new();
    let url = format!("{}/chat/completions", mock.base);

    let by_header = with_fault(&url, "503", &chat(false)).await;
    assert_eq!(by_header.status(), 503);

    let mut request = chat(false);
    request["model"] = json!("fault-400");
    let by_model = client.post(&url).json(&request).send().await.unwrap();
    assert_eq!(by_model.status(), 400);
    let body: Value = by_model.json().await.unwrap();
    assert!(body["error"]["message"].is_string());

    let limited = with_fault(&url, "429", &chat(false)).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "1");
}

#[tokio::test]
async fn hang_never_answers_and_drop_breaks_the_stream() {
    let mock = TestMock::start(|_| {}).await;
    let client = reqwest::Client::new();
    let url = format!("{}/chat/completions", mock.base);

    let hang = client
        .post(&url)
        .header("x-mock-fault", "hang")
        .timeout(Duration::from_millis(300))
        .json(&chat(false))
        .send()
        .await;
    assert!(hang.unwrap_err().is_timeout());

    let dropped = with_fault(&url, "drop", &chat(true)).await;
    assert_eq!(dropped.status(), 200);
    assert!(dropped.text().await.is_err(), "the body breaks off");
}

#[tokio::test]
async fn a_configured_key_is_required() {
    let mock = TestMock::start(|c| c.api_key = Some("upstream-secret".into())).await;
    let client = reqwest::Client::new();
    let url = format!("{}/models", mock.base);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 401);
    let ok = client
        .get(&url)
        .bearer_auth("upstream-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["data"][0]["id"], "mock-chat");
    assert_eq!(
        mock.stats
            .last_headers()
            .iter()
            .find(|(k, _)| k == "authorization")
            .unwrap()
            .1,
        "Bearer upstream-secret"
    );
}

#[tokio::test]
async fn not_http_mode_answers_garbage() {
    let mock = TestMock::start(|c| c.not_http = true).await;
    let result = reqwest::Client::new()
        .get(format!("{}/models", mock.base))
        .send()
        .await;
    assert!(result.is_err());
}
