//! `/ai/v1` answers in OpenAI's error envelope: missing, malformed and unknown keys, unknown
//! routes and wrong methods, never the console's HTML.

mod common;

use common::TestGateway;
use serde_json::Value;

async fn error_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    let error = body["error"].clone();
    for field in ["message", "type", "param", "code"] {
        assert!(error.get(field).is_some(), "envelope lacks {field}: {body}");
    }
    (status, error)
}

#[tokio::test]
async fn models_without_a_key_is_401_saying_how_to_send_one() {
    let gw = TestGateway::start().await;
    let response = gw.client.get(gw.url("/ai/v1/models")).send().await.unwrap();
    let (status, error) = error_of(response).await;
    assert_eq!(status, 401);
    assert_eq!(error["code"], "missing_api_key");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );
}

#[tokio::test]
async fn malformed_and_unknown_keys_are_401() {
    let gw = TestGateway::start().await;
    let cases = [
        ("Basic YWxhZGRpbjpvcGVuc2VzYW1l", "invalid_api_key"),
        ("Bearer not-our-key", "invalid_api_key"),
        (
            "Bearer sk-cl-thiskeydoesnotexist000000000000000000000",
            "invalid_api_key",
        ),
    ];
    for (header, code) in cases {
        let response = gw
            .client
            .get(gw.url("/ai/v1/models"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        let (status, error) = error_of(response).await;
        assert_eq!(status, 401, "{header}");
        assert_eq!(error["code"], code, "{header}");
        assert!(
            !error["message"]
                .as_str()
                .unwrap()
                .contains("thiskeydoesnotexist")
        );
    }
}

#[tokio::test]
async fn a_header_that_is_not_text_is_401_not_a_crash() {
    let gw = TestGateway::start().await;
    let response = gw
        .client
        .get(gw.url("/ai/v1/models"))
        .header(
            "authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, 401);
}

#[tokio::test]
async fn unknown_routes_under_ai_v1_are_404_in_the_envelope() {
    let gw = TestGateway::start().await;
    for path in [
        "/ai/v1",
        "/ai/v1/",
        "/ai/v1/nope",
        "/ai/v1/chat/completions/extra",
    ] {
        let response = gw.client.get(gw.url(path)).send().await.unwrap();
        let (status, error) = error_of(response).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            error["message"].as_str().unwrap().contains(path),
            "{path}: {error}"
        );
    }
}

#[tokio::test]
async fn a_wrong_method_is_405_in_the_envelope() {
    let gw = TestGateway::start().await;
    let response = gw
        .client
        .delete(gw.url("/ai/v1/models"))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(response).await;
    assert_eq!(status, 405);
    assert!(error["message"].as_str().unwrap().contains("/ai/v1/models"));
}
