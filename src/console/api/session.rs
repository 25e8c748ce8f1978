//! Signing in and out, and who is signed in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::console::AppError;

/// Longest email accepted (RFC 5321's limit on a path).
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest password accepted; longer input is refused before any hashing.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// The signed-in person, as the console sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    /// The base URL of this gateway's OpenAI-compatible API, for snippets.
    pub api_base_url: String,
}

/// Checks the sign-in form: both fields present and of sensible length.
pub fn validate_sign_in(email: &str, password: &str) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let email = email.trim();
    if email.is_empty() {
        errors.push(("email", "Enter your email address."));
    } else if email.len() > MAX_EMAIL_LEN {
        errors.push(("email", "That email address is too long."));
    }
    if password.is_empty() {
        errors.push(("password", "Enter your password."));
    } else if password.len() > MAX_PASSWORD_LEN {
        errors.push(("password", "That password is too long."));
    }

    if errors.is_empty() {
        return Ok(());
    }
    Err(AppError::Invalid(
        errors
            .into_iter()
            .map(|(field, message)| crate::console::FieldError {
                field: field.into(),
                message: message.into(),
            })
            .collect(),
    ))
}

/// Who is signed in, or `None` when nobody is.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<SessionInfo>, AppError> {
    use super::context;

    let user = context::current_user().await?;
    Ok(user.map(|user| SessionInfo {
        email: user.email,
        display_name: user.display_name,
        is_admin: user.is_admin,
        api_base_url: context::api_base_url(),
    }))
}

/// Signs in with email and password and sets the session cookie.
///
/// Form-encoded (`email=…&password=…`), so that the sign-in form works before the page's
/// script has loaded, and `curl -d` can sign in too.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use super::context;
    use crate::control::auth::{self, SignInError, session};

    validate_sign_in(&email, &password)?;
    let state = context::state()?;
    let opened = auth::sign_in(
        &state.db,
        &state.secret,
        &email,
        &password,
        state.config.session_ttl(),
    )
    .await
    .map_err(|err| match err {
        SignInError::WrongCredentials => AppError::WrongCredentials,
        SignInError::Storage(err) => err.into(),
    })?;

    tracing::info!(user_id = %opened.user.id, "signed in");
    context::set_cookie(&session::set_cookie(
        &opened.token,
        state.config.session_ttl_secs,
        state.config.secure_cookies,
    ));
    Ok(())
}

/// Ends the current session on the server and clears the cookie.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::context;
    use crate::control::auth::{self, session};

    let state = context::state()?;
    if let Some(token) = context::session_token() {
        auth::sign_out(&state.db, &state.secret, &token).await?;
    }
    context::set_cookie(&session::clear_cookie(state.config.secure_cookies));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_get_a_message_each() {
        let err = validate_sign_in("  ", "").unwrap_err();
        assert_eq!(
            err.field_message("email").as_deref(),
            Some("Enter your email address.")
        );
        assert_eq!(
            err.field_message("password").as_deref(),
            Some("Enter your password.")
        );
    }

    #[test]
    fn huge_fields_are_refused() {
        let long = "a".repeat(MAX_PASSWORD_LEN + 1);
        let err = validate_sign_in(&long, &long).unwrap_err();
        assert!(err.field_message("email").is_some());
        assert!(err.field_message("password").is_some());
    }

    #[test]
    fn ordinary_input_passes() {
        assert!(validate_sign_in("admin@localhost", "secret").is_ok());
    }
}
