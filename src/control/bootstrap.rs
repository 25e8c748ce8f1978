//! First start: make sure an admin can sign in.

use super::auth::password;
use super::storage::{Db, StorageError, users::NewUser};

/// Creates the admin account when the database has no admin yet.
///
/// The password is `configured_password`, or else a random one that is printed once in the
/// log (and returned): it is never stored in clear and cannot be shown again. Later starts
/// leave the account alone, whatever the configuration says, so changing the flag does not
/// reset it.
pub async fn ensure_admin(
    db: &Db,
    email: &str,
    configured_password: Option<&str>,
) -> Result<Option<String>, StorageError> {
    if db.count_admins().await? > 0 {
        return Ok(None);
    }

    let generated = configured_password.filter(|p| !p.is_empty()).is_none();
    let password = match configured_password.filter(|p| !p.is_empty()) {
        Some(p) => p.to_owned(),
        None => password::generate(),
    };
    let password_hash = password::hash(&password);
    db.insert_user(NewUser {
        email,
        display_name: "Admin",
        password_hash: &password_hash,
        is_admin: true,
    })
    .await?;

    if generated {
        tracing::warn!(
            "created the admin account {email} with the generated password {password}; \
             it is shown only this once, so write it down"
        );
        return Ok(Some(password));
    }
    tracing::info!(
        email,
        "created the admin account with the configured password"
    );
    Ok(None)
}
