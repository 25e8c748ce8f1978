//! The Usage page's figures: totals, time series, statuses, latency percentiles and per-key
//! sums over a time range, read from the rollups, with the charts drawn on the server.

mod charts;

use std::collections::HashMap;

use crate::control::storage::usage::LATENCY_BUCKETS_MS;
pub use crate::control::storage::usage_report::Breakdown;
use crate::control::storage::usage_report::{KeyTotals, SeriesPoint, UsageScope};
use crate::control::storage::{Db, StorageError};
pub use charts::PALETTE;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Series drawn one by one; the rest are summed as "other".
const MAX_SERIES: usize = 6;

/// The time ranges the page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Day,
    Week,
    Month,
    Quarter,
}

impl Range {
    /// `24h`, `7d`, `30d` or `90d`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "24h" => Some(Range::Day),
            "7d" => Some(Range::Week),
            "30d" => Some(Range::Month),
            "90d" => Some(Range::Quarter),
            _ => None,
        }
    }

    /// Hourly buckets up to a week, daily ones beyond.
    fn bucket_ms(self) -> i64 {
        match self {
            Range::Day | Range::Week => HOUR_MS,
            Range::Month | Range::Quarter => DAY_MS,
        }
    }

    fn buckets(self) -> i64 {
        match self {
            Range::Day => 24,
            Range::Week => 7 * 24,
            Range::Month => 30,
            Range::Quarter => 90,
        }
    }
}

/// Latency percentiles of one model, as upper bounds of the histogram bucket they fall in
/// (`None`: beyond the last bound).
#[derive(Debug, Clone)]
pub struct LatencyRow {
    pub model: String,
    pub requests: i64,
    pub p50_ms: Option<u64>,
    pub p90_ms: Option<u64>,
    pub p99_ms: Option<u64>,
}

/// Everything the Usage page shows for one range.
#[derive(Debug, Clone)]
pub struct Report {
    pub hourly: bool,
    pub from_ms: i64,
    pub to_ms: i64,
    pub requests: i64,
    pub errors: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// The drawn series' names, in the order of [`PALETTE`].
    pub series: Vec<String>,
    pub requests_chart: String,
    pub tokens_chart: String,
    pub status_chart: String,
    pub statuses: Vec<(u16, i64)>,
    pub latency: Vec<LatencyRow>,
    pub keys: Vec<KeyTotals>,
}

/// The report for `user_id` (or everyone) over `range` up to `now_ms`.
pub async fn report(
    db: &Db,
    user_id: Option<&str>,
    range: Range,
    by: Breakdown,
    now_ms: i64,
) -> Result<Report, StorageError> {
    let width = range.bucket_ms();
    let to_ms = now_ms - now_ms.rem_euclid(width) + width;
    let from_ms = to_ms - range.buckets() * width;
    let scope = UsageScope {
        from_ms,
        to_ms,
        hourly: width == HOUR_MS,
        user_id,
    };

    let keys = db.usage_by_key(scope).await?;
    let points = db.usage_series(scope, by).await?;
    let statuses = db.usage_statuses(scope).await?;
    let latency = db
        .usage_latency(scope)
        .await?
        .into_iter()
        .map(|m| LatencyRow {
            p50_ms: percentile(&m.histogram, 0.50),
            p90_ms: percentile(&m.histogram, 0.90),
            p99_ms: percentile(&m.histogram, 0.99),
            model: m.model,
            requests: m.requests,
        })
        .collect();

    let names: HashMap<&str, String> = keys
        .iter()
        .map(|k| (k.key_id.as_str(), key_label(k, user_id.is_none())))
        .collect();
    let label = |name: &str| match by {
        Breakdown::Model if name.is_empty() => "(no model)".to_owned(),
        Breakdown::Model => name.to_owned(),
        Breakdown::Key => names.get(name).cloned().unwrap_or_else(|| name.to_owned()),
    };
    let times: Vec<i64> = (0..range.buckets()).map(|i| from_ms + i * width).collect();
    let requests = series(&points, &times, width, &label, |p| p.requests);
    let tokens = series(&points, &times, width, &label, |p| p.tokens);
    let hourly = width == HOUR_MS;

    Ok(Report {
        hourly,
        from_ms,
        to_ms,
        requests: keys.iter().map(|k| k.requests).sum(),
        errors: keys.iter().map(|k| k.errors).sum(),
        prompt_tokens: keys.iter().map(|k| k.prompt_tokens).sum(),
        completion_tokens: keys.iter().map(|k| k.completion_tokens).sum(),
        series: requests.iter().map(|(name, _)| name.clone()).collect(),
        requests_chart: charts::lines(&times, &requests, hourly),
        tokens_chart: charts::lines(&times, &align(&requests, tokens), hourly),
        status_chart: charts::statuses(&statuses),
        statuses,
        latency,
        keys,
    })
}

/// "name", or "name (owner)" when everyone's keys are shown; deleted keys say so.
fn key_label(key: &KeyTotals, with_owner: bool) -> String {
    let name = key.key_name.as_deref().unwrap_or("deleted key");
    match (&key.owner_email, with_owner) {
        (Some(owner), true) => format!("{name} ({owner})"),
        _ => name.to_owned(),
    }
}

/// One value per time bucket for each of the busiest series, and "other" for the rest.
fn series(
    points: &[SeriesPoint],
    times: &[i64],
    width: i64,
    label: &dyn Fn(&str) -> String,
    value: impl Fn(&SeriesPoint) -> i64,
) -> Vec<(String, Vec<i64>)> {
    let start = times.first().copied().unwrap_or(0);
    let mut by_name: HashMap<String, Vec<i64>> = HashMap::new();
    for point in points {
        let Ok(index) = usize::try_from((point.bucket_ms - start) / width) else {
            continue;
        };
        if index < times.len() {
            by_name
                .entry(label(&point.name))
                .or_insert_with(|| vec![0; times.len()])[index] += value(point);
        }
    }
    let mut all: Vec<(String, Vec<i64>)> = by_name.into_iter().collect();
    all.sort_by(|a, b| {
        let total = |s: &[i64]| s.iter().sum::<i64>();
        total(&b.1).cmp(&total(&a.1)).then(a.0.cmp(&b.0))
    });
    if all.len() > MAX_SERIES {
        let rest = all.split_off(MAX_SERIES - 1);
        let mut other = vec![0; times.len()];
        for (_, values) in rest {
            for (sum, v) in other.iter_mut().zip(values) {
                *sum += v;
            }
        }
        all.push(("other".into(), other));
    }
    all
}

/// `values` in the order (and with the colours) of `reference`, so that one legend serves
/// both charts; a series with no tokens is drawn flat.
fn align(
    reference: &[(String, Vec<i64>)],
    values: Vec<(String, Vec<i64>)>,
) -> Vec<(String, Vec<i64>)> {
    let len = reference.first().map_or(0, |(_, v)| v.len());
    let mut values: HashMap<String, Vec<i64>> = values.into_iter().collect();
    reference
        .iter()
        .map(|(name, _)| {
            let v = values.remove(name).unwrap_or_else(|| vec![0; len]);
            (name.clone(), v)
        })
        .collect()
}

/// The upper bound of the bucket holding the `q` quantile; `None` past the last bound.
fn percentile(histogram: &[i64], q: f64) -> Option<u64> {
    let total: i64 = histogram.iter().sum();
    if total == 0 {
        return Some(0);
    }
    let rank = (q * total as f64).ceil() as i64;
    let mut seen = 0;
    for (i, count) in histogram.iter().enumerate() {
        seen += count;
        if seen >= rank {
            return LATENCY_BUCKETS_MS.get(i).copied();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_the_bound_of_the_bucket_they_fall_in() {
        let mut histogram = vec![0; LATENCY_BUCKETS_MS.len() + 1];
        histogram[0] = 50; // ≤ 1 ms
        histogram[6] = 45; // ≤ 100 ms
        histogram[LATENCY_BUCKETS_MS.len()] = 5; // > 60 s
        assert_eq!(percentile(&histogram, 0.5), Some(1));
        assert_eq!(percentile(&histogram, 0.9), Some(100));
        assert_eq!(percentile(&histogram, 0.99), None);
    }

    #[test]
    fn series_keep_the_busiest_and_sum_the_rest() {
        let points: Vec<SeriesPoint> = (0..8)
            .map(|i| SeriesPoint {
                bucket_ms: HOUR_MS * (i % 2),
                name: format!("m{i}"),
                requests: 10 + i,
                tokens: 0,
            })
            .collect();
        let times = [0, HOUR_MS];
        let all = series(&points, &times, HOUR_MS, &|n| n.to_owned(), |p| p.requests);
        assert_eq!(all.len(), MAX_SERIES);
        assert_eq!(all[0], ("m7".to_owned(), vec![0, 17]));
        let other = all.last().unwrap();
        assert_eq!(other.0, "other");
        // m0, m1 and m2 are the quietest three: 10 + 12 in the first hour, 11 in the second.
        assert_eq!(other.1, vec![22, 11]);
    }
}
