//! The proxy end to end: a provider (the mock), a model with an alias and a grant, a user's
//! key, and requests through `/ai/v1` with the whole status table.

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::TestMock;
use common::setup::{UPSTREAM_KEY, ok, setup, setup_with};
use futures::StreamExt;
use serde_json::{Value, json};

fn hello(model: &str) -> Value {
    json!({ "model": model, "messages": [{ "role": "user", "content": "hi there" }] })
}

#[tokio::test]
async fn a_chat_completion_reaches_the_provider_with_its_key_and_the_upstream_name() {
    let s = setup().await;
    let body = ok(s.chat(hello("gpt-test")).await).await;
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(
        body["model"], "mock-chat",
        "the model was rewritten to the upstream name"
    );

    let headers = s.mock.stats.last_headers();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header("authorization").as_deref(),
        Some(&*format!("Bearer {UPSTREAM_KEY}"))
    );
    assert_eq!(header("cookie"), None, "client cookies are stripped");
    assert!(
        !headers.iter().any(|(_, v)| v.contains(&s.key)),
        "the client's key never reaches the provider"
    );
}

#[tokio::test]
async fn the_provider_key_never_reaches_the_client() {
    let s = setup().await;
    let response = s.chat(hello("gpt-test")).await;
    let headers = format!("{:?}", response.headers());
    let body = response.text().await.unwrap();
    assert!(!headers.contains(UPSTREAM_KEY) && !body.contains(UPSTREAM_KEY));
}

#[tokio::test]
async fn an_alias_calls_the_same_model() {
    let s = setup().await;
    let body = ok(s.chat(hello("fast")).await).await;
    assert_eq!(body["model"], "mock-chat");
}

#[tokio::test]
async fn streams_arrive_chunk_by_chunk() {
    let s = setup_with(|c| {
        c.chunks = 4;
        c.chunk_delay_ms = 150;
    })
    .await;
    let started = Instant::now();
    let mut request = hello("gpt-test");
    request["stream"] = json!(true);
    let response = s.chat(request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");

    let mut arrivals = Vec::new();
    let mut text = String::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        arrivals.push(started.elapsed());
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    assert!(
        arrivals.len() >= 3,
        "chunks were not passed through one by one: {arrivals:?}"
    );
    assert!(
        arrivals[0] < Duration::from_millis(150),
        "the first chunk waited: {arrivals:?}"
    );
    assert!(*arrivals.last().unwrap() >= Duration::from_millis(450));
}

#[tokio::test]
async fn a_client_that_goes_away_cancels_the_upstream_stream() {
    let s = setup_with(|c| {
        c.chunks = 100;
        c.chunk_delay_ms = 20;
    })
    .await;
    let mut request = hello("gpt-test");
    request["stream"] = json!(true);
    let response = s.chat(request).await;
    let mut stream = response.bytes_stream();
    stream.next().await.unwrap().unwrap();
    drop(stream);

    let deadline = Instant::now() + Duration::from_secs(5);
    while s.mock.stats.streams_cancelled.load(Ordering::Relaxed) == 0 {
        assert!(
            Instant::now() < deadline,
            "the upstream stream was not cancelled"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn models_lists_names_and_aliases_and_follows_grants() {
    let s = setup().await;
    let body = ok(s.gw.list_models(&s.key).await).await;
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["gpt-test", "fast"]);
    let one =
        s.gw.client
            .get(s.gw.url("/ai/v1/models/fast"))
            .bearer_auth(&s.key)
            .send()
            .await
            .unwrap();
    assert_eq!(ok(one).await["id"], "fast");

    // The console's Models page shows the same models to the key's owner.
    let user = s.gw.sign_in("user@example.com", "user-password").await;
    let mine = ok(s
        .gw
        .call_json("list_my_models", json!({}), Some(&user))
        .await)
    .await;
    assert_eq!(mine["models"][0]["name"], "gpt-test");
    assert_eq!(mine["models"][0]["aliases"], json!(["fast"]));

    // Revoke the grant: the listing empties and the same call is forbidden, at once.
    s.grant_to_everyone(false).await;
    let body = ok(s.gw.list_models(&s.key).await).await;
    assert_eq!(body["data"], json!([]));
    let mine = ok(s
        .gw
        .call_json("list_my_models", json!({}), Some(&user))
        .await)
    .await;
    assert_eq!(mine["models"], json!([]));
    let forbidden = s.chat(hello("fast")).await;
    assert_eq!(forbidden.status(), 403);
    let body: Value = forbidden.json().await.unwrap();
    assert_eq!(body["error"]["code"], "model_not_allowed");
}

#[tokio::test]
async fn group_membership_grants_access() {
    let s = setup().await;
    s.grant_to_everyone(false).await;
    let group = s
        .admin("admin_save_group", json!({ "name": "research" }))
        .await;
    let group_id = group.as_str().unwrap();
    let user_id = s.user_id().await;
    for (name, body) in [
        (
            "admin_set_group_member",
            json!({ "group_id": group_id, "user_id": user_id, "member": true }),
        ),
        (
            "admin_set_group_model",
            json!({ "group_id": group_id, "model_id": s.model_id, "granted": true }),
        ),
    ] {
        s.admin(name, body).await;
    }
    assert_eq!(s.chat(hello("gpt-test")).await.status(), 200);

    let leave = json!({ "group_id": group_id, "user_id": user_id, "member": false });
    s.admin("admin_set_group_member", leave).await;
    assert_eq!(s.chat(hello("gpt-test")).await.status(), 403);
}

#[tokio::test]
async fn bad_bodies_are_400_and_unknown_models_404() {
    let s = setup().await;
    let raw = |body: &'static str| {
        s.gw.client
            .post(s.gw.url("/ai/v1/chat/completions"))
            .bearer_auth(&s.key)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for (body, code) in [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_json"),
        (r#"{"messages": []}"#, "missing_model"),
        (r#"{"model": 42}"#, "missing_model"),
    ] {
        let response = raw(body).await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["error"]["code"],
            code,
            "{body}"
        );
    }
    let unknown = s.chat(hello("no-such-model")).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<Value>().await.unwrap()["error"]["code"],
        "model_not_found"
    );
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let s = setup().await;
    let huge = json!({ "model": "gpt-test", "messages": [{ "role": "user", "content": "x".repeat(2 * 1024 * 1024) }] });
    let response = s.chat(huge).await;
    assert_eq!(response.status(), 413);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"]["code"],
        "body_too_large"
    );
}

#[tokio::test]
async fn a_provider_4xx_is_passed_through_unchanged() {
    let s = setup().await;
    s.add_model("bad-request", "fault-400", &s.provider_id)
        .await;
    s.add_model("limited", "fault-429", &s.provider_id).await;

    let response = s.chat(hello("bad-request")).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Invalid request (mock fault).");

    let response = s.chat(hello("limited")).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
}

#[tokio::test]
async fn provider_failures_map_to_502_503_504() {
    let s = setup().await;
    s.add_model("overloaded", "fault-503", &s.provider_id).await;
    s.add_model("broken", "fault-500", &s.provider_id).await;
    s.add_model("slow", "fault-hang", &s.provider_id).await;

    let dead = s.add_provider("dead", "http://127.0.0.1:9/v1").await;
    s.add_model("unreachable", "x", &dead).await;

    let garbage = TestMock::start(|c| c.not_http = true).await;
    let junk = s.add_provider("junk", &garbage.base).await;
    s.add_model("not-http", "x", &junk).await;

    for (model, status, code) in [
        ("overloaded", 503, "provider_unavailable"),
        ("broken", 502, "provider_error"),
        ("unreachable", 502, "provider_unreachable"),
        ("not-http", 502, "provider_unreachable"),
        ("slow", 504, "provider_timeout"),
    ] {
        let response = s.chat(hello(model)).await;
        assert_eq!(response.status(), status, "{model}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{model}");
    }
}

#[tokio::test]
async fn deleting_a_user_stops_their_keys_at_once() {
    let s = setup().await;
    assert_eq!(s.chat(hello("gpt-test")).await.status(), 200);
    let user_id = s.user_id().await;
    s.admin("admin_delete_user", json!({ "user_id": user_id }))
        .await;
    assert_eq!(s.chat(hello("gpt-test")).await.status(), 401);
}

#[tokio::test]
async fn names_and_aliases_are_unique_across_models() {
    let s = setup().await;
    for (name, aliases, field) in [
        ("fast", json!([]), "name"),
        ("other", json!(["gpt-test"]), "aliases"),
        ("other", json!(["fast"]), "aliases"),
    ] {
        let response = s
            .gw
            .call_json(
                "admin_save_model",
                json!({ "model": { "name": name, "provider_id": s.provider_id, "aliases": aliases } }),
                Some(&s.admin),
            )
            .await;
        assert_eq!(response.status(), 400, "{name} {aliases}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"][0]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn test_connection_lists_the_providers_models() {
    let s = setup().await;
    let models = s
        .admin("admin_provider_models", json!({ "id": s.provider_id }))
        .await;
    assert_eq!(models, json!(["mock-chat", "mock-embedding"]));

    let dead = s.add_provider("dead", "http://127.0.0.1:9/v1").await;
    let response =
        s.gw.call_json(
            "admin_provider_models",
            json!({ "id": dead }),
            Some(&s.admin),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["BadRequest"]
            .as_str()
            .unwrap()
            .contains("Could not reach"),
        "{body}"
    );
}
