//! Helpers for the black-box tests: a real gateway (or mock provider) on a loopback port.
#![allow(dead_code)]

pub mod setup;

use std::path::PathBuf;
use std::sync::Arc;

use control_layer::mock_provider::{self, MockConfig, Stats};
use control_layer::server::{AppState, Config, Gateway};
use tokio::sync::oneshot;

pub const ADMIN_EMAIL: &str = "admin@localhost";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A gateway serving on `127.0.0.1:<ephemeral>`, with its own data directory.
pub struct TestGateway {
    pub base: String,
    pub client: reqwest::Client,
    pub generated_admin_password: Option<String>,
    pub data_dir: PathBuf,
    /// The gateway's state, for setting up what the console cannot do yet.
    pub state: AppState,
    /// `http://<metrics listener>` and the path, e.g. `http://127.0.0.1:1234/metrics`.
    pub metrics_url: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: Option<tempfile::TempDir>,
}

impl TestGateway {
    /// Starts a gateway whose admin has [`ADMIN_PASSWORD`].
    pub async fn start() -> Self {
        Self::start_with(|config| config.admin_password = Some(ADMIN_PASSWORD.into())).await
    }

    /// Starts a gateway after `configure` has adjusted the test configuration.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut gateway = Self::start_in(dir.path().to_path_buf(), configure).await;
        gateway._dir = Some(dir);
        gateway
    }

    /// Starts a gateway on an existing data directory (to test restarts).
    pub async fn start_in(data_dir: PathBuf, configure: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_tests(data_dir.clone());
        configure(&mut config);

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let gateway = Gateway::start(config).await.expect("gateway starts");
        let generated_admin_password = gateway.generated_admin_password.clone();
        let state = gateway.state.clone();
        let metrics_url = gateway
            .metrics_address
            .map(|address| format!("http://{address}{}", state.config.metrics_path));

        let (tx, rx) = oneshot::channel::<()>();
        let serving = tokio::spawn(gateway.serve(listener, async {
            let _ = rx.await;
        }));

        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestGateway {
            base,
            client,
            generated_admin_password,
            data_dir,
            state,
            metrics_url,
            shutdown: Some(tx),
            serving: Some(serving),
            _dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Posts a form to a server function, with an optional session cookie.
    pub async fn call_form(
        &self,
        name: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(&format!("/api/{name}")))
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Signs in and returns the `cl_session=…` cookie pair.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let response = self
            .call_form("sign_in", &[("email", email), ("password", password)], None)
            .await;
        assert_eq!(response.status(), 200, "sign-in should succeed");
        session_cookie(&response).expect("sign-in sets the session cookie")
    }

    /// Calls a JSON server function with a session cookie.
    pub async fn call_json(
        &self,
        name: &str,
        body: serde_json::Value,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(&format!("/api/{name}")))
            .json(&body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Creates a user directly in storage (the console cannot manage users yet) and signs
    /// them in; returns their session cookie.
    pub async fn add_user(&self, email: &str, password: &str) -> String {
        let hash = control_layer::control::auth::password::hash(password);
        self.state
            .db
            .insert_user(control_layer::control::storage::users::NewUser {
                email,
                display_name: email,
                password_hash: &hash,
                is_admin: false,
            })
            .await
            .unwrap();
        self.sign_in(email, password).await
    }

    /// `GET /ai/v1/models` with `key` as the bearer token.
    pub async fn list_models(&self, key: &str) -> reqwest::Response {
        self.client
            .get(self.url("/ai/v1/models"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
    }

    /// Who the server function `whoami` says is signed in with `cookie`.
    pub async fn whoami(&self, cookie: &str) -> serde_json::Value {
        let response = self.call_form("whoami", &[], Some(cookie)).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Stops serving; used to restart on the same data directory.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestGateway {
    /// Shuts down gracefully and waits until the gateway has finished (and flushed).
    pub async fn shut_down(&mut self) {
        self.stop();
        if let Some(serving) = self.serving.take() {
            serving.await.unwrap().unwrap();
        }
    }

    /// The metrics text from the metrics listener.
    pub async fn metrics(&self) -> String {
        let url = self.metrics_url.as_deref().expect("metrics are on");
        let response = self.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The `cl_session=<token>` pair from a response's `Set-Cookie`, if it sets a non-empty one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cl_session=") && !v.starts_with("cl_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// A mock provider on `127.0.0.1:<ephemeral>`; `base` ends in `/v1`.
pub struct TestMock {
    pub base: String,
    pub stats: Arc<Stats>,
}

impl TestMock {
    pub async fn start(configure: impl FnOnce(&mut MockConfig)) -> Self {
        let mut config = MockConfig::for_tests();
        configure(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        let stats = Arc::new(Stats::default());
        tokio::spawn(mock_provider::serve(listener, config, stats.clone()));
        TestMock { base, stats }
    }
}
