//! Token counts from provider answers, read as the bytes pass through.
//!
//! A JSON answer carries `usage` at its top level (chat completions, completions, embeddings,
//! responses). A stream carries it in one event: the final chunk of a chat completion when
//! `stream_options.include_usage` was asked for, or `response.usage` in the Responses API's
//! `response.completed` event. Only lines that mention `"usage"` are parsed.
//!
//! When the client did not ask for usage in a stream, the proxy asks upstream on its behalf
//! and [`SseScanner`] hides the result: the usage-only chunk is removed, and so is the
//! `"usage":null` member that providers then add to every other chunk, so the client receives
//! the chunks it would have received without the request.

use bytes::{Bytes, BytesMut};
use serde::Deserialize;
use serde::de::IgnoredAny;

/// The most of a JSON answer kept to read its usage; larger answers go uncounted.
const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;
/// The longest incomplete line kept between chunks of a stream.
const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Prompt and completion tokens, as a provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Tokens {
    #[serde(alias = "input_tokens")]
    pub prompt_tokens: Option<u64>,
    #[serde(alias = "output_tokens")]
    pub completion_tokens: Option<u64>,
}

/// The parts of an answer or event that matter here; everything else is skipped unparsed.
#[derive(Deserialize)]
struct Envelope {
    usage: Option<Tokens>,
    choices: Option<Vec<IgnoredAny>>,
    response: Option<Nested>,
}

#[derive(Deserialize)]
struct Nested {
    usage: Option<Tokens>,
}

impl Envelope {
    fn tokens(&self) -> Option<Tokens> {
        self.usage
            .or_else(|| self.response.as_ref().and_then(|r| r.usage))
    }

    /// A chunk that only carries usage: what the proxy hides when it asked for usage itself.
    fn is_usage_only(&self) -> bool {
        self.usage.is_some() && self.choices.as_ref().is_some_and(Vec::is_empty)
    }
}

/// Collects a JSON answer (without copying it if it arrives in one piece) to read its usage.
#[derive(Default)]
pub struct JsonScanner {
    first: Option<Bytes>,
    rest: Option<BytesMut>,
    too_large: bool,
}

impl JsonScanner {
    pub fn feed(&mut self, data: &Bytes) {
        if self.too_large {
            return;
        }
        match (&self.first, &mut self.rest) {
            (None, _) => self.first = Some(data.clone()),
            (Some(first), None) => {
                let mut rest = BytesMut::with_capacity(first.len() + data.len());
                rest.extend_from_slice(first);
                rest.extend_from_slice(data);
                self.rest = Some(rest);
            }
            (Some(_), Some(rest)) => rest.extend_from_slice(data),
        }
        let len = self.rest.as_ref().map_or(data.len(), BytesMut::len);
        if len > MAX_JSON_BYTES {
            self.too_large = true;
            self.first = None;
            self.rest = None;
        }
    }

    pub fn tokens(&self) -> Option<Tokens> {
        let body: &[u8] = match (&self.first, &self.rest) {
            (_, Some(rest)) => rest,
            (Some(first), None) => first,
            (None, None) => return None,
        };
        serde_json::from_slice::<Envelope>(body).ok()?.tokens()
    }
}

/// Reads usage from a stream of server-sent events, line by line, and optionally hides it.
pub struct SseScanner {
    hide_usage: bool,
    /// The incomplete last line of what has arrived so far.
    partial: BytesMut,
    /// The blank line that ends a hidden event is hidden too.
    skip_blank: bool,
    tokens: Option<Tokens>,
}

impl SseScanner {
    pub fn new(hide_usage: bool) -> Self {
        SseScanner {
            hide_usage,
            partial: BytesMut::new(),
            skip_blank: false,
            tokens: None,
        }
    }

    pub fn tokens(&self) -> Option<Tokens> {
        self.tokens
    }

    pub fn hides_usage(&self) -> bool {
        self.hide_usage
    }

    /// Reads a chunk of the stream and returns what to pass on: the chunk itself, or when
    /// hiding usage, its complete lines with usage removed (an incomplete last line waits for
    /// its end).
    pub fn feed(&mut self, data: Bytes) -> Bytes {
        let whole = if self.partial.is_empty() {
            data.clone()
        } else {
            self.partial.extend_from_slice(&data);
            self.partial.split().freeze()
        };
        let mut complete = whole.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if whole.len() - complete > MAX_LINE_BYTES {
            // Not an event line worth waiting for: pass it on as it is.
            complete = whole.len();
        }
        self.partial.extend_from_slice(&whole[complete..]);
        let lines = whole.slice(..complete);

        let mut kept: Option<BytesMut> = None;
        let mut start = 0;
        while start < lines.len() {
            let end = lines[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(lines.len(), |i| start + i + 1);
            let line = &lines[start..end];
            let replacement = self.line(line);
            match (&replacement, &mut kept) {
                (None, Some(out)) => out.extend_from_slice(line),
                (Some(new), out) => {
                    let out = out.get_or_insert_with(|| BytesMut::from(&lines[..start]));
                    out.extend_from_slice(new);
                }
                (None, None) => {}
            }
            start = end;
        }

        if !self.hide_usage {
            data
        } else {
            kept.map_or(lines, BytesMut::freeze)
        }
    }

    /// What is left at the end of the stream: an unterminated last line, when hiding.
    pub fn finish(&mut self) -> Option<Bytes> {
        (self.hide_usage && !self.partial.is_empty()).then(|| self.partial.split().freeze())
    }

    /// Reads one line (with its newline); returns its replacement when hiding changes it.
    fn line(&mut self, line: &[u8]) -> Option<Vec<u8>> {
        let content = line.trim_ascii_end();
        if std::mem::take(&mut self.skip_blank) && content.is_empty() {
            return Some(Vec::new());
        }
        let payload = content.strip_prefix(b"data:")?.trim_ascii_start();
        if !contains(payload, b"\"usage\"") {
            return None;
        }
        let envelope = serde_json::from_slice::<Envelope>(payload).ok();
        if let Some(tokens) = envelope.as_ref().and_then(Envelope::tokens) {
            self.tokens = Some(tokens);
        }
        if !self.hide_usage {
            return None;
        }
        if envelope.as_ref().is_some_and(Envelope::is_usage_only) {
            self.skip_blank = true;
            return Some(Vec::new());
        }
        without_null_usage(line)
    }
}

/// `line` without its `"usage":null` member, if it has one.
fn without_null_usage(line: &[u8]) -> Option<Vec<u8>> {
    const FORMS: [&[u8]; 4] = [
        b",\"usage\":null",
        b", \"usage\": null",
        b"\"usage\":null,",
        b"\"usage\": null, ",
    ];
    FORMS.iter().find_map(|form| {
        let at = find(line, form)?;
        let mut out = Vec::with_capacity(line.len());
        out.extend_from_slice(&line[..at]);
        out.extend_from_slice(&line[at + form.len()..]);
        Some(out)
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const USAGE: &str = r#"{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}"#;

    fn tokens(prompt: u64, completion: u64) -> Option<Tokens> {
        Some(Tokens {
            prompt_tokens: Some(prompt),
            completion_tokens: Some(completion),
        })
    }

    #[test]
    fn json_usage_is_read_across_pieces() {
        let body = format!(r#"{{"id":"x","choices":[{{"index":0}}],"usage":{USAGE}}}"#);
        let (a, b) = body.split_at(20);
        let mut scanner = JsonScanner::default();
        scanner.feed(&Bytes::copy_from_slice(a.as_bytes()));
        scanner.feed(&Bytes::copy_from_slice(b.as_bytes()));
        assert_eq!(scanner.tokens(), tokens(3, 5));
    }

    #[test]
    fn responses_api_names_are_understood() {
        let mut scanner = JsonScanner::default();
        scanner.feed(&Bytes::from_static(
            br#"{"usage":{"input_tokens":7,"output_tokens":2}}"#,
        ));
        assert_eq!(scanner.tokens(), tokens(7, 2));
        let mut sse = SseScanner::new(false);
        sse.feed(Bytes::from_static(
            b"event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":4}}}\n\n",
        ));
        assert_eq!(sse.tokens(), tokens(1, 4));
    }

    #[test]
    fn a_stream_passes_unchanged_when_the_client_asked_for_usage() {
        let stream = format!(
            "data: {{\"choices\":[{{\"delta\":{{}}}}],\"usage\":null}}\n\ndata: {{\"choices\":[],\"usage\":{USAGE}}}\n\ndata: [DONE]\n\n"
        );
        let mut scanner = SseScanner::new(false);
        let mut out = Vec::new();
        // Split in awkward places: mid-line and mid-member.
        for piece in stream.as_bytes().chunks(7) {
            out.extend_from_slice(&scanner.feed(Bytes::copy_from_slice(piece)));
        }
        assert_eq!(out, stream.as_bytes());
        assert_eq!(scanner.tokens(), tokens(3, 5));
    }

    #[test]
    fn hidden_usage_leaves_exactly_the_plain_stream() {
        let with_usage = format!(
            "data: {{\"id\":\"a\",\"choices\":[{{\"delta\":{{\"content\":\"hi\"}}}}],\"usage\":null}}\n\n\
             data: {{\"id\":\"a\",\"choices\":[],\"usage\":{USAGE}}}\n\n\
             data: [DONE]\n\n"
        );
        let plain = "data: {\"id\":\"a\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n\
                     data: [DONE]\n\n";
        for size in [1, 5, 13, with_usage.len()] {
            let mut scanner = SseScanner::new(true);
            let mut out = Vec::new();
            for piece in with_usage.as_bytes().chunks(size) {
                out.extend_from_slice(&scanner.feed(Bytes::copy_from_slice(piece)));
            }
            out.extend_from_slice(&scanner.finish().unwrap_or_default());
            assert_eq!(String::from_utf8(out).unwrap(), plain, "pieces of {size}");
            assert_eq!(scanner.tokens(), tokens(3, 5));
        }
    }

    #[test]
    fn garbage_is_passed_on_and_counts_nothing() {
        let mut scanner = SseScanner::new(true);
        let out = scanner.feed(Bytes::from_static(b"data: {\"usage\": [oops\n\nnot sse\n"));
        assert_eq!(&out[..], b"data: {\"usage\": [oops\n\nnot sse\n");
        assert_eq!(scanner.tokens(), None);
    }
}
