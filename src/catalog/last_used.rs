//! Writes "last used" times to the database in the background, in batches.
//!
//! The request path only stores a time in memory, and queues the key the first time its time
//! moves after a write. Every interval, the writer takes that queue and writes the times in one
//! transaction. A crash loses at most one interval of
//! "last used" updates; a graceful shutdown writes the rest (see [`flush`]).

use std::time::Duration;

use super::Catalog;
use crate::control::storage::Db;

/// Starts the writer; it runs until the process ends.
pub fn spawn_writer(catalog: Catalog, db: Db, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            flush(&catalog, &db).await;
        }
    })
}

/// Writes every pending "last used" time now: those of the keys used since the last run.
pub async fn flush(catalog: &Catalog, db: &Db) {
    let used = catalog.take_used();
    let batch: Vec<(String, i64)> = used
        .iter()
        .filter_map(|key| {
            key.take_dirty_last_used()
                .map(|at| (key.id.to_string(), at))
        })
        .collect();
    if batch.is_empty() {
        return;
    }

    if let Err(err) = db.record_last_used(&batch).await {
        tracing::warn!(error = %err, keys = batch.len(), "could not record last use; will retry");
        for key in used {
            if key.mark_dirty() {
                catalog.queue_used(key);
            }
        }
    }
}

impl Catalog {
    /// Writes every pending "last used" time now; for shutdown and tests.
    pub async fn flush_last_used(&self, db: &Db) {
        flush(self, db).await;
    }
}
