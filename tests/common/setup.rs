//! A gateway set up for proxying: the mock as provider, model `gpt-test` (alias `fast`,
//! upstream `mock-chat`) granted to Everyone, and a user with a key.

use serde_json::{Value, json};

use super::{ADMIN_EMAIL, ADMIN_PASSWORD, TestGateway, TestMock};

pub const UPSTREAM_KEY: &str = "upstream-secret-key";

/// A gateway with the mock as provider, model `gpt-test` (alias `fast`, upstream `mock-chat`)
/// granted to Everyone, and a user with a key.
pub struct Setup {
    pub gw: TestGateway,
    pub mock: TestMock,
    pub admin: String,
    pub key: String,
    pub model_id: String,
    pub provider_id: String,
}

pub async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

pub async fn setup_with(
    configure_mock: impl FnOnce(&mut control_layer::mock_provider::MockConfig),
) -> Setup {
    setup_full(|_| {}, configure_mock).await
}

/// [`setup_with`], after `configure` has adjusted the gateway's configuration.
pub async fn setup_full(
    configure: impl FnOnce(&mut control_layer::server::Config),
    configure_mock: impl FnOnce(&mut control_layer::mock_provider::MockConfig),
) -> Setup {
    let mock = TestMock::start(|c| {
        c.api_key = Some(UPSTREAM_KEY.into());
        configure_mock(c);
    })
    .await;
    let gw = TestGateway::start_with(|config| {
        config.admin_password = Some(ADMIN_PASSWORD.into());
        configure(config);
    })
    .await;
    let admin = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let provider = ok(gw
        .call_json(
            "admin_save_provider",
            json!({ "provider": { "name": "mock", "base_url": mock.base, "api_key": UPSTREAM_KEY, "timeout_secs": 1 } }),
            Some(&admin),
        )
        .await)
    .await;
    assert_eq!(provider["has_api_key"], true);
    assert!(
        !provider.to_string().contains(UPSTREAM_KEY),
        "the key never comes back"
    );
    let provider_id = provider["id"].as_str().unwrap().to_owned();

    let model_id = ok(gw
        .call_json(
            "admin_save_model",
            json!({ "model": { "name": "gpt-test", "provider_id": provider_id, "upstream_name": "mock-chat", "aliases": ["fast"] } }),
            Some(&admin),
        )
        .await)
    .await
    .as_str()
    .unwrap()
    .to_owned();
    ok(gw
        .call_json(
            "admin_set_group_model",
            json!({ "group_id": "everyone", "model_id": model_id, "granted": true }),
            Some(&admin),
        )
        .await)
    .await;

    let user = gw.add_user("user@example.com", "user-password").await;
    let created = ok(gw
        .call_json(
            "create_api_key",
            json!({ "key": { "name": "k" } }),
            Some(&user),
        )
        .await)
    .await;
    let key = created["secret"].as_str().unwrap().to_owned();
    Setup {
        gw,
        mock,
        admin,
        key,
        model_id,
        provider_id,
    }
}

pub async fn setup() -> Setup {
    setup_with(|_| {}).await
}

impl Setup {
    pub async fn chat(&self, body: Value) -> reqwest::Response {
        self.gw
            .client
            .post(self.gw.url("/ai/v1/chat/completions"))
            .bearer_auth(&self.key)
            .header("cookie", "tracking=1")
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Calls an admin server function and returns its (successful) answer.
    pub async fn admin(&self, name: &str, body: Value) -> Value {
        ok(self.gw.call_json(name, body, Some(&self.admin)).await).await
    }

    /// Grants (or revokes) `gpt-test` for Everyone.
    pub async fn grant_to_everyone(&self, granted: bool) {
        let grant =
            json!({ "group_id": "everyone", "model_id": self.model_id, "granted": granted });
        self.admin("admin_set_group_model", grant).await;
    }

    /// The id of the user who owns the key.
    pub async fn user_id(&self) -> Value {
        let users = self.admin("admin_list_users", json!({})).await;
        let users = users.as_array().unwrap();
        users
            .iter()
            .find(|u| u["email"] == "user@example.com")
            .unwrap()["id"]
            .clone()
    }

    /// Adds a provider without a key and a 1 s timeout; returns its id.
    pub async fn add_provider(&self, name: &str, base_url: &str) -> String {
        let provider = json!({ "name": name, "base_url": base_url, "timeout_secs": 1 });
        let saved = self
            .admin("admin_save_provider", json!({ "provider": provider }))
            .await;
        saved["id"].as_str().unwrap().to_owned()
    }

    pub async fn add_model(&self, name: &str, upstream: &str, provider_id: &str) {
        let id = ok(self
            .gw
            .call_json(
                "admin_save_model",
                json!({ "model": { "name": name, "provider_id": provider_id, "upstream_name": upstream } }),
                Some(&self.admin),
            )
            .await)
        .await;
        ok(self
            .gw
            .call_json(
                "admin_set_group_model",
                json!({ "group_id": "everyone", "model_id": id, "granted": true }),
                Some(&self.admin),
            )
            .await)
        .await;
    }
}
