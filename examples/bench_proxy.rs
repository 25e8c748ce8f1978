//! Benchmark: what the gateway adds to a request, measured end to end on loopback.
//!
//! It starts the release binary twice — as the mock provider and as the gateway — sets the
//! gateway up through its own scripting interface (sign in, add the mock as a provider, add a
//! model, grant it, create a key with a rate limit high enough not to trigger), then drives
//! the same open-loop, fixed-rate load straight at the mock and through the gateway, and prints
//! latency percentiles, the overhead (gateway minus direct), the achieved rate, errors, and the
//! gateway's CPU time per request and peak memory. At 1,000 requests/s the same load also goes
//! through a second gateway started with `--record-usage false`, which gives the request-path
//! cost of usage recording. Results are also written as JSON.
//!
//! Latency is measured from each request's *scheduled* send time, so a stalled sender cannot
//! hide queueing (no coordinated omission).
//!
//! Run with `make bench` (or `cargo run --release --example bench_proxy --features ssr`);
//! `BENCH_SECONDS` sets the length of each run (default 5).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex;

const BINARY: &str = "target/release/control-layer";
const MOCK_PORT: u16 = 18_101;
const GATEWAY_PORT: u16 = 18_100;
/// A second gateway, recording no usage, to measure what recording costs.
const QUIET_GATEWAY_PORT: u16 = 18_102;
const PASSWORD: &str = "bench-admin-password";

/// Kills a child process when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let data_dir = tempfile::tempdir()?;

    let _mock = Running(
        Command::new(BINARY)
            .args([
                "mock-provider",
                "--listen",
                &format!("127.0.0.1:{MOCK_PORT}"),
            ])
            .stdout(Stdio::null())
            .spawn()?,
    );
    let gateway = start_gateway(GATEWAY_PORT, &data_dir.path().join("on"), true)?;
    let quiet_gateway = start_gateway(QUIET_GATEWAY_PORT, &data_dir.path().join("off"), false)?;
    let gateway_pid = gateway.0.id();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()?;
    wait_for(&client, &format!("http://127.0.0.1:{MOCK_PORT}/v1/models")).await?;
    let key = set_up(&client, GATEWAY_PORT).await?;
    let quiet_key = set_up(&client, QUIET_GATEWAY_PORT).await?;

    let body = json!({ "model": "bench", "messages": [{ "role": "user", "content": "Hello there, benchmark!" }] });
    let direct_body = {
        let mut body = body.clone();
        body["model"] = json!("mock-chat");
        body
    };
    let direct_url = format!("http://127.0.0.1:{MOCK_PORT}/v1/chat/completions");
    let gateway_url = format!("http://127.0.0.1:{GATEWAY_PORT}/ai/v1/chat/completions");
    let quiet_url = format!("http://127.0.0.1:{QUIET_GATEWAY_PORT}/ai/v1/chat/completions");

    println!("each run: {seconds} s of open-loop load; latencies in ms\n");
    println!(
        "{:<9} {:<8} {:>7} {:>7} {:>7} {:>7} {:>9} {:>6} {:>10}",
        "rate/s", "target", "p50", "p90", "p99", "max", "achieved", "errors", "cpu µs/req"
    );
    let mut results = Vec::new();
    for rate in [200u32, 1_000, 3_000] {
        let direct = run_load(&client, &direct_url, None, &direct_body, rate, seconds).await;
        print_row(rate, "direct", &direct, None);
        let cpu_before = cpu_time(gateway_pid);
        let through = run_load(&client, &gateway_url, Some(&key), &body, rate, seconds).await;
        let cpu = cpu_time(gateway_pid).saturating_sub(cpu_before);
        let cpu_per_request = cpu.as_secs_f64() * 1e6 / through.ok.max(1) as f64;
        print_row(rate, "gateway", &through, Some(cpu_per_request));
        println!(
            "{:<9} {:<8} {:>7.3} {:>7.3} {:>7.3}",
            "",
            "overhead",
            through.p(0.50) - direct.p(0.50),
            through.p(0.90) - direct.p(0.90),
            through.p(0.99) - direct.p(0.99),
        );
        let mut recording_cost = Value::Null;
        if rate == 1_000 {
            // The same load through a gateway that records no usage: what recording costs.
            let quiet = run_load(&client, &quiet_url, Some(&quiet_key), &body, rate, seconds).await;
            print_row(rate, "no-usage", &quiet, None);
            println!(
                "{:<9} {:<8} {:>7.3} {:>7.3} {:>7.3}   (usage recording on minus off)",
                "",
                "rec.cost",
                through.p(0.50) - quiet.p(0.50),
                through.p(0.90) - quiet.p(0.90),
                through.p(0.99) - quiet.p(0.99),
            );
            recording_cost = json!({
                "gateway_without_usage": quiet.to_json(),
                "p50_ms": through.p(0.50) - quiet.p(0.50),
                "p90_ms": through.p(0.90) - quiet.p(0.90),
                "p99_ms": through.p(0.99) - quiet.p(0.99),
            });
        }
        results.push(json!({
            "rate": rate,
            "usage_recording_cost": recording_cost,
            "direct": direct.to_json(),
            "gateway": through.to_json(),
            "overhead_ms": {
                "p50": through.p(0.50) - direct.p(0.50),
                "p90": through.p(0.90) - direct.p(0.90),
                "p99": through.p(0.99) - direct.p(0.99),
            },
            "gateway_cpu_us_per_request": cpu_per_request,
        }));
    }

    drop(quiet_gateway);
    let peak_mib = peak_memory_mib(gateway_pid);
    println!("\ngateway peak resident memory: {peak_mib:.1} MiB");
    std::fs::create_dir_all("target/bench")?;
    let report =
        json!({ "seconds_per_run": seconds, "runs": results, "gateway_peak_rss_mib": peak_mib });
    std::fs::write(
        "target/bench/proxy.json",
        serde_json::to_string_pretty(&report)?,
    )?;
    println!("results written to target/bench/proxy.json");
    Ok(())
}

async fn wait_for(client: &reqwest::Client, url: &str) -> Result<(), Box<dyn std::error::Error>> {
    for _ in 0..100 {
        if client.get(url).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{url} did not come up").into())
}

/// Starts the release gateway on `port`, recording usage or not.
fn start_gateway(
    port: u16,
    data_dir: &std::path::Path,
    record_usage: bool,
) -> std::io::Result<Running> {
    Command::new(BINARY)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--log", "warn"])
        .args(["--metrics-listen", "off"])
        .args(["--record-usage", &record_usage.to_string()])
        .env("CONTROL_LAYER_DATA_DIR", data_dir)
        .env("CONTROL_LAYER_ADMIN_PASSWORD", PASSWORD)
        .spawn()
        .map(Running)
}

/// Sets the gateway on `port` up as an operator would, through its server functions;
/// returns a key.
async fn set_up(client: &reqwest::Client, port: u16) -> Result<String, Box<dyn std::error::Error>> {
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
    let call = |name: &str, body: Value| {
        client
            .post(format!("{base}/api/{name}"))
            .header("cookie", &cookie)
            .json(&body)
            .send()
    };

    let provider: Value = call(
        "admin_save_provider",
        json!({ "provider": { "name": "mock", "base_url": format!("http://127.0.0.1:{MOCK_PORT}/v1") } }),
    )
    .await?
    .json()
    .await?;
    let model: Value = call(
        "admin_save_model",
        json!({ "model": { "name": "bench", "provider_id": provider["id"], "upstream_name": "mock-chat" } }),
    )
    .await?
    .json()
    .await?;
    call(
        "admin_set_group_model",
        json!({ "group_id": "everyone", "model_id": model, "granted": true }),
    )
    .await?;
    let key: Value = call(
        "create_api_key",
        json!({ "key": { "name": "bench", "requests_per_second": 10_000, "burst_size": 50_000 } }),
    )
    .await?
    .json()
    .await?;
    Ok(key["secret"].as_str().ok_or("no key created")?.to_owned())
}

/// Latencies (ms) of one run, sorted, with counts.
struct RunResult {
    latencies_ms: Vec<f64>,
    ok: usize,
    errors: usize,
    achieved_rate: f64,
}

impl RunResult {
    fn p(&self, q: f64) -> f64 {
        if self.latencies_ms.is_empty() {
            return f64::NAN;
        }
        self.latencies_ms[((self.latencies_ms.len() - 1) as f64 * q) as usize]
    }

    fn to_json(&self) -> Value {
        json!({
            "p50_ms": self.p(0.50), "p90_ms": self.p(0.90), "p99_ms": self.p(0.99),
            "max_ms": self.p(1.0), "ok": self.ok, "errors": self.errors,
            "achieved_rate": self.achieved_rate,
        })
    }
}

fn print_row(rate: u32, target: &str, r: &RunResult, cpu: Option<f64>) {
    let cpu = cpu.map(|c| format!("{c:.1}")).unwrap_or_default();
    println!(
        "{:<9} {:<8} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>9.0} {:>6} {:>10}",
        rate,
        target,
        r.p(0.50),
        r.p(0.90),
        r.p(0.99),
        r.p(1.0),
        r.achieved_rate,
        r.errors,
        cpu
    );
}

/// Sends `rate` requests a second for `seconds`, each at its scheduled time whatever the
/// others are doing, and measures each from that scheduled time.
async fn run_load(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
    rate: u32,
    seconds: u64,
) -> RunResult {
    let body = bytes::Bytes::from(serde_json::to_vec(body).unwrap());
    let total = rate as u64 * seconds;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total as usize)));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));

    // Warm the connection pool so that the first requests do not measure TCP handshakes.
    for _ in 0..8 {
        let _ = request(client, url, key, body.clone()).send().await;
    }

    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let scheduled = started + interval * i as u32;
        tokio::time::sleep_until(scheduled.into()).await;
        let send = request(client, url, key, body.clone()).send();
        let (latencies, errors) = (latencies.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let ok = match send.await {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            };
            if ok {
                latencies
                    .lock()
                    .await
                    .push(scheduled.elapsed().as_secs_f64() * 1000.0);
            } else {
                errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed().as_secs_f64();

    let mut latencies_ms = std::mem::take(&mut *latencies.lock().await);
    latencies_ms.sort_by(|a, b| a.total_cmp(b));
    let ok = latencies_ms.len();
    RunResult {
        latencies_ms,
        ok,
        errors: errors.load(std::sync::atomic::Ordering::Relaxed),
        achieved_rate: ok as f64 / elapsed,
    }
}

fn request(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: bytes::Bytes,
) -> reqwest::RequestBuilder {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    request
}

/// User + system CPU time the process has used so far (Linux /proc; zero elsewhere).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Duration::from_secs_f64(ticks as f64 / 100.0)
}

/// Peak resident memory of the process (VmHWM), in MiB.
fn peak_memory_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}
