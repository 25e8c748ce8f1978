//! Usage records and metrics end to end: what a call leaves in the database, streams with and
//! without usage, shutdown, a database that went away, and the Prometheus endpoint.

mod common;

use std::time::Duration;

use common::TestGateway;
use common::setup::{Setup, UPSTREAM_KEY, ok, setup, setup_full};
use serde_json::{Value, json};
use sqlx::Row;

/// A usage record as stored.
#[derive(Debug)]
struct Record {
    key_id: String,
    user_id: String,
    requested_model: String,
    model: String,
    upstream_model: String,
    provider_id: String,
    status: i64,
    ttfb_us: i64,
    latency_us: i64,
    streamed: bool,
    prompt_tokens: Option<i64>,
    completion_tokens: Option<i64>,
}

async fn records(gw: &TestGateway) -> Vec<Record> {
    let rows = sqlx::query(
        "SELECT key_id, user_id, requested_model, model, upstream_model, provider_id,
                CAST(status AS BIGINT) AS status, ttfb_us, latency_us,
                CAST(streamed AS BIGINT) AS streamed, prompt_tokens, completion_tokens
         FROM usage_records ORDER BY at_ms",
    )
    .fetch_all(gw.state.db.pool())
    .await
    .unwrap();
    rows.iter()
        .map(|row| Record {
            key_id: row.get("key_id"),
            user_id: row.get("user_id"),
            requested_model: row.get("requested_model"),
            model: row.get("model"),
            upstream_model: row.get("upstream_model"),
            provider_id: row.get("provider_id"),
            status: row.get("status"),
            ttfb_us: row.get("ttfb_us"),
            latency_us: row.get("latency_us"),
            streamed: row.get::<i64, _>("streamed") != 0,
            prompt_tokens: row.get("prompt_tokens"),
            completion_tokens: row.get("completion_tokens"),
        })
        .collect()
}

/// The records once there are `count` of them (the writer runs every 50 ms in tests).
async fn wait_for_records(gw: &TestGateway, count: usize) -> Vec<Record> {
    for _ in 0..200 {
        let found = records(gw).await;
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "expected {count} usage records, found {:?}",
        records(gw).await
    );
}

fn chat(model: &str, extra: Value) -> Value {
    let mut body = json!({
        "model": model,
        "messages": [{ "role": "user", "content": "please count these five words" }],
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// The `data:` payloads of an event stream, with the volatile `created` removed.
fn events(stream: &str) -> Vec<Value> {
    stream
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| match serde_json::from_str::<Value>(data) {
            Ok(mut event) => {
                event.as_object_mut().unwrap().remove("created");
                event
            }
            Err(_) => Value::String(data.to_owned()),
        })
        .collect()
}

/// Streams straight from the mock, as the gateway would ask it.
async fn stream_from_mock(s: &Setup, body: Value) -> String {
    s.gw.client
        .post(format!("{}/chat/completions", s.mock.base))
        .bearer_auth(UPSTREAM_KEY)
        .json(&body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_chat_completion_leaves_one_record_with_the_providers_token_counts() {
    let s = setup().await;
    let answer = ok(s.chat(chat("fast", json!({}))).await).await;

    let found = wait_for_records(&s.gw, 1).await;
    assert_eq!(found.len(), 1);
    let record = &found[0];
    assert_eq!(record.requested_model, "fast");
    assert_eq!(record.model, "gpt-test");
    assert_eq!(record.upstream_model, "mock-chat");
    assert_eq!(record.provider_id, s.provider_id);
    assert_eq!(record.status, 200);
    assert!(!record.streamed);
    assert_eq!(
        record.prompt_tokens,
        answer["usage"]["prompt_tokens"].as_i64()
    );
    assert_eq!(record.prompt_tokens, Some(5));
    assert_eq!(
        record.completion_tokens,
        answer["usage"]["completion_tokens"].as_i64()
    );
    assert!(record.latency_us >= record.ttfb_us && record.ttfb_us > 0);

    assert!(!record.key_id.is_empty() && !record.user_id.is_empty());
    assert!(
        !record.key_id.contains("sk-cl-"),
        "the record names the key by id"
    );
}

#[tokio::test]
async fn a_stream_that_asked_for_usage_is_counted_from_its_last_chunk() {
    let s = setup().await;
    let body = chat(
        "gpt-test",
        json!({ "stream": true, "stream_options": { "include_usage": true } }),
    );
    let response = s.chat(body).await;
    assert_eq!(response.status(), 200);
    let received = events(&response.text().await.unwrap());
    let usage = received
        .iter()
        .find_map(|e| e.get("usage").filter(|u| !u.is_null()))
        .expect("the client asked for usage and gets it")
        .clone();

    let record = wait_for_records(&s.gw, 1).await.remove(0);
    assert!(record.streamed);
    assert_eq!(record.prompt_tokens, usage["prompt_tokens"].as_i64());
    assert_eq!(
        record.completion_tokens,
        usage["completion_tokens"].as_i64()
    );
    assert!(record.completion_tokens.unwrap() > 0);
}

#[tokio::test]
async fn a_stream_that_did_not_ask_for_usage_gets_exactly_the_providers_chunks_and_is_counted() {
    let s = setup_full(|_| {}, |mock| mock.chunks = 6).await;
    let response = s.chat(chat("gpt-test", json!({ "stream": true }))).await;
    assert_eq!(response.status(), 200);
    let through_gateway = response.text().await.unwrap();

    // What the provider sends a client that does not ask for usage.
    let direct = stream_from_mock(&s, chat("mock-chat", json!({ "stream": true }))).await;
    assert_eq!(events(&through_gateway), events(&direct));
    assert!(!through_gateway.contains("usage"), "{through_gateway}");
    assert!(through_gateway.ends_with("data: [DONE]\n\n"));

    // The gateway asked upstream for usage on the client's behalf and recorded it.
    let with_usage = stream_from_mock(
        &s,
        chat(
            "mock-chat",
            json!({ "stream": true, "stream_options": { "include_usage": true } }),
        ),
    )
    .await;
    let usage = events(&with_usage)
        .into_iter()
        .find_map(|e| e.get("usage").filter(|u| !u.is_null()).cloned())
        .unwrap();
    let record = wait_for_records(&s.gw, 1).await.remove(0);
    assert_eq!(record.prompt_tokens, usage["prompt_tokens"].as_i64());
    assert_eq!(record.completion_tokens, Some(6));
}

#[tokio::test]
async fn refused_calls_are_recorded_with_their_status_and_no_tokens() {
    let s = setup().await;
    let response = s.chat(chat("no-such-model", json!({}))).await;
    assert_eq!(response.status(), 404);
    let record = wait_for_records(&s.gw, 1).await.remove(0);
    assert_eq!(record.status, 404);
    assert_eq!(record.requested_model, "no-such-model");
    assert_eq!(record.model, "");
    assert_eq!(record.upstream_model, "");
    assert_eq!(record.prompt_tokens, None);
}

#[tokio::test]
async fn queued_records_are_written_at_a_graceful_shutdown() {
    // The writer would wait an hour; only the shutdown flush can write these.
    let mut s = setup_full(|c| c.usage_flush_interval_ms = 3_600_000, |_| {}).await;
    for _ in 0..5 {
        ok(s.chat(chat("gpt-test", json!({}))).await).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(records(&s.gw).await.is_empty(), "nothing written yet");

    s.gw.shut_down().await;
    let written = records(&s.gw).await;
    assert_eq!(written.len(), 5);
    assert!(
        written
            .iter()
            .all(|r| r.status == 200 && r.prompt_tokens == Some(5))
    );
}

#[tokio::test]
async fn without_a_database_the_proxy_still_answers_and_counts_what_it_drops() {
    let s = setup_full(|c| c.usage_queue_capacity = 4, |_| {}).await;
    ok(s.chat(chat("gpt-test", json!({}))).await).await;
    wait_for_records(&s.gw, 1).await;

    s.gw.state.db.pool().close().await;
    for _ in 0..20 {
        let response = s.chat(chat("gpt-test", json!({}))).await;
        assert_eq!(response.status(), 200);
    }
    // At most the queue (4) and one batch taken from it (4) are held; the rest is dropped.
    let metrics = scrape(&s.gw).await;
    assert!(value(&metrics, "control_layer_usage_records_dropped_total", &[]) >= 12.0);
    assert_eq!(
        value(
            &metrics,
            "control_layer_requests_total",
            &[("model", "gpt-test"), ("status", "200")]
        ),
        21.0
    );
}

async fn scrape(gw: &TestGateway) -> prometheus_parse::Scrape {
    let text = gw.metrics().await;
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .unwrap_or_else(|err| panic!("metrics do not parse: {err}\n{text}"))
}

/// The value of the sample of `name` with `labels` (0 when there is none yet).
fn value(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .find(|s| {
            s.metric == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(k).is_some_and(|l| l == *v))
        })
        .map_or(0.0, |s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            prometheus_parse::Value::Histogram(ref buckets) => {
                buckets.last().map_or(0.0, |b| b.count)
            }
            _ => 0.0,
        })
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_move_with_traffic() {
    let s = setup().await;
    let before = scrape(&s.gw).await;
    assert_eq!(
        value(
            &before,
            "control_layer_requests_total",
            &[("model", "gpt-test"), ("status", "200")]
        ),
        0.0
    );

    for _ in 0..3 {
        ok(s.chat(chat("gpt-test", json!({}))).await).await;
    }
    let failed =
        s.gw.client
            .post(s.gw.url("/ai/v1/chat/completions"))
            .bearer_auth(&s.key)
            .header("x-mock-fault", "500")
            .json(&chat("gpt-test", json!({})))
            .send()
            .await
            .unwrap();
    assert_eq!(failed.status(), 502);
    let unauthenticated = s.gw.list_models("sk-cl-not-a-key").await;
    assert_eq!(unauthenticated.status(), 401);
    wait_for_records(&s.gw, 4).await;

    let after = scrape(&s.gw).await;
    let ok_calls = [("model", "gpt-test"), ("status", "200")];
    assert_eq!(
        value(&after, "control_layer_requests_total", &ok_calls),
        3.0
    );
    assert_eq!(
        value(
            &after,
            "control_layer_requests_total",
            &[("model", "gpt-test"), ("status", "502")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "control_layer_requests_total",
            &[("model", ""), ("status", "401")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "control_layer_upstream_errors_total",
            &[("provider", "mock"), ("kind", "status_5xx")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "control_layer_request_duration_seconds",
            &[("model", "gpt-test")]
        ),
        4.0
    );
    assert_eq!(
        value(&after, "control_layer_gateway_overhead_seconds", &[]),
        4.0
    );
    assert!(value(&after, "control_layer_usage_records_written_total", &[]) >= 4.0);
}

/// Signs up a second user with a key of their own; returns (session, key).
async fn second_user(s: &Setup) -> (String, String) {
    let session = s.gw.add_user("other@example.com", "other-password").await;
    let created = ok(s
        .gw
        .call_json(
            "create_api_key",
            json!({ "key": { "name": "other-key" } }),
            Some(&session),
        )
        .await)
    .await;
    (session, created["secret"].as_str().unwrap().to_owned())
}

async fn usage(s: &Setup, cookie: Option<&str>, by: &str) -> reqwest::Response {
    s.gw.call_json("usage", json!({ "range": "24h", "by": by }), cookie)
        .await
}

#[tokio::test]
async fn each_user_sees_only_their_own_usage_and_admins_see_everyones() {
    let s = setup().await;
    let user = s.gw.sign_in("user@example.com", "user-password").await;
    let (other, other_key) = second_user(&s).await;
    for _ in 0..3 {
        ok(s.chat(chat("gpt-test", json!({}))).await).await;
    }
    let response =
        s.gw.client
            .post(s.gw.url("/ai/v1/chat/completions"))
            .bearer_auth(&other_key)
            .json(&chat("gpt-test", json!({})))
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), 200);
    wait_for_records(&s.gw, 4).await;

    let mine = ok(usage(&s, Some(&user), "key").await).await;
    assert_eq!(mine["everyone"], false);
    assert_eq!(mine["requests"], 3);
    assert_eq!(mine["prompt_tokens"], 15);
    let names: Vec<&str> = mine["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["k"], "no other user's key is listed");
    assert!(!mine.to_string().contains("other"));
    assert!(mine["requests_chart"].as_str().unwrap().starts_with("<svg"));

    let theirs = ok(usage(&s, Some(&other), "model").await).await;
    assert_eq!(theirs["requests"], 1);
    assert_eq!(theirs["series"][0]["name"], "gpt-test");

    let all = ok(usage(&s, Some(&s.admin), "key").await).await;
    assert_eq!(all["everyone"], true);
    assert_eq!(all["requests"], 4);
    assert_eq!(all["keys"].as_array().unwrap().len(), 2);
    assert_eq!(all["keys"][0]["owner"], "user@example.com");

    assert_eq!(usage(&s, None, "model").await.status(), 401);
    let bad =
        s.gw.call_json(
            "usage",
            json!({ "range": "1y", "by": "model" }),
            Some(&user),
        )
        .await;
    assert_eq!(bad.status(), 400);
}
