//! The one error type of every server function, shared by server and browser.
//!
//! It travels as JSON, so the browser can show a message inline next to the field it concerns,
//! and scripts get the same message with a matching HTTP status.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use leptos::server_fn;

/// What went wrong, in words meant for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request itself is malformed: wrong types, missing fields, unreadable body.
    #[error("{0}")]
    BadRequest(String),
    /// One or more fields are invalid; each message belongs next to its field.
    #[error("{}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// Signing in failed: wrong email or password (deliberately not saying which).
    #[error("Wrong email or password.")]
    WrongCredentials,
    /// No valid session: not signed in, signed out, or the session expired.
    #[error("Your session has ended. Please sign in again.")]
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// What the request refers to does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// The browser could not reach the server.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    /// A fault on the server; details are in the server's log, never in the response.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
}

/// A validation message for one named field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn summary(fields: &[FieldError]) -> String {
    let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
    messages.join(" ")
}

impl AppError {
    /// A validation error for a single field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The message for `field`, when this is a validation error that names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(fields) => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::BadRequest(_) | AppError::Invalid(_) => 400,
            AppError::WrongCredentials | AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Network => 503,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => {
                AppError::BadRequest(format!("The request could not be read: {msg}"))
            }
            ServerFnErrorErr::Request(_) => AppError::Network,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_messages_are_found_by_field_name() {
        let err = AppError::invalid("email", "Enter your email address.");
        assert_eq!(
            err.field_message("email").as_deref(),
            Some("Enter your email address.")
        );
        assert_eq!(err.field_message("password"), None);
        assert_eq!(err.status_code(), 400);
    }

    #[test]
    fn decoding_failures_are_bad_requests_not_server_faults() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(err.status_code(), 400);
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("x".into()));
        assert_eq!(err.status_code(), 500);
    }

    #[test]
    fn errors_round_trip_through_json() {
        let err = AppError::invalid("name", "Give the key a name.");
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), err);
    }
}
