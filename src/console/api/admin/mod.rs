//! Admin server functions: users, groups, providers and models. Every one of them refuses
//! callers who are not signed in (401) or not admins (403), checked on the server.

mod groups;
mod models;
mod providers;
mod users;

pub use groups::*;
pub use models::*;
pub use providers::*;
pub use users::*;

use crate::console::{AppError, FieldError};

/// Collects per-field validation messages.
#[derive(Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, message: &str) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

/// A name people type: trimmed, required, at most `max` characters.
pub(crate) fn check_name(problems: &mut Problems, field: &str, value: &str, max: usize) {
    let value = value.trim();
    if value.is_empty() {
        problems.add(field, "This is required.");
    } else if value.chars().count() > max {
        problems.add(field, &format!("Keep it to {max} characters or fewer."));
    }
}
