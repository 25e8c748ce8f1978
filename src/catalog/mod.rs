//! The catalog: the in-memory snapshot (keys, models, aliases, providers and access) that
//! answers every `/ai/v1` request without the database. It is where the control plane and the data plane meet.
//!
//! The control plane writes to the database and then tells the catalog, before the server
//! function that made the change returns. Keys live in a concurrent map ([`Keys`]) and change
//! one at a time ([`Catalog::add_key`], [`Catalog::remove_keys`]), so creating a key costs the
//! same at a hundred keys as at a hundred thousand. Models, providers and access are rebuilt
//! together into an immutable [`Snapshot`] and swapped in atomically
//! ([`Catalog::reload_models`]); the data plane loads it with a lock-free pointer read.
//!
//! Each key's live state (its rate-limit bucket and in-memory "last used" time) stays with
//! its entry across every change that does not alter the key itself.
//!
//! With several replicas sharing one database, a replica sees another replica's changes only
//! when it reloads; this version reloads only after its own changes and at start.

pub mod api_key;
mod keys;
mod last_used;
mod models;
mod rate_limit;

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::control::Secret;
use crate::control::storage::api_keys::CatalogKeyRow;
use crate::control::storage::{Db, StorageError};
pub use keys::{KeyEntry, Keys};
pub use last_used::spawn_writer as spawn_last_used_writer;
pub use models::{ModelIndex, ModelRoute, ProviderRoute, Resolution};
pub use rate_limit::{Decision, RateLimit};

/// One immutable view of the models, their providers and who may use them.
#[derive(Default)]
pub struct Snapshot {
    pub models: ModelIndex,
}

/// Shared handle to the keys and the current snapshot; cheap to clone.
#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
}

struct Inner {
    keys: Keys,
    /// Keys used since the "last used" writer last ran: its work list, so that it never
    /// scans every key.
    used: std::sync::Mutex<Vec<Arc<KeyEntry>>>,
    snapshot: ArcSwap<Snapshot>,
    /// Serialises changes, so that an older read of the database never replaces a newer one.
    reload_lock: tokio::sync::Mutex<()>,
    /// Decrypts provider keys.
    secret: Secret,
}

impl Catalog {
    /// Loads the keys and builds the first snapshot from the database.
    pub async fn load(db: &Db, secret: Secret) -> Result<Self, StorageError> {
        let keys = Keys::default();
        keys.replace_all(&db.api_keys_for_catalog().await?);
        let snapshot = read_models(db, &secret).await?;
        Ok(Catalog {
            inner: Arc::new(Inner {
                keys,
                used: std::sync::Mutex::default(),
                snapshot: ArcSwap::from_pointee(snapshot),
                reload_lock: tokio::sync::Mutex::new(()),
                secret,
            }),
        })
    }

    /// Reloads everything from the database: keys and models (after deleting a user, whose
    /// keys went with them).
    pub async fn reload(&self, db: &Db) -> Result<(), StorageError> {
        let _serialised = self.inner.reload_lock.lock().await;
        self.inner
            .keys
            .replace_all(&db.api_keys_for_catalog().await?);
        let next = read_models(db, &self.inner.secret).await?;
        self.inner.snapshot.store(Arc::new(next));
        Ok(())
    }

    /// Rebuilds the models' snapshot from the database (providers, models, aliases, groups).
    pub async fn reload_models(&self, db: &Db) -> Result<(), StorageError> {
        let _serialised = self.inner.reload_lock.lock().await;
        let next = read_models(db, &self.inner.secret).await?;
        self.inner.snapshot.store(Arc::new(next));
        Ok(())
    }

    /// Adds a key that was just stored.
    pub async fn add_key(&self, row: &CatalogKeyRow) {
        let _serialised = self.inner.reload_lock.lock().await;
        self.inner.keys.upsert(row);
    }

    /// Removes keys that were just deleted, given the hashes stored with them; they are refused
    /// from this moment on.
    pub async fn remove_keys(&self, secret_hashes: &[String]) {
        let _serialised = self.inner.reload_lock.lock().await;
        for hash in secret_hashes {
            self.inner.keys.remove(hash);
        }
    }

    /// The current snapshot of the models.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.snapshot.load_full()
    }

    /// The keys.
    pub fn keys(&self) -> &Keys {
        &self.inner.keys
    }

    /// The key whose secret is `secret`, marking it used at `now_ms` (the request's arrival);
    /// `None` if no such key exists.
    pub fn authenticate(&self, secret: &str, now_ms: i64) -> Option<Arc<KeyEntry>> {
        let hash = api_key::hash(secret);
        let entry = self.inner.keys.by_hash(&hash)?;
        if entry.mark_used(now_ms) {
            self.queue_used(entry.clone());
        }
        Some(entry)
    }

    /// Queues a key whose "last used" time the writer must store (once a second at most).
    fn queue_used(&self, key: Arc<KeyEntry>) {
        if let Ok(mut used) = self.inner.used.lock() {
            used.push(key);
        }
    }

    /// Takes the keys queued for the "last used" writer.
    fn take_used(&self) -> Vec<Arc<KeyEntry>> {
        self.inner
            .used
            .lock()
            .map(|mut used| std::mem::take(&mut *used))
            .unwrap_or_default()
    }

    /// The most recent use of a key known in memory (it may not be written to the database yet).
    pub fn last_used(&self, secret_hash: &str) -> Option<i64> {
        self.inner
            .keys
            .by_stored_hash(secret_hash)
            .and_then(|k| k.last_used())
    }
}

/// Reads the models, providers and access and indexes them.
async fn read_models(db: &Db, secret: &Secret) -> Result<Snapshot, StorageError> {
    let providers = db.providers().await?;
    let models = db.models().await?;
    let access = db.access_rows().await?;
    Ok(Snapshot {
        models: ModelIndex::build(providers, models, access, secret),
    })
}
