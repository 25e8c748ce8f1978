//! Writes "last used" times to the database in the background, in batches.
//!
//! The request path only stores a time in memory. Every interval, the writer collects the keys
//! whose time moved and writes them in one transaction. A crash loses at most one interval of
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

/// Writes every pending "last used" time now.
pub async fn flush(catalog: &Catalog, db: &Db) {
    let keys = catalog.keys().all();
    let batch: Vec<(String, i64)> = keys
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
        for (id, _) in &batch {
            if let Some(key) = catalog.keys().by_id(id) {
                key.mark_dirty();
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
