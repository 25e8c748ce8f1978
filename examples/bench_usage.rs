//! Benchmark: the Usage page's queries at ten million records, and the writer's throughput.
//!
//! It fills a fresh SQLite database through the same batch writer the gateway uses (raw
//! records plus the hourly and daily rollups, in transactions of 2,048), with traffic spread
//! over the last 90 days: 50 users, 200 keys, 20 models, mostly successes with some 429s and
//! 5xx. Then it times the Usage page's report, as a user and as an admin, for each range and
//! breakdown, and prints the median of five runs.
//!
//! Run with `make bench-usage` (or `cargo run --release --example bench_usage --features ssr`);
//! `BENCH_USAGE_RECORDS` sets the number of records (default 10,000,000). The database is
//! written to a temporary directory and removed afterwards.

use std::time::{Duration, Instant};

use control_layer::control::storage::usage::UsageRecord;
use control_layer::control::storage::{Db, now_ms};
use control_layer::control::usage::{self, Breakdown, Range};

const USERS: u64 = 50;
const KEYS_PER_USER: u64 = 4;
const MODELS: u64 = 20;
const DAYS: i64 = 90;
const BATCH: usize = 2_048;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: u64 = std::env::var("BENCH_USAGE_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("usage.db").display()
    );
    let db = Db::connect(&url).await?;
    db.migrate().await?;

    println!("writing {total} usage records over {DAYS} days through the batch writer…");
    let now = now_ms();
    let start = now - DAYS * 86_400_000;
    let step = (DAYS * 86_400_000) as f64 / total as f64;
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut batch = Vec::with_capacity(BATCH);
    let began = Instant::now();
    for i in 0..total {
        batch.push(record(&mut rng, start + (i as f64 * step) as i64));
        if batch.len() == BATCH || i + 1 == total {
            db.insert_usage(&batch).await?;
            batch.clear();
        }
        if (i + 1) % 1_000_000 == 0 {
            println!(
                "  {} records, {:.0} s",
                i + 1,
                began.elapsed().as_secs_f64()
            );
        }
    }
    let elapsed = began.elapsed().as_secs_f64();
    println!(
        "wrote {total} records in {elapsed:.1} s: {:.0} records/s",
        total as f64 / elapsed
    );
    let size = std::fs::metadata(dir.path().join("usage.db"))?.len();
    println!("database size: {:.0} MiB\n", size as f64 / 1_048_576.0);

    println!("Usage page report (all its queries), median of 5 runs, ms:");
    println!(
        "{:<8} {:<7} {:>10} {:>10}",
        "range", "by", "one user", "admin"
    );
    for (name, range) in [
        ("24h", Range::Day),
        ("7d", Range::Week),
        ("30d", Range::Month),
        ("90d", Range::Quarter),
    ] {
        for (by_name, by) in [("model", Breakdown::Model), ("key", Breakdown::Key)] {
            let user = time(&db, Some("user-7"), range, by, now).await?;
            let admin = time(&db, None, range, by, now).await?;
            println!(
                "{name:<8} {by_name:<7} {:>10.1} {:>10.1}",
                ms(user),
                ms(admin)
            );
        }
    }
    Ok(())
}

async fn time(
    db: &Db,
    user: Option<&str>,
    range: Range,
    by: Breakdown,
    now: i64,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let mut runs = Vec::new();
    for _ in 0..5 {
        let began = Instant::now();
        let report = usage::report(db, user, range, by, now).await?;
        runs.push(began.elapsed());
        assert!(report.requests > 0, "the report sees the records");
    }
    runs.sort();
    Ok(runs[2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One plausible request at `at_ms`.
fn record(rng: &mut XorShift, at_ms: i64) -> UsageRecord {
    let user = rng.below(USERS);
    let key = user * KEYS_PER_USER + rng.below(KEYS_PER_USER);
    // Each key mostly sticks to a few models.
    let model = (key * 7 + rng.below(3)) % MODELS;
    let status = match rng.below(100) {
        0..=94 => 200,
        95..=97 => 429,
        98 => 500,
        _ => 503,
    };
    let ok = status == 200;
    let latency_us = 50_000 + rng.below(3_000_000);
    UsageRecord {
        at_ms,
        key_id: format!("key-{key}").into(),
        user_id: format!("user-{user}").into(),
        requested_model: format!("model-{model}"),
        model: format!("model-{model}").into(),
        upstream_model: format!("upstream-{model}").into(),
        provider_id: format!("provider-{}", model % 3).into(),
        status,
        ttfb_us: latency_us / 4,
        latency_us,
        streamed: rng.below(2) == 0,
        prompt_tokens: ok.then(|| 20 + rng.below(2_000)),
        completion_tokens: ok.then(|| 5 + rng.below(800)),
    }
}

/// A small, fast pseudo-random generator (xorshift64): the data need only look varied.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}
