//! The web console: pages, components and the server functions they call.
//!
//! This module compiles for the browser (`hydrate`) and for the server (`ssr`). Only the
//! bodies of server functions, in [`api`], reach into the control plane, and only on the
//! server.

pub mod api;
mod app;
mod components;
mod error;
mod format;
mod pages;

pub use app::{App, shell};
pub use error::{AppError, FieldError};
