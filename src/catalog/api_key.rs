//! API key secrets: how they look, how they are made, and how they are hashed.
//!
//! A secret is `sk-cl-` followed by 40 random letters and digits (about 238 bits), so people
//! and secret scanners can recognise one. Only its SHA-256 is stored: secrets are random
//! enough that a slow password hash would add cost on every request and no safety. The first
//! twelve characters are kept as a display prefix so a person can tell keys apart.

use rand::Rng;
use rand::distributions::Alphanumeric;
use sha2::{Digest, Sha256};

/// Every key starts with this.
pub const KEY_PREFIX: &str = "sk-cl-";
/// Random characters after the prefix.
const RANDOM_LEN: usize = 40;
/// Characters of the secret kept for display.
const DISPLAY_LEN: usize = 12;

/// A freshly made secret: shown to its owner once, then only the hash and prefix remain.
pub struct NewSecret {
    pub secret: String,
    pub display_prefix: String,
    pub hash_hex: String,
}

pub fn generate() -> NewSecret {
    let random: String = rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(RANDOM_LEN)
        .map(char::from)
        .collect();
    let secret = format!("{KEY_PREFIX}{random}");
    NewSecret {
        display_prefix: secret[..DISPLAY_LEN].to_owned(),
        hash_hex: hex::encode(hash(&secret)),
        secret,
    }
}

/// SHA-256 of a secret.
pub fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether `candidate` has the shape of a key this gateway issues.
pub fn is_well_formed(candidate: &str) -> bool {
    candidate.len() == KEY_PREFIX.len() + RANDOM_LEN
        && candidate.starts_with(KEY_PREFIX)
        && candidate[KEY_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_well_formed_and_unique() {
        let a = generate();
        let b = generate();
        assert!(is_well_formed(&a.secret), "{}", a.secret);
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(&a.display_prefix));
        assert_eq!(a.display_prefix.len(), 12);
        assert_eq!(a.hash_hex, hex::encode(hash(&a.secret)));
    }

    #[test]
    fn other_shapes_are_not_well_formed() {
        let good = generate().secret;
        assert!(!is_well_formed(&good[..good.len() - 1]));
        assert!(!is_well_formed(&format!("{good}x")));
        assert!(!is_well_formed(&good.replacen("sk-cl-", "sk-xx-", 1)));
        assert!(!is_well_formed(&format!("{}-", &good[..good.len() - 1])));
    }
}
