//! The Usage page's data: each user sees their own keys' usage, admins see everyone's.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::console::AppError;

/// Requests of one HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: u16,
    pub requests: i64,
}

/// Latency percentiles of one model, in milliseconds: the upper bound of the histogram
/// bucket each falls in (`None` when beyond the last bound, 60 s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelLatency {
    pub model: String,
    pub requests: i64,
    pub p50_ms: Option<u64>,
    pub p90_ms: Option<u64>,
    pub p99_ms: Option<u64>,
}

/// One key's totals over the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUsage {
    /// The key's name, or "deleted key".
    pub name: String,
    /// The owner's email; shown to admins, who see everyone's keys.
    pub owner: Option<String>,
    pub requests: i64,
    pub errors: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// A drawn series and its colour, for the legend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub color: String,
}

/// Everything the Usage page shows for one range and breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    /// Whether this is everyone's usage (admins) or the caller's own.
    pub everyone: bool,
    /// Hourly buckets (ranges up to a week) or daily ones.
    pub hourly: bool,
    pub from_ms: i64,
    pub to_ms: i64,
    pub requests: i64,
    pub errors: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub series: Vec<Series>,
    /// SVG, drawn on the server.
    pub requests_chart: String,
    pub tokens_chart: String,
    pub status_chart: String,
    pub statuses: Vec<StatusCount>,
    pub latency: Vec<ModelLatency>,
    pub keys: Vec<KeyUsage>,
}

/// Usage over `range` (`24h`, `7d`, `30d` or `90d`), broken down `by` `model` or `key`.
#[server(prefix = "/api", endpoint = "usage", input = Json)]
pub async fn load_usage(range: String, by: String) -> Result<UsageReport, AppError> {
    use crate::control::storage::now_ms;
    use crate::control::usage::{self, Breakdown, PALETTE, Range};

    let cx = super::context::request()?;
    let user = cx.require_user().await?;
    let range = Range::parse(&range)
        .ok_or_else(|| AppError::BadRequest("Pick a range of 24h, 7d, 30d or 90d.".into()))?;
    let by = match by.as_str() {
        "model" => Breakdown::Model,
        "key" => Breakdown::Key,
        _ => {
            return Err(AppError::BadRequest(
                "Break usage down by model or key.".into(),
            ));
        }
    };
    // Admins see everyone's usage; everyone else only their own keys'.
    let scope = (!user.is_admin).then_some(user.id.as_str());
    let report = usage::report(&cx.state.db, scope, range, by, now_ms()).await?;

    Ok(UsageReport {
        everyone: user.is_admin,
        hourly: report.hourly,
        from_ms: report.from_ms,
        to_ms: report.to_ms,
        requests: report.requests,
        errors: report.errors,
        prompt_tokens: report.prompt_tokens,
        completion_tokens: report.completion_tokens,
        series: report
            .series
            .into_iter()
            .zip(PALETTE.iter().cycle())
            .map(|(name, color)| Series {
                name,
                color: (*color).to_owned(),
            })
            .collect(),
        requests_chart: report.requests_chart,
        tokens_chart: report.tokens_chart,
        status_chart: report.status_chart,
        statuses: report
            .statuses
            .into_iter()
            .map(|(status, requests)| StatusCount { status, requests })
            .collect(),
        latency: report
            .latency
            .into_iter()
            .map(|m| ModelLatency {
                model: m.model,
                requests: m.requests,
                p50_ms: m.p50_ms,
                p90_ms: m.p90_ms,
                p99_ms: m.p99_ms,
            })
            .collect(),
        keys: report
            .keys
            .into_iter()
            .map(|k| KeyUsage {
                name: k.key_name.unwrap_or_else(|| "deleted key".into()),
                owner: k.owner_email.filter(|_| user.is_admin),
                requests: k.requests,
                errors: k.errors,
                prompt_tokens: k.prompt_tokens,
                completion_tokens: k.completion_tokens,
            })
            .collect(),
    })
}
