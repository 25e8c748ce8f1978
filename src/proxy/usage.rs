//! The usage record and metrics of each authenticated request.
//!
//! The handler starts the clock; [`forward`](super::forward) notes what it learned (model,
//! provider, the provider's own time, how to read tokens) in a [`Routing`]; [`observe`] wraps
//! the response body so that, when the body ends or the client goes away, the record is
//! completed (total latency, tokens) and queued, and the metrics are updated. Nothing here
//! waits on anything.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::response::Response;
use http_body::{Frame, SizeHint};

use super::auth::Served;
use super::tokens::{JsonScanner, SseScanner, Tokens};
use crate::catalog::ModelRoute;
use crate::telemetry::{Telemetry, UsageRecord};

/// The longest model name kept in a record; longer requested names are cut.
const MAX_MODEL_NAME: usize = 256;

/// How tokens are read from a response body.
#[derive(Clone, Copy)]
pub enum Scan {
    Json,
    Sse {
        /// The proxy asked for usage on the client's behalf; remove it from the stream.
        hide_usage: bool,
    },
}

/// What forwarding learned about a request.
#[derive(Default)]
pub struct Routing {
    pub requested_model: Option<String>,
    pub route: Option<Arc<ModelRoute>>,
    /// From sending the request upstream to the provider's response head.
    pub upstream_head: Option<Duration>,
    pub streamed: bool,
    pub scan: Option<Scan>,
}

/// Records the gateway's overhead and wraps the body of `response` to complete the usage
/// record of `served` when it ends. `head_after` is when the response head was ready.
pub fn observe(
    response: Response,
    served: Served,
    telemetry: &Telemetry,
    started: Instant,
    head_after: Duration,
) -> Response {
    let Served {
        key,
        at_ms,
        routing,
    } = served;
    if let Some(upstream) = routing.upstream_head {
        let overhead = head_after.saturating_sub(upstream);
        telemetry.metrics.overhead.observe(overhead.as_secs_f64());
    }

    let route = routing.route.as_deref();
    let mut requested_model = routing.requested_model.unwrap_or_default();
    if requested_model.len() > MAX_MODEL_NAME {
        let mut cut = MAX_MODEL_NAME;
        while !requested_model.is_char_boundary(cut) {
            cut -= 1;
        }
        requested_model.truncate(cut);
    }
    let record = UsageRecord {
        at_ms,
        key_id: key.id.clone(),
        user_id: key.user_id.clone(),
        requested_model,
        model: route.map(|r| r.name.clone()).unwrap_or_default(),
        upstream_model: route
            .filter(|_| routing.upstream_head.is_some())
            .map(|r| r.upstream_name.clone())
            .unwrap_or_default(),
        provider_id: route.map(|r| r.provider.id.clone()).unwrap_or_default(),
        status: response.status().as_u16(),
        ttfb_us: micros(head_after),
        streamed: routing.streamed,
        ..UsageRecord::default()
    };
    let scanner = match routing.scan {
        None => Scanner::None,
        Some(Scan::Json) => Scanner::Json(JsonScanner::default()),
        Some(Scan::Sse { hide_usage }) => Scanner::Sse(SseScanner::new(hide_usage)),
    };

    let (parts, body) = response.into_parts();
    let body = RecordingBody {
        inner: body,
        scanner,
        pending: Some(Pending {
            telemetry: telemetry.clone(),
            record,
            started,
        }),
        ended: false,
    };
    Response::from_parts(parts, Body::new(body))
}

enum Scanner {
    None,
    Json(JsonScanner),
    Sse(SseScanner),
}

impl Scanner {
    fn tokens(&self) -> Option<Tokens> {
        match self {
            Scanner::None => None,
            Scanner::Json(json) => json.tokens(),
            Scanner::Sse(sse) => sse.tokens(),
        }
    }

    /// Whether the bytes passed on may differ from the bytes received.
    fn rewrites(&self) -> bool {
        matches!(self, Scanner::Sse(sse) if sse.hides_usage())
    }
}

struct Pending {
    telemetry: Telemetry,
    record: UsageRecord,
    started: Instant,
}

/// A response body that reads tokens as bytes pass and completes the record when it ends or
/// is dropped.
struct RecordingBody {
    inner: Body,
    scanner: Scanner,
    pending: Option<Pending>,
    ended: bool,
}

impl RecordingBody {
    fn complete(&mut self) {
        let Some(Pending {
            telemetry,
            mut record,
            started,
        }) = self.pending.take()
        else {
            return;
        };
        record.latency_us = micros(started.elapsed());
        if let Some(tokens) = self.scanner.tokens() {
            record.prompt_tokens = tokens.prompt_tokens;
            record.completion_tokens = tokens.completion_tokens;
        }

        let metrics = &telemetry.metrics;
        let status = axum::http::StatusCode::from_u16(record.status).ok();
        let status = status.as_ref().map_or("", |s| s.as_str());
        metrics
            .requests
            .with_label_values(&[&*record.model, status])
            .inc();
        metrics
            .latency
            .with_label_values(&[&*record.model])
            .observe(record.latency_us as f64 / 1e6);
        telemetry.usage.submit(record);
    }
}

impl http_body::Body for RecordingBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        loop {
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    let frame = match frame.into_data() {
                        Ok(data) => data,
                        Err(frame) => return Poll::Ready(Some(Ok(frame))),
                    };
                    let data = match &mut this.scanner {
                        Scanner::None => frame,
                        Scanner::Json(json) => {
                            json.feed(&frame);
                            frame
                        }
                        Scanner::Sse(sse) => sse.feed(frame),
                    };
                    if data.is_empty() {
                        continue;
                    }
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Poll::Ready(Some(Err(err))) => {
                    this.complete();
                    return Poll::Ready(Some(Err(err)));
                }
                Poll::Ready(None) => {
                    this.ended = true;
                    let rest = match &mut this.scanner {
                        Scanner::Sse(sse) => sse.finish(),
                        _ => None,
                    };
                    this.complete();
                    return Poll::Ready(rest.map(|data| Ok(Frame::data(data))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended || (self.pending.is_none() && self.inner.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        if self.scanner.rewrites() {
            SizeHint::default()
        } else {
            self.inner.size_hint()
        }
    }
}

impl Drop for RecordingBody {
    /// A client that leaves early still leaves a record, with the time it stayed.
    fn drop(&mut self) {
        self.complete();
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}
