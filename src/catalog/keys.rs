//! The API keys as the request path sees them, kept in memory and changed key by key.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use dashmap::DashMap;

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
    fn new(row: &CatalogKeyRow, user_id: Arc<str>, limit: Option<RateLimit>) -> Self {
        KeyEntry {
            id: row.id.as_str().into(),
            user_id,
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

    /// Notes a use at `now_ms`; true when the key has just become dirty (its new time is
    /// not yet on its way to the database), so that the caller can queue it for the writer.
    pub fn mark_used(&self, now_ms: i64) -> bool {
        let previous = self.last_used_ms.load(Ordering::Relaxed);
        if now_ms >= previous + LAST_USED_RESOLUTION_MS {
            self.last_used_ms.store(now_ms, Ordering::Relaxed);
            return !self.dirty.swap(true, Ordering::AcqRel);
        }
        false
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

    /// Marks the key dirty again (its write failed); true when it was not dirty already.
    pub(super) fn mark_dirty(&self) -> bool {
        !self.dirty.swap(true, Ordering::AcqRel)
    }
}

/// All keys, by the hash of their secret: the request path's lookup, and the only index, so
/// that a key costs as little memory as possible. The console finds a key by the hash it
/// stores beside it.
///
/// A concurrent map, so that a created or deleted key is one insert or removal however many
/// keys there are; readers never wait for a writer of another shard.
#[derive(Default)]
pub struct Keys {
    by_hash: DashMap<[u8; 32], Arc<KeyEntry>>,
    /// One shared copy of each owner's id.
    users: DashMap<Arc<str>, ()>,
}

impl Keys {
    /// Adds the key `row`, or updates it; an unchanged key keeps its entry (same bucket, same
    /// in-memory last use).
    pub fn upsert(&self, row: &CatalogKeyRow) {
        let Some(hash) = decode_hash(&row.secret_hash) else {
            tracing::warn!(key_id = %row.id, "skipping an API key with a corrupt hash");
            return;
        };
        let limit = RateLimit::from_stored(row.requests_per_second, row.burst_size);
        if let Some(old) = self.by_hash.get(&hash)
            && old.rate_limit() == limit
            && *old.user_id == *row.user_id
            && *old.id == *row.id
        {
            return;
        }
        let entry = Arc::new(KeyEntry::new(row, self.user(&row.user_id), limit));
        self.by_hash.insert(hash, entry);
    }

    fn user(&self, id: &str) -> Arc<str> {
        if let Some(user) = self.users.get(id) {
            return user.key().clone();
        }
        let user: Arc<str> = id.into();
        self.users.insert(user.clone(), ());
        user
    }

    /// Removes the key whose secret hashes to `secret_hash` (hex, as stored); it is refused
    /// from this moment on.
    pub fn remove(&self, secret_hash: &str) {
        if let Some(hash) = decode_hash(secret_hash) {
            self.by_hash.remove(&hash);
        }
    }

    /// Makes the keys exactly `rows`: adds and updates them, and removes every other key.
    pub fn replace_all(&self, rows: &[CatalogKeyRow]) {
        for row in rows {
            self.upsert(row);
        }
        let wanted: HashSet<[u8; 32]> = rows
            .iter()
            .filter_map(|r| decode_hash(&r.secret_hash))
            .collect();
        self.by_hash.retain(|hash, _| wanted.contains(hash));
        let owners: HashSet<&str> = rows.iter().map(|r| r.user_id.as_str()).collect();
        self.users.retain(|user, _| owners.contains(&**user));
    }

    pub fn by_hash(&self, hash: &[u8; 32]) -> Option<Arc<KeyEntry>> {
        self.by_hash.get(hash).map(|entry| entry.clone())
    }

    /// The key whose secret hashes to `secret_hash` (hex, as stored).
    pub fn by_stored_hash(&self, secret_hash: &str) -> Option<Arc<KeyEntry>> {
        self.by_hash(&decode_hash(secret_hash)?)
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
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

    fn by_secret(keys: &Keys, secret: &str) -> Option<Arc<KeyEntry>> {
        keys.by_hash(&api_key::hash(secret))
    }

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

    fn keys(rows: &[CatalogKeyRow]) -> Keys {
        let keys = Keys::default();
        keys.replace_all(rows);
        keys
    }

    #[test]
    fn keys_are_found_and_removed_by_the_hash_of_their_secret() {
        let keys = keys(&[row("a", "sk-cl-one", None)]);
        let found = keys.by_hash(&api_key::hash("sk-cl-one")).unwrap();
        assert_eq!(&*found.id, "a");
        assert!(keys.by_hash(&api_key::hash("sk-cl-two")).is_none());
        keys.remove(&hex::encode(api_key::hash("sk-cl-one")));
        assert!(keys.by_hash(&api_key::hash("sk-cl-one")).is_none());
        assert!(keys.is_empty());
    }

    #[test]
    fn a_reload_keeps_buckets_and_last_use_of_unchanged_keys_and_drops_the_rest() {
        let keys = keys(&[
            row("a", "sk-cl-one", Some(1)),
            row("c", "sk-cl-three", None),
        ]);
        let a = by_secret(&keys, "sk-cl-one").unwrap();
        assert!(matches!(a.check_rate_limit(), Decision::Allowed { .. }));
        a.mark_used(5_000);

        keys.replace_all(&[row("a", "sk-cl-one", Some(1)), row("b", "sk-cl-two", None)]);
        let a = by_secret(&keys, "sk-cl-one").unwrap();
        assert_eq!(a.last_used(), Some(5_000));
        assert!(
            matches!(a.check_rate_limit(), Decision::Limited { .. }),
            "bucket still empty"
        );
        assert_eq!(keys.len(), 2);
        assert!(by_secret(&keys, "sk-cl-three").is_none());
    }

    #[test]
    fn a_changed_limit_gets_a_fresh_bucket() {
        let keys = keys(&[row("a", "sk-cl-one", Some(1))]);
        by_secret(&keys, "sk-cl-one").unwrap().check_rate_limit();
        keys.upsert(&row("a", "sk-cl-one", Some(5)));
        let decision = by_secret(&keys, "sk-cl-one").unwrap().check_rate_limit();
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
        let keys = keys(&[row("a", "sk-cl-one", None)]);
        let a = by_secret(&keys, "sk-cl-one").unwrap();
        assert_eq!(a.last_used(), None);
        a.mark_used(10_000);
        a.mark_used(10_500);
        assert_eq!(a.take_dirty_last_used(), Some(10_000));
        assert_eq!(a.take_dirty_last_used(), None);
        a.mark_used(11_000);
        assert_eq!(a.take_dirty_last_used(), Some(11_000));
    }
}
