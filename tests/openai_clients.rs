//! The official OpenAI client libraries against a real gateway: the Python `openai` package and
//! the Node.js `openai` package (tests/clients/). Both must be installed (`make test` does).

mod common;

use std::process::Command;

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestGateway, TestMock};
use serde_json::{Value, json};

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

/// A demo-mode gateway with failing models beside the demo ones, and two keys.
async fn prepared_gateway() -> (TestGateway, String, String) {
    let gw = TestGateway::start_with(|config| {
        config.admin_password = Some(ADMIN_PASSWORD.into());
        config.demo = true;
    })
    .await;
    let admin = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The mock serves until the test's runtime ends.
    let mock = TestMock::start(|_| {}).await;
    let providers = [
        ("faulty", mock.base.as_str()),
        ("nowhere", "http://127.0.0.1:9/v1"),
    ];
    let mut provider_ids = Vec::new();
    for (name, base_url) in providers {
        let provider = ok(gw
            .call_json(
                "admin_save_provider",
                json!({ "provider": { "name": name, "base_url": base_url, "timeout_secs": 1 } }),
                Some(&admin),
            )
            .await)
        .await;
        provider_ids.push(provider["id"].as_str().unwrap().to_owned());
    }

    // (name, provider, upstream name, granted to Everyone)
    let models = [
        ("overloaded", &provider_ids[0], "fault-503", true),
        ("slow", &provider_ids[0], "fault-hang", true),
        ("broken-link", &provider_ids[1], "x", true),
        ("hidden", &provider_ids[0], "mock-chat", false),
    ];
    for (name, provider_id, upstream, granted) in models {
        let id = ok(gw
            .call_json(
                "admin_save_model",
                json!({ "model": { "name": name, "provider_id": provider_id, "upstream_name": upstream } }),
                Some(&admin),
            )
            .await)
        .await;
        if granted {
            let grant = json!({ "group_id": "everyone", "model_id": id, "granted": true });
            ok(gw
                .call_json("admin_set_group_model", grant, Some(&admin))
                .await)
            .await;
        }
    }

    let user = gw.add_user("dev@example.com", "dev-password").await;
    let key = ok(gw
        .call_json(
            "create_api_key",
            json!({ "key": { "name": "clients" } }),
            Some(&user),
        )
        .await)
    .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let limited =
        json!({ "key": { "name": "limited", "requests_per_second": 1, "burst_size": 1 } });
    let limited = ok(gw.call_json("create_api_key", limited, Some(&user)).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    (gw, key, limited)
}

fn run(gw: &TestGateway, key: &str, limited: &str, program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .current_dir("tests/clients")
        .env("GATEWAY_BASE_URL", gw.url("/ai/v1"))
        .env("GATEWAY_API_KEY", key)
        .env("GATEWAY_LIMITED_KEY", limited)
        .output()
        .unwrap_or_else(|err| panic!("could not run {program}: {err}"));
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{report}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_openai_package_works_through_the_gateway() {
    let (gw, key, limited) = prepared_gateway().await;
    tokio::task::spawn_blocking(move || run(&gw, &key, &limited, "python3", &["test_openai.py"]))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_node_openai_package_works_through_the_gateway() {
    let (gw, key, limited) = prepared_gateway().await;
    tokio::task::spawn_blocking(move || {
        run(&gw, &key, &limited, "node", &["--test", "openai.test.mjs"])
    })
    .await
    .unwrap();
}
