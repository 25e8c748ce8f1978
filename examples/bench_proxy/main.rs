//! Benchmark: what the gateway adds to a request, measured end to end on loopback.
//!
//! It starts the release binary as the mock provider and as the gateway, and nginx as a plain
//! reverse-proxy hop in front of the same mock (the reference floor). The gateway is set up
//! through its own server functions, as an operator's script would (provider, model, grant, a
//! key with a rate limit high enough not to trigger); "last used" and usage recording are on,
//! as in production. Every scenario drives the same open-loop, fixed-rate load straight at the
//! mock, through nginx and through the gateway, and prints latency percentiles, the overhead
//! over direct, the achieved rate, errors and CPU time per request:
//!
//! 1. non-streaming chat completions at 200, 1,000 and 3,000 requests/s, and at 1,000/s through
//!    a second gateway that records no usage (the cost of recording);
//! 2. request bodies of 1, 10 and 50 KB at 1,000/s;
//! 3. streams of 10 chunks 20 ms apart at 100/s: time to the first chunk and the gaps;
//! 4. 1,000 more models and 100,000 more keys, created through the server functions, then
//!    1,000/s again; with the gateway's memory at idle before and after, and its peak.
//!
//! Results go to `target/bench/proxy.json` and a plot to `target/bench/proxy.svg`. Run with
//! `make bench`; `BENCH_SECONDS` sets the length of each run (default 5), `BENCH_KEYS` the
//! number of extra keys (default 100,000), `BENCH_SCENARIOS` which scenarios run (default
//! `1234`) and `BENCH_GATEWAY_WORKERS` the gateway's worker threads (default 1, like nginx's
//! one worker process here). `BENCH_REPLOT=<results.json>` only draws that run's plot again.

mod load;
mod plot;
mod process;
mod setup;

use std::time::Duration;

use serde_json::{Value, json};

use load::{RunResult, Target};
use process::{Cost, machine, memory_mib};
use setup::Running;

const GATEWAY_PORT: u16 = 18_100;
const MOCK_PORT: u16 = 18_101;
/// A second gateway, recording no usage, to measure what recording costs.
const QUIET_GATEWAY_PORT: u16 = 18_102;
const NGINX_PORT: u16 = 18_103;
const RATES: &str = "200,1000,3000";

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The three ways to the mock, and the processes whose CPU time counts for each.
#[derive(Clone)]
struct Paths {
    direct: Target,
    nginx: Option<Target>,
    gateway: Target,
    gateway_pid: u32,
    nginx_pid: Option<u32>,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    if let Ok(results) = std::env::var("BENCH_REPLOT") {
        return replot(&results);
    }
    let seconds: u64 = env_number("BENCH_SECONDS", 5);
    let extra_keys: usize = env_number("BENCH_KEYS", 100_000);
    let dir = tempfile::tempdir()?;

    let _mock = setup::start_mock(MOCK_PORT)?;
    let gateway = setup::start_gateway(GATEWAY_PORT, &dir.path().join("on"), true)?;
    let quiet = setup::start_gateway(QUIET_GATEWAY_PORT, &dir.path().join("off"), false)?;
    let nginx = match setup::start_nginx(NGINX_PORT, MOCK_PORT, &dir.path().join("nginx")) {
        Ok(nginx) => Some(nginx),
        Err(err) => {
            eprintln!("no nginx reference: {err}");
            None
        }
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()?;
    setup::wait_for(&client, &format!("http://127.0.0.1:{MOCK_PORT}/v1/models")).await?;
    if nginx.is_some() {
        setup::wait_for(&client, &format!("http://127.0.0.1:{NGINX_PORT}/v1/models")).await?;
    }
    let key = setup::set_up(&client, GATEWAY_PORT, MOCK_PORT).await?;
    let quiet_key = setup::set_up(&client, QUIET_GATEWAY_PORT, MOCK_PORT).await?;

    let target = |port: u16, path: &str, key: Option<&str>| Target {
        url: format!("http://127.0.0.1:{port}{path}/chat/completions"),
        key: key.map(str::to_owned),
        headers: Vec::new(),
    };
    let paths = Paths {
        direct: target(MOCK_PORT, "/v1", None),
        nginx: nginx.as_ref().map(|_| target(NGINX_PORT, "/v1", None)),
        gateway: target(GATEWAY_PORT, "/ai/v1", Some(&key)),
        gateway_pid: gateway.pid(),
        nginx_pid: nginx.as_ref().map(Running::pid),
    };
    let quiet_target = target(QUIET_GATEWAY_PORT, "/ai/v1", Some(&quiet_key));

    let workers = setup::gateway_workers();
    println!(
        "each run: {seconds} s of open-loop load; latencies in ms, from the scheduled send; \
         gateway worker threads: {workers}, nginx worker processes: 1\n"
    );
    let mut report = json!({
        "seconds_per_run": seconds, "machine": machine(), "gateway_worker_threads": workers,
    });

    let only: String = env_number("BENCH_SCENARIOS", "1234".to_owned());
    let rate_list: Vec<u32> = env_number("BENCH_RATES", RATES.to_owned())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect();
    let mut rates = Vec::new();
    if only.contains('1') {
        println!("1. non-streaming chat completions (small body)");
        header();
        for &rate in &rate_list {
            let mut row = compare(&client, &paths, &chat(100), false, rate, seconds).await;
            if rate == 1_000 {
                let off = load::run(&client, &quiet_target, &chat(100), false, rate, seconds).await;
                print_row(rate, "no-usage", &off, None);
                let on = &row["gateway"];
                let cost = |q: &str| {
                    on[q].as_f64().unwrap_or(f64::NAN)
                        - off.to_json()[q].as_f64().unwrap_or(f64::NAN)
                };
                println!(
                    "{:<9} {:<9} {:>7.3} {:>7.3} {:>7.3}   (usage recording on minus off)",
                    "",
                    "rec.cost",
                    cost("p50_ms"),
                    cost("p90_ms"),
                    cost("p99_ms")
                );
                row["gateway_without_usage"] = off.to_json();
            }
            rates.push(row);
        }
        report["rates"] = Value::Array(rates.clone());
    }
    if only.contains('2') {
        println!("\n2. request bodies at 1,000/s");
        header();
        let mut bodies = Vec::new();
        for kb in [1, 10, 50] {
            println!("{kb} KB");
            let mut row = compare(&client, &paths, &chat(kb * 1024), false, 1_000, seconds).await;
            row["body_kb"] = json!(kb);
            bodies.push(row);
        }
        report["bodies"] = Value::Array(bodies);
    }
    if only.contains('3') {
        println!("\n3. streams of 10 chunks 20 ms apart, 100/s: latency = time to the first chunk");
        header();
        let streaming = Paths {
            direct: with_stream_headers(&paths.direct),
            nginx: paths.nginx.as_ref().map(with_stream_headers),
            gateway: with_stream_headers(&paths.gateway),
            ..paths.clone()
        };
        let mut body = chat(100);
        body["stream"] = json!(true);
        let row = compare(&client, &streaming, &body, true, 100, seconds).await;
        for name in ["direct", "nginx", "gateway"] {
            if let Some(gaps) = row[name].get("chunk_gap_ms") {
                println!(
                    "{:<9} {name:<9} gaps between chunks: p50 {:.2} · p99 {:.2} · max {:.2} ms",
                    "",
                    gaps["p50"].as_f64().unwrap_or(f64::NAN),
                    gaps["p99"].as_f64().unwrap_or(f64::NAN),
                    gaps["max"].as_f64().unwrap_or(f64::NAN)
                );
            }
        }
        report["streaming"] = row;
    }
    if only.contains('4') {
        println!(
            "\n4. {extra_keys} more keys and 1,000 more models, created through the server functions"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        let idle_before = memory_mib(paths.gateway_pid, "VmRSS");
        let started = std::time::Instant::now();
        setup::load_catalog(&client, GATEWAY_PORT, 1_000, extra_keys).await?;
        println!("created in {:.0} s", started.elapsed().as_secs_f64());
        tokio::time::sleep(Duration::from_secs(3)).await;
        let idle_loaded = memory_mib(paths.gateway_pid, "VmRSS");
        header();
        let loaded = compare(&client, &paths, &chat(100), false, 1_000, seconds).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after_run = memory_mib(paths.gateway_pid, "VmRSS");
        let peak = memory_mib(paths.gateway_pid, "VmHWM");
        println!(
            "gateway resident memory: {idle_before:.1} MiB idle before; {idle_loaded:.1} MiB idle with \
         the keys and models; {after_run:.1} MiB after the run; peak {peak:.1} MiB"
        );
        report["catalog"] = json!({
            "extra_keys": extra_keys, "extra_models": 1_000, "run": loaded,
            "rss_mib": { "idle_before": idle_before, "idle_loaded": idle_loaded,
                         "after_run": after_run, "peak": peak },
        });
    }
    drop(quiet);

    std::fs::create_dir_all("target/bench")?;
    std::fs::write(
        "target/bench/proxy.json",
        serde_json::to_string_pretty(&report)?,
    )?;
    plot::write("target/bench/proxy.svg", &rate_list, &plot_lines(&rates))
        .map_err(|e| e.to_string())?;
    println!("\nresults written to target/bench/proxy.json, plot to target/bench/proxy.svg");
    Ok(())
}

/// Draws the plot of an earlier run's results again, beside them (`BENCH_REPLOT=<json>`).
fn replot(results: &str) -> Result<(), Error> {
    let report: Value = serde_json::from_str(&std::fs::read_to_string(results)?)?;
    let rates = report["rates"].as_array().cloned().unwrap_or_default();
    let rate_list: Vec<u32> = rates
        .iter()
        .filter_map(|row| Some(row["rate"].as_u64()? as u32))
        .collect();
    let svg = std::path::Path::new(results).with_extension("svg");
    plot::write(&svg.to_string_lossy(), &rate_list, &plot_lines(&rates))
        .map_err(|e| e.to_string())?;
    println!("plot written to {}", svg.display());
    Ok(())
}

/// Runs the same load direct, through nginx and through the gateway; prints and returns it.
async fn compare(
    client: &reqwest::Client,
    paths: &Paths,
    gateway_body: &Value,
    stream: bool,
    rate: u32,
    seconds: u64,
) -> Value {
    let mut direct_body = gateway_body.clone();
    direct_body["model"] = json!("mock-chat");

    let direct = load::run(client, &paths.direct, &direct_body, stream, rate, seconds).await;
    print_row(rate, "direct", &direct, None);
    let mut row = json!({ "rate": rate, "direct": direct.to_json() });

    if let (Some(nginx), Some(pid)) = (&paths.nginx, paths.nginx_pid) {
        let before = Cost::of(pid);
        let via = load::run(client, nginx, &direct_body, stream, rate, seconds).await;
        let cost = Cost::of(pid).since(&before, via.ok);
        print_row(rate, "nginx", &via, Some(&cost));
        print_overhead("nginx hop", &via, &direct);
        row["nginx"] = via.to_json();
        cost.add_to(&mut row["nginx"]);
        row["nginx_overhead_ms"] = overhead(&via, &direct);
    }

    let before = Cost::of(paths.gateway_pid);
    let through = load::run(client, &paths.gateway, gateway_body, stream, rate, seconds).await;
    let cost = Cost::of(paths.gateway_pid).since(&before, through.ok);
    print_row(rate, "gateway", &through, Some(&cost));
    print_overhead("overhead", &through, &direct);
    row["gateway"] = through.to_json();
    cost.add_to(&mut row["gateway"]);
    row["overhead_ms"] = overhead(&through, &direct);
    row
}

/// A chat completion whose body is about `bytes` long.
fn chat(bytes: usize) -> Value {
    let content = "lorem ipsum ".repeat(bytes.saturating_sub(80) / 12 + 1);
    json!({ "model": "bench", "messages": [{ "role": "user", "content": content }] })
}

fn with_stream_headers(target: &Target) -> Target {
    let mut target = target.clone();
    target.headers = vec![
        ("x-mock-chunks", "10".into()),
        ("x-mock-chunk-delay-ms", "20".into()),
    ];
    target
}

fn header() {
    println!(
        "{:<9} {:<9} {:>7} {:>7} {:>7} {:>7} {:>9} {:>6} {:>10} {:>9}",
        "rate/s",
        "target",
        "p50",
        "p90",
        "p99",
        "max",
        "achieved",
        "errors",
        "cpu µs/req",
        "cs/req"
    );
}

fn print_row(rate: u32, target: &str, r: &RunResult, cost: Option<&Cost>) {
    let cpu = cost.map(|c| format!("{:.1}", c.cpu_us)).unwrap_or_default();
    let switches = cost
        .map(|c| format!("{:.1}", c.switches))
        .unwrap_or_default();
    println!(
        "{:<9} {:<9} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>9.0} {:>6} {:>10} {:>9}",
        rate,
        target,
        r.p(0.50),
        r.p(0.90),
        r.p(0.99),
        r.p(1.0),
        r.achieved_rate,
        r.errors,
        cpu,
        switches
    );
}

fn print_overhead(label: &str, through: &RunResult, direct: &RunResult) {
    println!(
        "{:<9} {:<9} {:>7.3} {:>7.3} {:>7.3}",
        "",
        label,
        through.p(0.50) - direct.p(0.50),
        through.p(0.90) - direct.p(0.90),
        through.p(0.99) - direct.p(0.99),
    );
}

fn overhead(through: &RunResult, direct: &RunResult) -> Value {
    json!({
        "p50": through.p(0.50) - direct.p(0.50),
        "p90": through.p(0.90) - direct.p(0.90),
        "p99": through.p(0.99) - direct.p(0.99),
    })
}

fn plot_lines(rates: &[Value]) -> Vec<plot::Line> {
    let mut lines = Vec::new();
    for (name, color) in [
        ("direct", plot::DIRECT),
        ("nginx", plot::NGINX),
        ("gateway", plot::GATEWAY),
    ] {
        for (q, thick) in [("p50_ms", true), ("p99_ms", false)] {
            let points: Vec<(u32, f64)> = rates
                .iter()
                .filter_map(|row| Some((row["rate"].as_u64()? as u32, row[name][q].as_f64()?)))
                .collect();
            if !points.is_empty() {
                let label = format!("{name} {}", &q[..3]);
                lines.push(plot::Line {
                    label,
                    color,
                    thick,
                    points,
                });
            }
        }
    }
    lines
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
