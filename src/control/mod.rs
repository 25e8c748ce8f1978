//! The control plane (server only): storage, authentication and the first-start bootstrap.
//! Console server functions call into it; the `/ai/v1` data plane never does.

pub mod auth;
pub mod bootstrap;
mod secret;
pub mod storage;

pub use secret::Secret;
