//! Control Layer: a self-hosted, OpenAI-compatible AI gateway.
//!
//! The crate has three wings and the catalog where two of them meet; dependencies only point
//! one way:
//!
//! - [`console`]: the web console (isomorphic). Pages, components and the declarations of the
//!   server functions they call. It is compiled to WASM for the browser (`hydrate`) and for the
//!   server (`ssr`), and never names anything server-only outside a server function's body.
//! - [`control`] (server only): the control plane. Storage (sqlx repositories and migrations),
//!   authentication (passwords, sessions), the first-start bootstrap and the services behind
//!   console actions (API keys). Server function bodies call into it.
//! - [`catalog`] (server only): the in-memory snapshot of keys that the control plane rebuilds
//!   after every change and the data plane reads on every request: where the two meet.
//! - [`proxy`] (server only): the data plane, the axum router under `/ai/v1`. It reads the
//!   catalog, never touches the database and never imports console code.
//! - [`telemetry`] (server only): what the data plane reports without waiting: usage records
//!   queued for a background writer, and Prometheus metrics on their own listener.
//!
//! Beside them, [`server`] wires the wings into one axum application (configuration, logging,
//! routes) and [`mock_provider`] is the OpenAI-compatible upstream the project ships for tests,
//! demos and benchmarks.

pub mod console;

#[cfg(feature = "ssr")]
pub mod catalog;
#[cfg(feature = "ssr")]
pub mod control;
#[cfg(feature = "ssr")]
pub mod mock_provider;
#[cfg(feature = "ssr")]
pub mod proxy;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod telemetry;

/// Entry point of the browser half: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(console::App);

    // Tests (and curious people) can tell a hydrated page from a server-rendered one.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
