//! Benchmark: what authenticating one `/ai/v1` request costs with 100,000 API keys loaded,
//! and how long the catalog snapshot takes to build and to rebuild at that size.
//!
//! Run with `make bench-catalog` (or
//! `cargo run --release --example bench_catalog --features ssr -- [KEYS]`).

use std::time::{Duration, Instant};

use control_layer::catalog::{Catalog, api_key};
use control_layer::control::storage::api_keys::{CatalogKeyRow, NewApiKey};
use control_layer::control::storage::users::NewUser;
use control_layer::control::storage::{Db, now_ms};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keys: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let db = Db::connect(&format!(
        "sqlite://{}/bench.db?mode=rwc",
        dir.path().display()
    ))
    .await?;
    db.migrate().await?;
    let user = db
        .insert_user(NewUser {
            email: "bench@localhost",
            display_name: "bench",
            password_hash: "unused",
            is_admin: false,
        })
        .await?;

    println!("storing {keys} API keys (a third with rate limits)…");
    let mut secrets = Vec::with_capacity(keys);
    for i in 0..keys {
        let secret = api_key::generate();
        let limited = i % 3 == 0;
        db.insert_api_key(NewApiKey {
            user_id: &user.id,
            name: "bench",
            description: "",
            secret_hash: &secret.hash_hex,
            display_prefix: &secret.display_prefix,
            requests_per_second: limited.then_some(10_000),
            burst_size: limited.then_some(50_000),
        })
        .await?;
        secrets.push(secret.secret);
    }

    let rss_before = rss_mib();
    let started = Instant::now();
    let secret = control_layer::control::Secret::load_or_create(Some("bench"), dir.path())?;
    let catalog = Catalog::load(&db, secret).await?;
    let load = started.elapsed();
    let rss_after = rss_mib();

    let mut rebuilds = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        catalog.reload(&db).await?;
        rebuilds.push(started.elapsed());
    }
    rebuilds.sort();

    // What creating and deleting one key costs the catalog at this size.
    let mut changes = Vec::new();
    for i in 0..1_000 {
        let row = CatalogKeyRow {
            id: format!("extra-{i}"),
            user_id: user.id.clone(),
            secret_hash: api_key::generate().hash_hex,
            requests_per_second: Some(10),
            burst_size: Some(10),
            last_used_at: None,
        };
        let started = Instant::now();
        catalog.add_key(&row).await;
        catalog.remove_keys(&[row.id]).await;
        changes.push(started.elapsed());
    }
    changes.sort();

    // Authentication as the request path does it: hash, look up, mark used, rate limit.
    let rounds = 1_000_000;
    let mut samples = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let secret = &secrets[(i * 7919) % secrets.len()];
        let started = Instant::now();
        let key = catalog.authenticate(secret, now_ms()).expect("known key");
        std::hint::black_box(key.check_rate_limit());
        samples.push(started.elapsed());
    }
    samples.sort();
    let unknown = format!("sk-cl-{}", "x".repeat(40));
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(catalog.authenticate(std::hint::black_box(&unknown), now_ms()));
    }
    let unknown_mean = started.elapsed() / rounds as u32;

    println!();
    println!("keys loaded                     {keys}");
    println!("first load                      {}", ms(load));
    println!(
        "full reload p50 / max           {} / {}",
        ms(rebuilds[2]),
        ms(rebuilds[4])
    );
    println!(
        "add + remove one key p50 / max  {} / {}",
        ns(percentile(&changes, 0.5)),
        ns(percentile(&changes, 1.0))
    );
    println!(
        "resident memory for the catalog ~{:.1} MiB",
        rss_after - rss_before
    );
    println!(
        "authenticate + rate limit       p50 {} · p99 {} · p99.9 {} · mean {}",
        ns(percentile(&samples, 0.50)),
        ns(percentile(&samples, 0.99)),
        ns(percentile(&samples, 0.999)),
        ns(samples.iter().sum::<Duration>() / rounds as u32),
    );
    println!("unknown key (mean)              {}", ns(unknown_mean));
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn ns(d: Duration) -> String {
    format!("{} ns", d.as_nanos())
}

/// Resident memory of this process, from /proc (0 where there is no /proc).
fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}
