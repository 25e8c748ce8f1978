//! The usage queue and its writer.
//!
//! The request path hands a record to a bounded channel with `try_send`: it never waits. Every
//! interval the writer takes what is queued, in batches, and writes each batch in one
//! transaction. When a write fails (the database is down or locked) the writer keeps that batch
//! and retries it at the next tick, taking nothing new meanwhile; the queue fills up to its
//! capacity, and what no longer fits is dropped and counted. A graceful shutdown writes
//! everything still queued.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::{Metrics, UsageRecord};
use crate::control::storage::Db;

/// Records written per transaction, at most.
const BATCH: usize = 2_048;
/// Attempts to write a batch at shutdown before giving it up.
const SHUTDOWN_ATTEMPTS: usize = 3;

/// The request path's end of the queue; cheap to clone.
#[derive(Clone)]
pub struct UsageQueue {
    /// `None` when recording is turned off.
    sender: Option<mpsc::Sender<UsageRecord>>,
    metrics: Arc<Metrics>,
}

impl UsageQueue {
    /// A queue that records nothing.
    pub fn disabled(metrics: Arc<Metrics>) -> Self {
        UsageQueue {
            sender: None,
            metrics,
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.sender.is_some()
    }

    /// Queues `record`, or counts it as dropped if the queue is full.
    pub fn submit(&self, record: UsageRecord) {
        if let Some(sender) = &self.sender
            && sender.try_send(record).is_err()
        {
            self.metrics.usage_dropped.inc();
        }
    }

    /// Records waiting to be written.
    pub fn depth(&self) -> usize {
        self.sender
            .as_ref()
            .map_or(0, |s| s.max_capacity() - s.capacity())
    }
}

/// The running writer; [`UsageWriter::finish`] flushes it at shutdown.
pub struct UsageWriter {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// Creates the queue (holding at most `capacity` records) and starts its writer.
pub fn start(
    db: Db,
    metrics: Arc<Metrics>,
    capacity: usize,
    interval: Duration,
) -> (UsageQueue, UsageWriter) {
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    let (stop, stopped) = oneshot::channel();
    let writer = Writer {
        db,
        metrics: metrics.clone(),
        receiver,
        pending: Vec::new(),
    };
    let task = tokio::spawn(writer.run(interval, stopped));
    let queue = UsageQueue {
        sender: Some(sender),
        metrics,
    };
    (queue, UsageWriter { stop, task })
}

impl UsageWriter {
    /// Writes everything queued, then stops the writer; gives up after `timeout`.
    pub async fn finish(self, timeout: Duration) {
        let _ = self.stop.send(());
        if tokio::time::timeout(timeout, self.task).await.is_err() {
            tracing::warn!("usage writer did not finish in time; unwritten records are lost");
        }
    }
}

struct Writer {
    db: Db,
    metrics: Arc<Metrics>,
    receiver: mpsc::Receiver<UsageRecord>,
    /// The batch being written; kept across failed attempts.
    pending: Vec<UsageRecord>,
}

impl Writer {
    async fn run(mut self, interval: Duration, mut stopped: oneshot::Receiver<()>) {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = &mut stopped => break,
            }
            while self.fill() {
                if !self.write().await {
                    break;
                }
            }
        }

        // Shutdown: requests have finished; write what is queued, retrying a little.
        while self.fill() {
            let mut written = false;
            for _ in 0..SHUTDOWN_ATTEMPTS {
                if self.write().await {
                    written = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if !written {
                let lost = self.pending.len() + self.receiver.len();
                self.metrics.usage_dropped.inc_by(lost as u64);
                tracing::error!(records = lost, "could not write usage records at shutdown");
                return;
            }
        }
    }

    /// Takes the next batch from the queue unless a failed one is still pending (it is retried
    /// as it was); false when there is nothing to write.
    fn fill(&mut self) -> bool {
        if !self.pending.is_empty() {
            return true;
        }
        while self.pending.len() < BATCH {
            match self.receiver.try_recv() {
                Ok(record) => self.pending.push(record),
                Err(_) => break,
            }
        }
        !self.pending.is_empty()
    }

    /// Writes the pending batch; true when it was written.
    async fn write(&mut self) -> bool {
        match self.db.insert_usage(&self.pending).await {
            Ok(()) => {
                self.metrics.usage_written.inc_by(self.pending.len() as u64);
                self.pending.clear();
                true
            }
            Err(err) => {
                tracing::warn!(error = %err, records = self.pending.len(),
                    "could not write usage records; will retry");
                false
            }
        }
    }
}
