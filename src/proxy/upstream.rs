//! The HTTP client that carries requests to providers.
//!
//! It is hyper's own pooled client rather than a higher-level one: the request path already
//! has a finished request (method, headers, body) and only needs it sent on a kept-alive
//! connection, so it skips URL parsing with international domain names, redirect and retry
//! policies, and proxy lookups per request. Responses come back as hyper's body, which is
//! handed to the client as it is, so streamed chunks are never copied or re-framed here.
//!
//! HTTPS uses rustls with the Mozilla roots that ship in the binary; HTTP/1.1 only.

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Idle connections to a provider are closed after this long.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// TCP keep-alive probes on provider connections, so that dead peers are noticed.
const TCP_KEEPALIVE: Duration = Duration::from_secs(60);

/// A pooled client for every provider; cheap to clone (clones share the pool).
pub type UpstreamClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Builds the client: keep-alive pools per host, no Nagle delay, HTTP or HTTPS.
pub fn client() -> UpstreamClient {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.set_keepalive(Some(TCP_KEEPALIVE));
    // The TLS layer below decides per URL; plain HTTP is allowed for local providers.
    http.enforce_http(false);

    let https = HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);

    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .build(https)
}
