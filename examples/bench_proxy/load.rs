//! The load generator: open loop at a fixed rate, latency measured from each request's
//! scheduled send time (so a stalled sender cannot hide queueing).
//!
//! The schedule is kept by an OS thread with `std::thread::sleep` (tens of microseconds late at
//! most) rather than by the async runtime's timer, whose millisecond ticks would add up to a
//! millisecond of noise to every sample.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value, json};

/// One target of a run: where to send, and with which key and headers.
#[derive(Clone)]
pub struct Target {
    pub url: String,
    pub key: Option<String>,
    pub headers: Vec<(&'static str, String)>,
}

/// Latencies (ms) of one run, sorted, with counts.
#[derive(Default)]
pub struct RunResult {
    pub latencies_ms: Vec<f64>,
    pub ok: usize,
    pub errors: usize,
    pub achieved_rate: f64,
    /// For streams: the gaps between chunks (ms), sorted.
    pub gaps_ms: Vec<f64>,
}

impl RunResult {
    pub fn p(&self, q: f64) -> f64 {
        percentile(&self.latencies_ms, q)
    }

    pub fn to_json(&self) -> Value {
        let mut value = json!({
            "p50_ms": self.p(0.50), "p90_ms": self.p(0.90), "p99_ms": self.p(0.99),
            "max_ms": self.p(1.0), "ok": self.ok, "errors": self.errors,
            "achieved_rate": self.achieved_rate,
        });
        if !self.gaps_ms.is_empty() {
            value["chunk_gap_ms"] = json!({
                "p50": percentile(&self.gaps_ms, 0.5),
                "p99": percentile(&self.gaps_ms, 0.99),
                "max": percentile(&self.gaps_ms, 1.0),
            });
        }
        value
    }
}

pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Sends `rate` requests a second for `seconds`. For a non-streamed request the latency is
/// to the end of the body; with `stream`, it is to the first chunk, and the gaps between
/// later chunks are kept too.
pub async fn run(
    client: &reqwest::Client,
    target: &Target,
    body: &Value,
    stream: bool,
    rate: u32,
    seconds: u64,
) -> RunResult {
    let body = Bytes::from(serde_json::to_vec(body).expect("a JSON body"));
    let total = rate as u64 * seconds;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let samples = Arc::new(Mutex::new(RunResult::default()));

    // Warm up at the same rate (a fifth of a second, unmeasured), so that connection pools on
    // every hop are open and the first samples do not measure TCP handshakes.
    let mut warm = Vec::new();
    for _ in 0..(rate / 5).max(10) {
        let send = request(client, target, body.clone()).send();
        warm.push(tokio::spawn(async move {
            if let Ok(response) = send.await {
                let _ = response.bytes().await;
            }
        }));
        tokio::time::sleep(interval).await;
    }
    for task in warm {
        let _ = task.await;
    }

    let (tick, mut ticks) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let started = Instant::now() + Duration::from_millis(5);
    std::thread::spawn(move || {
        for i in 0..total {
            let at = started + interval.mul_f64(i as f64);
            if let Some(wait) = at.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            if tick.send(at).is_err() {
                return;
            }
        }
    });

    let mut tasks = Vec::with_capacity(total as usize);
    while let Some(scheduled) = ticks.recv().await {
        let send = request(client, target, body.clone()).send();
        let samples = samples.clone();
        tasks.push(tokio::spawn(async move {
            let outcome = match send.await {
                Ok(response) if response.status().is_success() => {
                    read(response, scheduled, stream).await
                }
                _ => None,
            };
            let mut samples = samples.lock().expect("no panics while holding it");
            match outcome {
                Some((latency, gaps)) => {
                    samples.latencies_ms.push(latency);
                    samples.gaps_ms.extend(gaps);
                }
                None => samples.errors += 1,
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed().as_secs_f64();

    let mut result = std::mem::take(&mut *samples.lock().expect("no panics"));
    result.latencies_ms.sort_by(f64::total_cmp);
    result.gaps_ms.sort_by(f64::total_cmp);
    result.ok = result.latencies_ms.len();
    result.achieved_rate = result.ok as f64 / elapsed;
    result
}

/// Reads a response: (latency in ms, gaps between chunks in ms), or `None` if it failed.
async fn read(
    response: reqwest::Response,
    scheduled: Instant,
    stream: bool,
) -> Option<(f64, Vec<f64>)> {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    if !stream {
        response.bytes().await.ok()?;
        return Some((ms(scheduled.elapsed()), Vec::new()));
    }
    let mut chunks = response.bytes_stream();
    let mut first = None;
    let mut last = Instant::now();
    let mut gaps = Vec::new();
    while let Some(chunk) = chunks.next().await {
        chunk.ok()?;
        let now = Instant::now();
        match first {
            None => first = Some(ms(now - scheduled)),
            Some(_) => gaps.push(ms(now - last)),
        }
        last = now;
    }
    Some((first?, gaps))
}

fn request(client: &reqwest::Client, target: &Target, body: Bytes) -> reqwest::RequestBuilder {
    let mut request = client
        .post(&target.url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = &target.key {
        request = request.bearer_auth(key);
    }
    for (name, value) in &target.headers {
        request = request.header(*name, value);
    }
    request
}
