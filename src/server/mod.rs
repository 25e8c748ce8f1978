//! Wiring: turns the configuration into one axum application that serves the console, its
//! server functions, the `/ai/v1` proxy and `/healthz`, and runs it.

pub mod app;
pub mod cli;
pub mod config;
mod demo;
pub mod logging;
mod server_fns;

pub use app::{AppState, Gateway};
pub use config::Config;
