//! What the gateway reports about its traffic, without slowing it down: a usage record per
//! `/ai/v1` request, handed to a bounded queue and written to the database in batches by a
//! background task ([`recorder`]), and Prometheus metrics served on their own listener
//! ([`metrics`]).

pub mod metrics;
pub mod recorder;

use std::sync::Arc;

pub use crate::control::storage::usage::UsageRecord;
pub use metrics::Metrics;
pub use recorder::{UsageQueue, UsageWriter};

/// The request path's handle on both; cheap to clone.
#[derive(Clone)]
pub struct Telemetry {
    pub metrics: Arc<Metrics>,
    pub usage: UsageQueue,
}
