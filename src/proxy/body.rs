//! A request body as the proxy needs it: the members of a JSON object with their values left
//! unparsed, so that reading `model` and `stream` costs one validating scan and no allocation
//! per message, and rewriting `model` copies the other values' bytes as they are.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The members of a JSON object, in order, values as their original text.
pub struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Members<'a> {
    /// Reads `body` as a JSON object; `None` if it is anything else.
    pub fn parse(body: &'a [u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }

    fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| *value)
    }

    /// The `model` member, if it is a string.
    pub fn model(&self) -> Option<String> {
        serde_json::from_str(self.get("model")?.get()).ok()
    }

    /// Whether `stream` is `true`.
    pub fn streams(&self) -> bool {
        self.get("stream").is_some_and(|v| v.get() == "true")
    }

    /// Whether `stream_options.include_usage` is `true`.
    pub fn asks_for_usage(&self) -> bool {
        #[derive(serde::Deserialize)]
        struct StreamOptions {
            include_usage: Option<bool>,
        }
        self.get("stream_options")
            .and_then(|v| serde_json::from_str::<StreamOptions>(v.get()).ok())
            .and_then(|o| o.include_usage)
            == Some(true)
    }

    /// The body again, with `model` set to `model` and, if `ask_for_usage`, with
    /// `stream_options.include_usage` set (keeping the client's other stream options).
    pub fn rewrite(&self, model: &str, ask_for_usage: bool) -> Vec<u8> {
        let capacity = self.0.iter().map(|(k, v)| k.len() + v.get().len() + 4);
        let mut out = Vec::with_capacity(capacity.sum::<usize>() + model.len() + 48);
        out.push(b'{');
        let mut first = true;
        let mut member = |out: &mut Vec<u8>, key: &str, value: &[u8]| {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            // Keys and strings re-encoded by serde_json cannot fail.
            out.extend_from_slice(&serde_json::to_vec(key).unwrap_or_default());
            out.push(b':');
            out.extend_from_slice(value);
        };
        for (key, value) in &self.0 {
            match key.as_ref() {
                "model" => {}
                "stream_options" if ask_for_usage => {}
                _ => member(&mut out, key, value.get().as_bytes()),
            }
        }
        member(
            &mut out,
            "model",
            &serde_json::to_vec(model).unwrap_or_default(),
        );
        if ask_for_usage {
            let mut options: serde_json::Map<String, serde_json::Value> = self
                .get("stream_options")
                .and_then(|v| serde_json::from_str(v.get()).ok())
                .unwrap_or_default();
            options.insert("include_usage".into(), true.into());
            let options = serde_json::to_vec(&options).unwrap_or_default();
            member(&mut out, "stream_options", &options);
        }
        out.push(b'}');
        out
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor(std::marker::PhantomData))
    }
}

struct MembersVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for MembersVisitor<'a> {
    type Value = Members<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Members(members))
    }
}

/// An object key, borrowed from the body unless it had escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for KeyVisitor<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn members_are_read_without_parsing_their_values() {
        let body = br#"{"model":"fast","messages":[{"role":"user","content":"hi \"there\""}],"stream":true}"#;
        let members = Members::parse(body).unwrap();
        assert_eq!(members.model().as_deref(), Some("fast"));
        assert!(members.streams());
        assert!(!members.asks_for_usage());
        assert!(Members::parse(b"[1, 2]").is_none());
        assert!(Members::parse(b"{\"model\": }").is_none());
        assert!(Members::parse(b"{\"model\": 1}").unwrap().model().is_none());
    }

    #[test]
    fn a_rewrite_changes_only_the_model_and_stream_options() {
        let original = json!({
            "model": "fast",
            "messages": [{ "role": "user", "content": "ünïcode \u{1F600} \"quoted\"" }],
            "temperature": 0.5,
            "stream": true,
            "stream_options": { "other": 1 },
            "we\"ird": null,
        });
        let body = serde_json::to_vec(&original).unwrap();
        let members = Members::parse(&body).unwrap();

        let rewritten: Value = serde_json::from_slice(&members.rewrite("upstream", false)).unwrap();
        let mut expected = original.clone();
        expected["model"] = json!("upstream");
        assert_eq!(rewritten, expected);

        let with_usage: Value = serde_json::from_slice(&members.rewrite("upstream", true)).unwrap();
        expected["stream_options"] = json!({ "other": 1, "include_usage": true });
        assert_eq!(with_usage, expected);
    }

    #[test]
    fn usage_asked_for_by_the_client_is_seen() {
        let body = br#"{"model":"m","stream":true,"stream_options":{"include_usage":true}}"#;
        assert!(Members::parse(body).unwrap().asks_for_usage());
    }
}
