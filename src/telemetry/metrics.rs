//! Prometheus metrics, in a registry of the gateway's own (tests run many gateways in one
//! process) and served in the text exposition format on a separate listener.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};

/// Buckets of the request latency histogram, in seconds: model answers take up to minutes.
const LATENCY_BUCKETS: [f64; 16] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];

/// Buckets of the gateway overhead histogram, in seconds: tens of microseconds and up.
const OVERHEAD_BUCKETS: [f64; 12] = [
    0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/// Every metric the gateway exports.
pub struct Metrics {
    registry: Registry,
    /// `/ai/v1` requests by model (the resolved name, "" when none) and status.
    pub requests: IntCounterVec,
    /// Time from a request's arrival to the end of its response body, by model.
    pub latency: HistogramVec,
    /// Time spent in the gateway itself: time to the response head minus the provider's.
    pub overhead: Histogram,
    /// Provider failures by provider name and kind (`unreachable`, `timeout`, `status_5xx`…).
    pub upstream_errors: IntCounterVec,
    /// Requests refused by a key's rate limit.
    pub rate_limited: IntCounter,
    /// Usage records waiting to be written.
    pub usage_queue_depth: IntGauge,
    /// Usage records dropped because the queue was full (the database slow or down).
    pub usage_dropped: IntCounter,
    /// Usage records written to the database.
    pub usage_written: IntCounter,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("control_layer".into()), None)
            .expect("a static prefix is a valid registry");
        let metrics = Metrics {
            requests: IntCounterVec::new(
                Opts::new("requests_total", "/ai/v1 requests by model and status"),
                &["model", "status"],
            )
            .expect("valid metric"),
            latency: HistogramVec::new(
                HistogramOpts::new(
                    "request_duration_seconds",
                    "Time from a request's arrival to the end of its response",
                )
                .buckets(LATENCY_BUCKETS.to_vec()),
                &["model"],
            )
            .expect("valid metric"),
            overhead: Histogram::with_opts(
                HistogramOpts::new(
                    "gateway_overhead_seconds",
                    "Time to the response head spent in the gateway, not waiting for the provider",
                )
                .buckets(OVERHEAD_BUCKETS.to_vec()),
            )
            .expect("valid metric"),
            upstream_errors: IntCounterVec::new(
                Opts::new(
                    "upstream_errors_total",
                    "Provider failures by provider and kind",
                ),
                &["provider", "kind"],
            )
            .expect("valid metric"),
            rate_limited: IntCounter::new(
                "rate_limited_total",
                "Requests refused by a key's rate limit",
            )
            .expect("valid metric"),
            usage_queue_depth: IntGauge::new(
                "usage_queue_depth",
                "Usage records waiting to be written",
            )
            .expect("valid metric"),
            usage_dropped: IntCounter::new(
                "usage_records_dropped_total",
                "Usage records dropped because the queue was full",
            )
            .expect("valid metric"),
            usage_written: IntCounter::new(
                "usage_records_written_total",
                "Usage records written to the database",
            )
            .expect("valid metric"),
            registry,
        };
        for collector in [
            Box::new(metrics.requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(metrics.latency.clone()),
            Box::new(metrics.overhead.clone()),
            Box::new(metrics.upstream_errors.clone()),
            Box::new(metrics.rate_limited.clone()),
            Box::new(metrics.usage_queue_depth.clone()),
            Box::new(metrics.usage_dropped.clone()),
            Box::new(metrics.usage_written.clone()),
        ] {
            metrics
                .registry
                .register(collector)
                .expect("each metric is registered once");
        }
        metrics
    }

    /// The exposition text of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(error = %err, "could not encode metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Serves `path` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    path: String,
    telemetry: super::Telemetry,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    let router = Router::new()
        .route(&path, get(scrape))
        .with_state(telemetry);
    if let Err(err) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::warn!(error = %err, ?address, "metrics listener failed");
    }
}

async fn scrape(State(telemetry): State<super::Telemetry>) -> impl IntoResponse {
    let metrics = &telemetry.metrics;
    metrics
        .usage_queue_depth
        .set(i64::try_from(telemetry.usage.depth()).unwrap_or(i64::MAX));
    (
        [(
            header::CONTENT_TYPE,
            TextEncoder::new().format_type().to_owned(),
        )],
        metrics.render(),
    )
}
