//! The processes under test and their set-up: the mock provider, the gateway (set up through
//! its server functions, as an operator's script would) and nginx as a plain reverse proxy.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub const BINARY: &str = "target/release/control-layer";
const PASSWORD: &str = "bench-admin-password";

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A child process, killed when dropped.
pub struct Running(pub Child);

impl Running {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Where each process runs: with `BENCH_PIN=1` the load generator and the mock share CPU 0
/// and the proxy under test (nginx or the gateway) has CPU 1 to itself.
fn command(program: &str, role: Role) -> Command {
    let pin = std::env::var("BENCH_PIN").is_ok_and(|v| v == "1");
    if !pin {
        return Command::new(program);
    }
    let cpu = match role {
        Role::Upstream => "0",
        Role::Proxy => "1",
    };
    let mut command = Command::new("taskset");
    command.args(["-c", cpu, program]);
    command
}

#[derive(Clone, Copy)]
enum Role {
    Upstream,
    Proxy,
}

pub fn start_mock(port: u16) -> std::io::Result<Running> {
    command(BINARY, Role::Upstream)
        .args(["mock-provider", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .map(Running)
}

/// Starts the release gateway on `port`, recording usage or not, logging warnings only.
pub fn start_gateway(port: u16, data_dir: &Path, record_usage: bool) -> std::io::Result<Running> {
    command(BINARY, Role::Proxy)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--log", "warn"])
        .args(["--metrics-listen", "off"])
        .args(["--record-usage", &record_usage.to_string()])
        .env("CONTROL_LAYER_DATA_DIR", data_dir)
        .env("CONTROL_LAYER_ADMIN_PASSWORD", PASSWORD)
        .env("TOKIO_WORKER_THREADS", gateway_workers())
        .spawn()
        .map(Running)
}

/// The gateway's worker threads: `BENCH_GATEWAY_WORKERS`, by default 1, as nginx runs with
/// one worker process here. On two cores shared with the load generator and the mock, a second
/// worker costs more in thread hand-offs than it gains.
pub fn gateway_workers() -> String {
    std::env::var("BENCH_GATEWAY_WORKERS")
        .ok()
        .filter(|n| n.parse::<usize>().is_ok_and(|n| n > 0))
        .unwrap_or_else(|| "1".to_owned())
}

/// Starts nginx (one worker, no access log, keep-alive to the mock) on `port`.
pub fn start_nginx(port: u16, mock_port: u16, dir: &Path) -> Result<Running, Error> {
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {dir}/nginx.pid;\n\
         error_log {dir}/error.log warn;\nevents {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {dir}/body;\n\
         proxy_temp_path {dir}/proxy;\n  fastcgi_temp_path {dir}/fastcgi;\n\
         uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n\
         client_max_body_size 10m;\n  client_body_buffer_size 1m;\n\
         upstream mock {{ server 127.0.0.1:{mock_port}; keepalive 256; }}\n\
         server {{\n    listen 127.0.0.1:{port};\n    location / {{\n\
         proxy_pass http://mock;\n      proxy_http_version 1.1;\n\
         proxy_set_header Connection \"\";\n      proxy_buffering off;\n    }}\n  }}\n}}\n",
        dir = dir.display()
    );
    std::fs::create_dir_all(dir)?;
    let path = dir.join("nginx.conf");
    std::fs::write(&path, config)?;
    let binary = if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    };
    let nginx = command(binary, Role::Proxy)
        .args([
            "-c",
            &path.display().to_string(),
            "-p",
            &dir.display().to_string(),
        ])
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start nginx (is it installed?): {e}"))?;
    Ok(Running(nginx))
}

pub async fn wait_for(client: &reqwest::Client, url: &str) -> Result<(), Error> {
    for _ in 0..100 {
        if client.get(url).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{url} did not come up").into())
}

/// A signed-in admin session on a gateway.
pub struct Admin {
    client: reqwest::Client,
    base: String,
    cookie: String,
}

impl Admin {
    pub async fn sign_in(client: &reqwest::Client, port: u16) -> Result<Self, Error> {
        let base = format!("http://127.0.0.1:{port}");
        wait_for(client, &format!("{base}/healthz")).await?;
        let signed_in = client
            .post(format!("{base}/api/sign_in"))
            .form(&[("email", "admin@localhost"), ("password", PASSWORD)])
            .send()
            .await?;
        let cookie = signed_in
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .ok_or("sign-in set no cookie")?
            .to_owned();
        Ok(Admin {
            client: client.clone(),
            base,
            cookie,
        })
    }

    pub async fn call(&self, name: &str, body: Value) -> Result<Value, Error> {
        let response = self
            .client
            .post(format!("{}/api/{name}", self.base))
            .header("cookie", &self.cookie)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() {
            return Err(format!("{name} answered {status}: {body}").into());
        }
        Ok(body)
    }

    /// Adds the mock as a provider and returns its id.
    pub async fn add_provider(&self, mock_port: u16) -> Result<Value, Error> {
        let base_url = format!("http://127.0.0.1:{mock_port}/v1");
        let provider = self
            .call(
                "admin_save_provider",
                json!({ "provider": { "name": "mock", "base_url": base_url } }),
            )
            .await?;
        Ok(provider["id"].clone())
    }

    /// Adds model `name` (upstream `mock-chat`) and grants it to everyone.
    pub async fn add_model(&self, provider: &Value, name: &str) -> Result<(), Error> {
        let model = self
            .call(
                "admin_save_model",
                json!({ "model": { "name": name, "provider_id": provider, "upstream_name": "mock-chat" } }),
            )
            .await?;
        self.call(
            "admin_set_group_model",
            json!({ "group_id": "everyone", "model_id": model, "granted": true }),
        )
        .await?;
        Ok(())
    }

    /// Creates a key with a rate limit high enough not to trigger; returns its secret.
    pub async fn create_key(&self, name: &str) -> Result<String, Error> {
        let key = self
            .call(
                "create_api_key",
                json!({ "key": { "name": name, "requests_per_second": 10_000, "burst_size": 50_000 } }),
            )
            .await?;
        Ok(key["secret"].as_str().ok_or("no key created")?.to_owned())
    }
}

/// Sets a gateway up with the mock as provider and model `bench`; returns a key.
pub async fn set_up(client: &reqwest::Client, port: u16, mock_port: u16) -> Result<String, Error> {
    let admin = Admin::sign_in(client, port).await?;
    let provider = admin.add_provider(mock_port).await?;
    admin.add_model(&provider, "bench").await?;
    admin.create_key("bench").await
}

/// Adds `models` more models and `keys` more keys through the server functions, `parallel`
/// calls at a time.
pub async fn load_catalog(
    client: &reqwest::Client,
    port: u16,
    models: usize,
    keys: usize,
) -> Result<(), Error> {
    let admin = std::sync::Arc::new(Admin::sign_in(client, port).await?);
    let provider = admin.call("admin_list_providers", json!({})).await?;
    let provider = provider[0]["id"].clone();
    for i in 0..models {
        admin
            .add_model(&provider, &format!("extra-model-{i}"))
            .await?;
    }
    let parallel = 8;
    let mut tasks = Vec::new();
    for worker in 0..parallel {
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            for i in (worker..keys).step_by(parallel) {
                admin.create_key(&format!("extra-key-{i}")).await?;
            }
            Ok::<_, Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(())
}
