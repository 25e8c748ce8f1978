//! The catalog: the in-memory snapshot (keys, models, aliases, providers and access) that
//! answers every `/ai/v1` request without the database. It is where the control plane and the data plane meet.
//!
//! The control plane writes to the database and then calls [`Catalog::reload`], which reads
//! everything the data plane needs and swaps in a new [`Snapshot`] atomically, before the
//! server function that made the change returns. The data plane only ever loads the current
//! snapshot, a lock-free pointer read.
//!
//! State that lives between reloads (each key's rate-limit bucket and its in-memory "last
//! used" time) is carried from the old snapshot to the new one by key id, so a reload for an
//! unrelated change resets nothing.
//!
//! With several replicas sharing one database, a replica sees another replica's changes only
//! when it reloads; this version reloads only after its own changes and at start.

pub mod api_key;
mod last_used;
mod models;
mod rate_limit;
mod snapshot;

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::control::Secret;
use crate::control::storage::{Db, StorageError};
pub use last_used::spawn_writer as spawn_last_used_writer;
pub use models::{ModelIndex, ModelRoute, ProviderRoute, Resolution};
pub use rate_limit::{Decision, RateLimit};
pub use snapshot::{KeyEntry, Snapshot};

/// Shared handle to the current snapshot; cheap to clone.
#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
}

struct Inner {
    snapshot: ArcSwap<Snapshot>,
    /// Serialises reloads, so that an older read of the database never replaces a newer one.
    reload_lock: tokio::sync::Mutex<()>,
    /// Decrypts provider keys.
    secret: Secret,
}

impl Catalog {
    /// Builds the first snapshot from the database.
    pub async fn load(db: &Db, secret: Secret) -> Result<Self, StorageError> {
        let snapshot = read(db, &secret, None).await?;
        Ok(Catalog {
            inner: Arc::new(Inner {
                snapshot: ArcSwap::from_pointee(snapshot),
                reload_lock: tokio::sync::Mutex::new(()),
                secret,
            }),
        })
    }

    /// Rebuilds the snapshot from the database and makes it current.
    pub async fn reload(&self, db: &Db) -> Result<(), StorageError> {
        let _serialised = self.inner.reload_lock.lock().await;
        let previous = self.inner.snapshot.load_full();
        let next = read(db, &self.inner.secret, Some(&previous)).await?;
        self.inner.snapshot.store(Arc::new(next));
        Ok(())
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.snapshot.load_full()
    }

    /// The key whose secret is `secret`, marking it used now; `None` if no such key exists.
    pub fn authenticate(&self, secret: &str) -> Option<Arc<KeyEntry>> {
        let hash = api_key::hash(secret);
        let entry = self.inner.snapshot.load().key_by_hash(&hash)?;
        entry.mark_used(crate::control::storage::now_ms());
        Some(entry)
    }

    /// The most recent use of a key known in memory (it may not be written to the database yet).
    pub fn last_used(&self, key_id: &str) -> Option<i64> {
        self.inner
            .snapshot
            .load()
            .key_by_id(key_id)
            .and_then(|k| k.last_used())
    }
}

/// Reads everything the data plane needs and indexes it.
async fn read(
    db: &Db,
    secret: &Secret,
    previous: Option<&Snapshot>,
) -> Result<Snapshot, StorageError> {
    let keys = db.api_keys_for_catalog().await?;
    let providers = db.providers().await?;
    let models = db.models().await?;
    let access = db.access_rows().await?;

    let mut snapshot = Snapshot::build(keys, previous);
    snapshot.models = ModelIndex::build(providers, models, access, secret);
    Ok(snapshot)
}
