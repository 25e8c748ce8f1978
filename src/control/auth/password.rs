//! Password hashing with Argon2id (the `argon2` crate's recommended parameters).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;

/// Hashes `password` into a self-describing PHC string (algorithm, parameters, salt, hash).
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any input")
        .to_string()
}

/// [`hash`] on the blocking thread pool: Argon2 takes tens of milliseconds of CPU, which must
/// not stall the async workers serving other requests.
pub async fn hash_off_thread(password: String) -> String {
    let copy = password.clone();
    match tokio::task::spawn_blocking(move || hash(&copy)).await {
        Ok(hashed) => hashed,
        // The pool is shutting down: hash here rather than fail.
        Err(_) => hash(&password),
    }
}

/// Whether `password` matches `stored`; a malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification, so that an unknown email takes as long as a wrong
/// password and response times do not reveal which emails have accounts.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("not a real password"));
    let _ = verify(password, stored);
}

/// A random password for the first admin: 20 characters from an unambiguous alphabet.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let stored = hash("correct horse");
        assert!(verify("correct horse", &stored));
        assert!(!verify("correct horse ", &stored));
        assert!(!verify("", &stored));
    }

    #[test]
    fn hashes_are_salted() {
        assert_ne!(hash("same"), hash("same"));
    }

    #[test]
    fn a_corrupt_stored_hash_never_matches() {
        assert!(!verify("anything", "not-a-phc-string"));
    }

    #[test]
    fn generated_passwords_are_long_and_distinct() {
        let a = generate();
        assert_eq!(a.chars().count(), 20);
        assert_ne!(a, generate());
    }
}
