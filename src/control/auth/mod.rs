//! Authentication for the console: checking passwords, opening and closing sessions, and
//! finding the user behind a session cookie.

pub mod password;
pub mod session;

use std::time::Duration;

use super::Secret;
use super::storage::{Db, StorageError, now_ms, users::User};

/// Why signing in failed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown email or wrong password; callers must not say which.
    #[error("wrong email or password")]
    WrongCredentials,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A session opened by signing in: who, and the token to put in the cookie.
pub struct NewSession {
    pub user: User,
    pub token: String,
}

/// Checks `email` and `password` and opens a session lasting `ttl`.
pub async fn sign_in(
    db: &Db,
    secret: &Secret,
    email: &str,
    password: &str,
    ttl: Duration,
) -> Result<NewSession, SignInError> {
    let user = db.user_by_email(email).await?;

    // Argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let password = password.to_owned();
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verified = tokio::task::spawn_blocking(move || match stored {
        Some(stored) => password::verify(&password, &stored),
        None => {
            password::verify_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false);

    let user = match user {
        Some(user) if verified => user,
        _ => return Err(SignInError::WrongCredentials),
    };

    db.delete_expired_sessions().await?;
    let token = session::new_token();
    let expires_at = now_ms().saturating_add(ttl.as_millis() as i64);
    db.insert_session(&secret.keyed_hash(token.as_bytes()), &user.id, expires_at)
        .await?;
    db.record_login(&user.id).await?;
    Ok(NewSession { user, token })
}

/// The user whose unexpired session `token` belongs to.
pub async fn session_user(
    db: &Db,
    secret: &Secret,
    token: &str,
) -> Result<Option<User>, StorageError> {
    match db
        .session_user(&secret.keyed_hash(token.as_bytes()))
        .await?
    {
        Some(user_id) => db.user_by_id(&user_id).await,
        None => Ok(None),
    }
}

/// Ends the session `token` on the server: the cookie stops working at once, wherever it is.
pub async fn sign_out(db: &Db, secret: &Secret, token: &str) -> Result<(), StorageError> {
    db.delete_session(&secret.keyed_hash(token.as_bytes()))
        .await
}
