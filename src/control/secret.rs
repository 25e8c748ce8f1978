//! The server's secret: keys the hashes of session tokens and encrypts provider keys.
//!
//! It comes from `--secret`, or else from the file `secret` in the data directory, which is
//! created with 32 random bytes on first start and readable by its owner only.

use std::path::Path;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const FILE_NAME: &str = "secret";

/// Secret key material. Its `Debug` output never shows the bytes.
#[derive(Clone)]
pub struct Secret(Arc<[u8]>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// Uses `configured` when given, else reads (or creates) the secret file in `data_dir`.
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> std::io::Result<Self> {
        if let Some(value) = configured.filter(|v| !v.is_empty()) {
            return Ok(Secret(value.as_bytes().into()));
        }

        let path = data_dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) if !text.trim().is_empty() => {
                return Ok(Secret(text.trim().as_bytes().into()));
            }
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }

        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let text = hex::encode(bytes);
        write_private(&path, &text)?;
        tracing::info!(path = %path.display(), "generated a new secret");
        Ok(Secret(text.as_bytes().into()))
    }

    /// Encrypts `plaintext` (a provider key) for storage: hex of a random nonce followed by
    /// the ChaCha20-Poly1305 ciphertext, under a key derived from this secret.
    pub fn encrypt(&self, plaintext: &str) -> String {
        use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
        let cipher = chacha20poly1305::ChaCha20Poly1305::new(&self.encryption_key().into());
        let nonce = chacha20poly1305::ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .expect("encryption of a short string");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        hex::encode(out)
    }

    /// Decrypts what [`Secret::encrypt`] made; `None` if it was made under another secret or
    /// altered.
    pub fn decrypt(&self, stored: &str) -> Option<String> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let bytes = hex::decode(stored).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let cipher = chacha20poly1305::ChaCha20Poly1305::new(&self.encryption_key().into());
        let plaintext = cipher.decrypt(nonce.into(), ciphertext).ok()?;
        String::from_utf8(plaintext).ok()
    }

    fn encryption_key(&self) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(b"control-layer provider key encryption");
        mac.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 of `data` under this secret, hex encoded.
    pub fn keyed_hash(&self, data: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let first = Secret::load_or_create(None, dir.path()).unwrap();
        let second = Secret::load_or_create(None, dir.path()).unwrap();
        assert_eq!(first.keyed_hash(b"x"), second.keyed_hash(b"x"));
    }

    #[test]
    fn different_secrets_give_different_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let a = Secret::load_or_create(Some("one"), dir.path()).unwrap();
        let b = Secret::load_or_create(Some("two"), dir.path()).unwrap();
        assert_ne!(a.keyed_hash(b"token"), b.keyed_hash(b"token"));
        assert!(
            !dir.path().join(FILE_NAME).exists(),
            "a configured secret writes no file"
        );
    }

    #[test]
    fn provider_keys_round_trip_and_need_the_same_secret() {
        let dir = tempfile::tempdir().unwrap();
        let a = Secret::load_or_create(Some("one"), dir.path()).unwrap();
        let b = Secret::load_or_create(Some("two"), dir.path()).unwrap();
        let stored = a.encrypt("sk-upstream-123");
        assert!(!stored.contains("upstream"));
        assert_ne!(
            stored,
            a.encrypt("sk-upstream-123"),
            "a fresh nonce each time"
        );
        assert_eq!(a.decrypt(&stored).as_deref(), Some("sk-upstream-123"));
        assert_eq!(b.decrypt(&stored), None);
        assert_eq!(a.decrypt("00ff"), None);
    }

    #[test]
    fn debug_output_hides_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let secret = Secret::load_or_create(Some("hunter2"), dir.path()).unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
