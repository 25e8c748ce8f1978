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
    let cx = super::context::request()?;
    let user = cx.user().await?;
    Ok(user.map(|user| SessionInfo {
        email: user.email,
        display_name: user.display_name,
        is_admin: user.is_admin,
        api_base_url: cx.api_base_url.clone(),
    }))
}

/// Signs in with email and password and sets the session cookie.
///
/// Form-encoded (`email=…&password=…`), so that the sign-in form works before the page's
/// script has loaded, and `curl -d` can sign in too.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::control::auth::{self, SignInError, session};

    let cx = super::context::request()?;
    validate_sign_in(&email, &password)?;
    let (db, secret, config) = (&cx.state.db, &cx.state.secret, &cx.state.config);
    let opened = auth::sign_in(db, secret, &email, &password, config.session_ttl())
        .await
        .map_err(|err| match err {
            SignInError::WrongCredentials => AppError::WrongCredentials,
            SignInError::Storage(err) => err.into(),
        })?;

    tracing::info!(user_id = %opened.user.id, "signed in");
    cx.set_cookie(&session::set_cookie(
        &opened.token,
        config.session_ttl_secs,
        config.secure_cookies,
    ));
    Ok(())
}

/// Ends the current session on the server and clears the cookie.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::control::auth::{self, session};

    let cx = super::context::request()?;
    if let Some(token) = cx.session_token() {
        auth::sign_out(&cx.state.db, &cx.state.secret, token).await?;
    }
    cx.set_cookie(&session::clear_cookie(cx.state.config.secure_cookies));
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
