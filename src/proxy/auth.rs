//! Reading the API key from `Authorization: Bearer <key>`.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use super::ApiError;

/// Every key the console issues starts with this, so people and secret scanners can spot one.
pub const KEY_PREFIX: &str = "sk-cl-";

/// Longest key accepted; anything longer is malformed and is not looked at further.
const MAX_KEY_LEN: usize = 128;

/// The key in the request's `Authorization` header, checked for shape but not yet looked up.
pub fn bearer_key(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers.get(AUTHORIZATION).ok_or(ApiError::MissingKey)?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::MalformedKey(KEY_PREFIX))?;
    let (scheme, key) = value
        .trim()
        .split_once(' ')
        .ok_or(ApiError::MalformedKey(KEY_PREFIX))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::MalformedKey(KEY_PREFIX));
    }

    let key = key.trim();
    if key.is_empty() {
        return Err(ApiError::MissingKey);
    }
    let well_formed = key.starts_with(KEY_PREFIX)
        && key.len() <= MAX_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(ApiError::MalformedKey(KEY_PREFIX));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_bearer_key_with_the_prefix_is_accepted() {
        let h = headers("Bearer sk-cl-abc123");
        assert_eq!(bearer_key(&h).unwrap(), "sk-cl-abc123");
        let h = headers("bearer   sk-cl-abc123  ");
        assert_eq!(bearer_key(&h).unwrap(), "sk-cl-abc123");
    }

    #[test]
    fn missing_and_empty_keys_are_missing() {
        assert!(matches!(
            bearer_key(&HeaderMap::new()),
            Err(ApiError::MissingKey)
        ));
        assert!(matches!(
            bearer_key(&headers("Bearer ")),
            Err(ApiError::MalformedKey(_))
        ));
    }

    #[test]
    fn other_schemes_and_shapes_are_malformed() {
        for value in [
            "Basic dXNlcjpwYXNz",
            "Bearer sk-openai-123",
            "sk-cl-abc",
            "Bearer sk-cl-a b",
        ] {
            assert!(
                matches!(bearer_key(&headers(value)), Err(ApiError::MalformedKey(_))),
                "{value} should be malformed"
            );
        }
    }
}
