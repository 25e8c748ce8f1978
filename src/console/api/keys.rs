//! API keys: list the caller's keys, create one (its secret is returned this once), delete
//! one or several. Every function acts on the signed-in user's own keys only.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Deserializer, Serialize};

use crate::console::{AppError, FieldError};

pub const MAX_NAME_LEN: usize = 100;
pub const MAX_DESCRIPTION_LEN: usize = 500;
pub const MAX_REQUESTS_PER_SECOND: u32 = 10_000;
pub const MAX_BURST_SIZE: u32 = 50_000;
/// Most keys one delete may name.
pub const MAX_DELETE: usize = 1_000;

/// A key as its owner sees it. The secret is not here: it is never shown after creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The first characters of the secret, to tell keys apart.
    pub prefix: String,
    pub requests_per_second: Option<u32>,
    pub burst_size: Option<u32>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The caller's keys, with the server's clock so that "5 minutes ago" means the same everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyList {
    pub keys: Vec<ApiKeyView>,
    pub now: i64,
}

/// A new key and, this one time only, its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    pub secret: String,
}

/// The "Create API Key" form as typed. Numbers may come as text (from the form) or as JSON
/// numbers (from scripts); empty or absent means "not set".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub requests_per_second: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub burst_size: String,
}

fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Number(serde_json::Number),
        Null(()),
    }
    Ok(match TextOrNumber::deserialize(deserializer)? {
        TextOrNumber::Text(text) => text,
        TextOrNumber::Number(number) => number.to_string(),
        TextOrNumber::Null(()) => String::new(),
    })
}

/// A new key that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNewApiKey {
    pub name: String,
    pub description: String,
    /// Requests per second and burst size; `None` for unlimited.
    pub rate_limit: Option<(u32, u32)>,
}

/// Checks the form. Both limits empty means unlimited; requests per second alone means a burst
/// of the same size (one second's worth); a burst size alone is an error, since a bucket
/// without a refill rate means nothing.
pub fn validate_new_key(form: &NewApiKey) -> Result<ValidNewApiKey, AppError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };

    let name = form.name.trim();
    if name.is_empty() {
        fail("name", "Give the key a name.");
    } else if name.chars().count() > MAX_NAME_LEN {
        fail("name", "Keep the name to 100 characters or fewer.");
    }
    let description = form.description.trim();
    if description.chars().count() > MAX_DESCRIPTION_LEN {
        fail(
            "description",
            "Keep the description to 500 characters or fewer.",
        );
    }

    let rps = parse_limit(&form.requests_per_second, MAX_REQUESTS_PER_SECOND);
    let burst = parse_limit(&form.burst_size, MAX_BURST_SIZE);
    if rps.is_err() {
        fail(
            "requests_per_second",
            "Requests per second must be a whole number from 1 to 10,000.",
        );
    }
    if burst.is_err() {
        fail(
            "burst_size",
            "Burst size must be a whole number from 1 to 50,000.",
        );
    }
    let rate_limit = match (rps, burst) {
        (Ok(None), Ok(None)) => None,
        (Ok(Some(rps)), Ok(None)) => Some((rps, rps)),
        (Ok(Some(rps)), Ok(Some(burst))) => Some((rps, burst)),
        (Ok(None), Ok(Some(_))) => {
            fail(
                "requests_per_second",
                "Set requests per second too, or clear the burst size.",
            );
            None
        }
        _ => None,
    };

    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(ValidNewApiKey {
        name: name.to_owned(),
        description: description.to_owned(),
        rate_limit,
    })
}

/// `Ok(None)` for empty, `Ok(Some(n))` for a whole number in `1..=max`, else `Err`.
fn parse_limit(text: &str, max: u32) -> Result<Option<u32>, ()> {
    let text = text.trim().replace([',', '_'], "");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(()),
    }
}

/// Checks the ids of a delete: at least one, not too many, each of a sensible length.
pub fn validate_delete(ids: &[String]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Err(AppError::BadRequest(
            "Select at least one key to delete.".into(),
        ));
    }
    if ids.len() > MAX_DELETE || ids.iter().any(|id| id.is_empty() || id.len() > 64) {
        return Err(AppError::BadRequest(
            "That is not a list of API key ids.".into(),
        ));
    }
    Ok(())
}

/// The signed-in user's keys, newest first.
#[server(prefix = "/api", endpoint = "list_api_keys", input = Json)]
pub async fn list_api_keys() -> Result<ApiKeyList, AppError> {
    use super::context;
    use crate::control::{api_keys, storage::now_ms};

    let cx = context::request()?;
    let user = cx.require_user().await?;
    let keys = api_keys::list(&cx.state.db, &cx.state.catalog, &user.id).await?;
    Ok(ApiKeyList {
        keys: keys.into_iter().map(context::key_view).collect(),
        now: now_ms(),
    })
}

/// Creates a key for the signed-in user and returns its secret, once.
#[server(prefix = "/api", endpoint = "create_api_key", input = Json)]
pub async fn create_api_key(key: NewApiKey) -> Result<CreatedApiKey, AppError> {
    use super::context;
    use crate::control::api_keys::{self, KeySpec};

    let cx = context::request()?;
    let user = cx.require_user().await?;
    let valid = validate_new_key(&key)?;
    let spec = KeySpec {
        name: &valid.name,
        description: &valid.description,
        rate_limit: valid.rate_limit,
    };
    let (row, secret) = api_keys::create(&cx.state.db, &cx.state.catalog, &user.id, spec).await?;
    Ok(CreatedApiKey {
        key: context::key_view(row),
        secret,
    })
}

/// Deletes keys of the signed-in user, all or none. A key that is not theirs (or no longer
/// exists) fails the whole request with 404 and deletes nothing.
#[server(prefix = "/api", endpoint = "delete_api_keys", input = Json)]
pub async fn delete_api_keys(ids: Vec<String>) -> Result<usize, AppError> {
    use crate::control::api_keys;

    let cx = super::context::request()?;
    let user = cx.require_user().await?;
    validate_delete(&ids)?;
    if !api_keys::delete(&cx.state.db, &cx.state.catalog, &user.id, &ids).await? {
        return Err(AppError::NotFound(
            "One or more of those API keys do not exist.".into(),
        ));
    }
    Ok(ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, rps: &str, burst: &str) -> NewApiKey {
        NewApiKey {
            name: name.into(),
            description: String::new(),
            requests_per_second: rps.into(),
            burst_size: burst.into(),
        }
    }

    #[test]
    fn no_limits_means_unlimited() {
        let valid = validate_new_key(&form(" ci ", "", "")).unwrap();
        assert_eq!(valid.name, "ci");
        assert_eq!(valid.rate_limit, None);
    }

    #[test]
    fn requests_per_second_alone_gets_a_burst_of_the_same_size() {
        assert_eq!(
            validate_new_key(&form("k", "5", "")).unwrap().rate_limit,
            Some((5, 5))
        );
        assert_eq!(
            validate_new_key(&form("k", "1,000", "2000"))
                .unwrap()
                .rate_limit,
            Some((1000, 2000))
        );
    }

    #[test]
    fn a_burst_alone_is_an_error_on_requests_per_second() {
        let err = validate_new_key(&form("k", "", "10")).unwrap_err();
        assert!(
            err.field_message("requests_per_second")
                .unwrap()
                .contains("Set requests per second")
        );
    }

    #[test]
    fn bounds_are_enforced() {
        for (rps, burst) in [("0", ""), ("10001", ""), ("1.5", ""), ("-1", ""), ("x", "")] {
            let err = validate_new_key(&form("k", rps, burst)).unwrap_err();
            assert!(err.field_message("requests_per_second").is_some(), "{rps}");
        }
        for burst in ["0", "50001", "many"] {
            let err = validate_new_key(&form("k", "1", burst)).unwrap_err();
            assert!(err.field_message("burst_size").is_some(), "{burst}");
        }
        assert!(validate_new_key(&form("k", "10000", "50000")).is_ok());
    }

    #[test]
    fn name_is_required_and_bounded() {
        assert!(
            validate_new_key(&form("   ", "", ""))
                .unwrap_err()
                .field_message("name")
                .is_some()
        );
        let long = "n".repeat(MAX_NAME_LEN + 1);
        assert!(
            validate_new_key(&form(&long, "", ""))
                .unwrap_err()
                .field_message("name")
                .is_some()
        );
    }

    #[test]
    fn numbers_may_arrive_as_json_numbers() {
        let parsed: NewApiKey =
            serde_json::from_str(r#"{"name":"k","requests_per_second":5,"burst_size":null}"#)
                .unwrap();
        assert_eq!(parsed.requests_per_second, "5");
        assert_eq!(parsed.burst_size, "");
    }

    #[test]
    fn deletes_need_a_sensible_list() {
        assert!(validate_delete(&[]).is_err());
        assert!(validate_delete(&["x".repeat(65)]).is_err());
        assert!(validate_delete(&["abc".into()]).is_ok());
    }
}
