//! API keys end to end: the console's server functions create, list and delete them; the
//! `/ai/v1` API authenticates with them, limits their rate, and records when they were used.

mod common;

use std::time::Duration;

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestGateway};
use serde_json::{Value, json};

/// Creates a key and returns the server's answer (the key and its secret).
async fn create(gw: &TestGateway, cookie: &str, key: Value) -> Value {
    let response = gw
        .call_json("create_api_key", json!({ "key": key }), Some(cookie))
        .await;
    assert_eq!(response.status(), 200, "create_api_key failed");
    response.json().await.unwrap()
}

async fn list(gw: &TestGateway, cookie: &str) -> Vec<Value> {
    let response = gw.call_json("list_api_keys", json!({}), Some(cookie)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["keys"].as_array().unwrap().clone()
}

async fn delete(gw: &TestGateway, cookie: &str, ids: &[&str]) -> reqwest::Response {
    gw.call_json("delete_api_keys", json!({ "ids": ids }), Some(cookie))
        .await
}

#[tokio::test]
async fn a_created_key_is_listed_without_its_secret_and_shown_once() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = create(
        &gw,
        &cookie,
        json!({ "name": "ci", "description": "for the build", "requests_per_second": "5", "burst_size": "10" }),
    )
    .await;

    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("sk-cl-") && secret.len() == 46,
        "{secret}"
    );
    let keys = list(&gw, &cookie).await;
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(key["name"], "ci");
    assert_eq!(key["description"], "for the build");
    assert_eq!(key["requests_per_second"], 5);
    assert_eq!(key["burst_size"], 10);
    assert_eq!(key["last_used_at"], Value::Null);
    assert!(secret.starts_with(key["prefix"].as_str().unwrap()));
    assert!(
        !serde_json::to_string(&keys).unwrap().contains(secret),
        "the list never holds the secret"
    );

    // Nor does the database.
    let stored = gw
        .state
        .db
        .api_keys_of_user(
            &gw.state
                .db
                .user_by_email(ADMIN_EMAIL)
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
    assert!(!format!("{stored:?}").contains(secret));
}

#[tokio::test]
async fn every_validation_error_is_a_400_naming_its_field() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cases = [
        (json!({ "name": "" }), "name"),
        (json!({ "name": "n".repeat(101) }), "name"),
        (
            json!({ "name": "k", "description": "d".repeat(501) }),
            "description",
        ),
        (
            json!({ "name": "k", "requests_per_second": "0" }),
            "requests_per_second",
        ),
        (
            json!({ "name": "k", "requests_per_second": 10_001 }),
            "requests_per_second",
        ),
        (
            json!({ "name": "k", "requests_per_second": "fast" }),
            "requests_per_second",
        ),
        (
            json!({ "name": "k", "requests_per_second": "1", "burst_size": "0" }),
            "burst_size",
        ),
        (
            json!({ "name": "k", "requests_per_second": "1", "burst_size": 50_001 }),
            "burst_size",
        ),
        (
            json!({ "name": "k", "burst_size": "10" }),
            "requests_per_second",
        ),
    ];
    for (key, field) in cases {
        let response = gw
            .call_json("create_api_key", json!({ "key": key }), Some(&cookie))
            .await;
        assert_eq!(response.status(), 400, "{key}");
        let body: Value = response.json().await.unwrap();
        let fields: Vec<&str> = body["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{key}: {body}");
    }
    assert!(list(&gw, &cookie).await.is_empty(), "nothing was created");

    let wrong_type = gw
        .call_json(
            "create_api_key",
            json!({ "key": { "name": 42 } }),
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong_type.status(), 400);
    let not_json = gw
        .client
        .post(gw.url("/api/create_api_key"))
        .header("cookie", &cookie)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
}

#[tokio::test]
async fn key_functions_refuse_callers_who_are_not_signed_in() {
    let gw = TestGateway::start().await;
    for (name, body) in [
        ("list_api_keys", json!({})),
        ("create_api_key", json!({ "key": { "name": "k" } })),
        ("delete_api_keys", json!({ "ids": ["x"] })),
    ] {
        let response = gw.call_json(name, body, None).await;
        assert_eq!(response.status(), 401, "{name}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!("Unauthenticated")
        );
    }
}

#[tokio::test]
async fn nobody_sees_or_deletes_another_users_keys() {
    let gw = TestGateway::start().await;
    let admin = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let other = gw.add_user("other@example.com", "other-password").await;
    let admins_key = create(&gw, &admin, json!({ "name": "admin's" })).await;
    let admins_id = admins_key["key"]["id"].as_str().unwrap();
    let others_key = create(&gw, &other, json!({ "name": "other's" })).await;
    let others_id = others_key["key"]["id"].as_str().unwrap();

    let seen: Vec<String> = list(&gw, &other)
        .await
        .iter()
        .map(|k| k["name"].to_string())
        .collect();
    assert_eq!(seen, ["\"other's\""]);

    // Deleting someone else's key, alone or among one's own, deletes nothing at all.
    assert_eq!(delete(&gw, &other, &[admins_id]).await.status(), 404);
    assert_eq!(
        delete(&gw, &other, &[others_id, admins_id]).await.status(),
        404
    );
    assert_eq!(list(&gw, &admin).await.len(), 1);
    assert_eq!(list(&gw, &other).await.len(), 1);
    assert_eq!(
        gw.list_models(admins_key["secret"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_key_authenticates_until_it_is_deleted() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = create(&gw, &cookie, json!({ "name": "short-lived" })).await;
    let secret = created["secret"].as_str().unwrap();

    let response = gw.list_models(secret).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["object"], "list");

    let response = delete(&gw, &cookie, &[created["key"]["id"].as_str().unwrap()]).await;
    assert_eq!(response.status(), 200);

    // Refused from the moment the delete returned, with no wait for any refresh.
    let response = gw.list_models(secret).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_api_key");
}

#[tokio::test]
async fn several_keys_are_deleted_at_once() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut ids = Vec::new();
    let mut secrets = Vec::new();
    for name in ["one", "two", "three"] {
        let created = create(&gw, &cookie, json!({ "name": name })).await;
        ids.push(created["key"]["id"].as_str().unwrap().to_owned());
        secrets.push(created["secret"].as_str().unwrap().to_owned());
    }

    let response = delete(&gw, &cookie, &[&ids[0], &ids[2]]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!(2));

    let names: Vec<Value> = list(&gw, &cookie)
        .await
        .iter()
        .map(|k| k["name"].clone())
        .collect();
    assert_eq!(names, [json!("two")]);
    assert_eq!(gw.list_models(&secrets[0]).await.status(), 401);
    assert_eq!(gw.list_models(&secrets[1]).await.status(), 200);
    assert_eq!(gw.list_models(&secrets[2]).await.status(), 401);

    assert_eq!(delete(&gw, &cookie, &[]).await.status(), 400);
}

#[tokio::test]
async fn the_four_kinds_of_bad_key_are_each_401() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let deleted = create(&gw, &cookie, json!({ "name": "gone" })).await;
    delete(&gw, &cookie, &[deleted["key"]["id"].as_str().unwrap()]).await;

    let unknown = format!("sk-cl-{}", "A".repeat(40));
    let cases: [(Option<String>, &str); 4] = [
        (None, "missing_api_key"),
        (Some("Bearer sk-cl-short".into()), "invalid_api_key"),
        (Some(format!("Bearer {unknown}")), "invalid_api_key"),
        (
            Some(format!("Bearer {}", deleted["secret"].as_str().unwrap())),
            "invalid_api_key",
        ),
    ];
    for (header, code) in cases {
        let mut request = gw.client.get(gw.url("/ai/v1/models"));
        if let Some(header) = &header {
            request = request.header("authorization", header);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{header:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{header:?}");
        assert!(body["error"]["message"].as_str().unwrap().len() > 20);
    }
}

#[tokio::test]
async fn a_rate_limited_key_gets_429_with_retry_after_then_recovers() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = create(
        &gw,
        &cookie,
        json!({ "name": "slow", "requests_per_second": 1, "burst_size": 2 }),
    )
    .await;
    let secret = created["secret"].as_str().unwrap();

    let first = gw.list_models(secret).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-ratelimit-limit-requests"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining-requests"], "1");
    assert_eq!(gw.list_models(secret).await.status(), 200);

    let limited = gw.list_models(secret).await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1, "Retry-After is whole seconds, at least 1");
    assert_eq!(limited.headers()["x-ratelimit-remaining-requests"], "0");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");

    // Creating another key rebuilds the catalog; this key's bucket must stay empty.
    create(&gw, &cookie, json!({ "name": "unrelated" })).await;
    assert_eq!(gw.list_models(secret).await.status(), 429);

    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(gw.list_models(secret).await.status(), 200);
}

#[tokio::test]
async fn last_used_moves_from_never_to_the_time_of_a_request_and_is_stored() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = create(&gw, &cookie, json!({ "name": "tracked" })).await;
    let created_at = created["key"]["created_at"].as_i64().unwrap();
    assert_eq!(list(&gw, &cookie).await[0]["last_used_at"], Value::Null);

    assert_eq!(
        gw.list_models(created["secret"].as_str().unwrap())
            .await
            .status(),
        200
    );
    let last_used = list(&gw, &cookie).await[0]["last_used_at"]
        .as_i64()
        .expect("now set");
    assert!(last_used >= created_at);

    // The background writer puts it in the database within its interval (100 ms in tests).
    let user = gw
        .state
        .db
        .user_by_email(ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let mut stored = None;
    for _ in 0..50 {
        stored = gw.state.db.api_keys_of_user(&user.id).await.unwrap()[0].last_used_at;
        if stored.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(stored, Some(last_used));
}

#[tokio::test]
async fn last_used_survives_a_graceful_restart() {
    let dir = tempfile::tempdir().unwrap();
    let configure = |config: &mut control_layer::server::Config| {
        config.admin_password = Some(ADMIN_PASSWORD.into());
        // Far longer than the test: only the shutdown flush can write it.
        config.last_used_interval_ms = 3_600_000;
    };
    let mut first = TestGateway::start_in(dir.path().to_path_buf(), configure).await;
    let cookie = first.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = create(&first, &cookie, json!({ "name": "k" })).await;
    first.list_models(created["secret"].as_str().unwrap()).await;
    first.stop();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let second = TestGateway::start_in(dir.path().to_path_buf(), configure).await;
    let keys = list(&second, &cookie).await;
    assert!(keys[0]["last_used_at"].is_i64(), "{keys:?}");
}
