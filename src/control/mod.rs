//! The control plane (server only): storage, authentication, the first-start bootstrap and the
//! services behind console actions. Console server functions call into it; the `/ai/v1` data
//! plane never does.

pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod bootstrap;
mod secret;
pub mod storage;
pub mod usage;

pub use secret::Secret;
