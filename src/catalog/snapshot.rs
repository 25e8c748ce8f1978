//! One immutable view of the keys, built from the database, indexed for the request path.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use super::models::ModelIndex;
use super::rate_limit::{Decision, Limiter, RateLimit};
use crate::control::storage::api_keys::CatalogKeyRow;

/// "Last used" is kept to the second: a busy key touches its clock once a second, not on
/// every request.
const LAST_USED_RESOLUTION_MS: i64 = 1_000;

/// An API key as the data plane sees it.
pub struct KeyEntry {
    pub id: Arc<str>,
    pub user_id: Arc<str>,
    limiter: Option<Limiter>,
    /// Milliseconds since the epoch; 0 for never.
    last_used_ms: AtomicI64,
    /// Set when `last_used_ms` moved and the database has not been told yet.
    dirty: AtomicBool,
}

impl KeyEntry {
    fn new(row: &CatalogKeyRow, limit: Option<RateLimit>) -> Self {
        KeyEntry {
            id: row.id.as_str().into(),
            user_id: row.user_id.as_str().into(),
            limiter: limit.map(Limiter::new),
            last_used_ms: AtomicI64::new(row.last_used_at.unwrap_or(0)),
            dirty: AtomicBool::new(false),
        }
    }

    /// Applies the key's rate limit to one request.
    pub fn check_rate_limit(&self) -> Decision {
        match &self.limiter {
            Some(limiter) => limiter.check(),
            None => Decision::Unlimited,
        }
    }

    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.limiter.as_ref().map(Limiter::limit)
    }

    pub fn mark_used(&self, now_ms: i64) {
        let previous = self.last_used_ms.load(Ordering::Relaxed);
        if now_ms >= previous + LAST_USED_RESOLUTION_MS {
            self.last_used_ms.store(now_ms, Ordering::Relaxed);
            self.dirty.store(true, Ordering::Release);
        }
    }

    pub fn last_used(&self) -> Option<i64> {
        Some(self.last_used_ms.load(Ordering::Relaxed)).filter(|&ms| ms > 0)
    }

    /// The last-used time if it changed since the previous call.
    pub(super) fn take_dirty_last_used(&self) -> Option<i64> {
        if self.dirty.swap(false, Ordering::AcqRel) {
            self.last_used()
        } else {
            None
        }
    }

    pub(super) fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::Release);
    }
}

/// All keys, by the hash of their secret (for authentication) and by id, and the models.
#[derive(Default)]
pub struct Snapshot {
    by_hash: HashMap<[u8; 32], Arc<KeyEntry>>,
    by_id: HashMap<Arc<str>, Arc<KeyEntry>>,
    pub models: ModelIndex,
}

impl Snapshot {
    /// Builds a snapshot from `rows`, keeping the live state of keys that `previous` knew.
    pub fn build(rows: Vec<CatalogKeyRow>, previous: Option<&Snapshot>) -> Self {
        let mut snapshot = Snapshot {
            by_hash: HashMap::with_capacity(rows.len()),
            by_id: HashMap::with_capacity(rows.len()),
            models: ModelIndex::default(),
        };

        for row in rows {
            let Some(hash) = decode_hash(&row.secret_hash) else {
                tracing::warn!(key_id = %row.id, "skipping an API key with a corrupt hash");
                continue;
            };
            let limit = RateLimit::from_stored(row.requests_per_second, row.burst_size);

            // An unchanged key keeps its entry: same bucket, same in-memory last use.
            let entry = match previous.and_then(|p| p.by_id.get(row.id.as_str())) {
                Some(old) if old.rate_limit() == limit && *old.user_id == *row.user_id => {
                    old.clone()
                }
                _ => Arc::new(KeyEntry::new(&row, limit)),
            };
            snapshot.by_id.insert(entry.id.clone(), entry.clone());
            snapshot.by_hash.insert(hash, entry);
        }
        snapshot
    }

    pub fn key_by_hash(&self, hash: &[u8; 32]) -> Option<Arc<KeyEntry>> {
        self.by_hash.get(hash).cloned()
    }

    pub fn key_by_id(&self, id: &str) -> Option<&Arc<KeyEntry>> {
        self.by_id.get(id)
    }

    pub fn keys(&self) -> impl Iterator<Item = &Arc<KeyEntry>> {
        self.by_id.values()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

fn decode_hash(hex_hash: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(hex_hash).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::api_key;

    fn row(id: &str, secret: &str, rps: Option<i64>) -> CatalogKeyRow {
        CatalogKeyRow {
            id: id.into(),
            user_id: "user".into(),
            secret_hash: hex::encode(api_key::hash(secret)),
            requests_per_second: rps,
            burst_size: rps,
            last_used_at: None,
        }
    }

    #[test]
    fn keys_are_found_by_the_hash_of_their_secret() {
        let snapshot = Snapshot::build(vec![row("a", "sk-cl-one", None)], None);
        assert_eq!(
            &*snapshot
                .key_by_hash(&api_key::hash("sk-cl-one"))
                .unwrap()
                .id,
            "a"
        );
        assert!(snapshot.key_by_hash(&api_key::hash("sk-cl-two")).is_none());
    }

    #[test]
    fn a_rebuild_keeps_buckets_and_last_use_of_unchanged_keys() {
        let first = Snapshot::build(vec![row("a", "sk-cl-one", Some(1))], None);
        let a = first.key_by_id("a").unwrap();
        assert!(matches!(a.check_rate_limit(), Decision::Allowed { .. }));
        a.mark_used(5_000);

        let second = Snapshot::build(
            vec![row("a", "sk-cl-one", Some(1)), row("b", "sk-cl-two", None)],
            Some(&first),
        );
        let a = second.key_by_id("a").unwrap();
        assert_eq!(a.last_used(), Some(5_000));
        assert!(
            matches!(a.check_rate_limit(), Decision::Limited { .. }),
            "bucket still empty"
        );
        assert_eq!(second.len(), 2);
    }

    #[test]
    fn a_changed_limit_gets_a_fresh_bucket() {
        let first = Snapshot::build(vec![row("a", "sk-cl-one", Some(1))], None);
        first.key_by_id("a").unwrap().check_rate_limit();
        let second = Snapshot::build(vec![row("a", "sk-cl-one", Some(5))], Some(&first));
        let decision = second.key_by_id("a").unwrap().check_rate_limit();
        assert_eq!(
            decision,
            Decision::Allowed {
                limit: 5,
                remaining: 4
            }
        );
    }

    #[test]
    fn last_use_is_recorded_once_a_second_and_reported_once() {
        let snapshot = Snapshot::build(vec![row("a", "sk-cl-one", None)], None);
        let a = snapshot.key_by_id("a").unwrap();
        assert_eq!(a.last_used(), None);
        a.mark_used(10_000);
        a.mark_used(10_500);
        assert_eq!(a.take_dirty_last_used(), Some(10_000));
        assert_eq!(a.take_dirty_last_used(), None);
        a.mark_used(11_000);
        assert_eq!(a.take_dirty_last_used(), Some(11_000));
    }
}
