//! Server functions: the console's only way to act. Each lives at a fixed endpoint
//! `/api/<name>` so that scripts can call it too, and each checks on the server who is asking.

mod admin;
#[cfg(feature = "ssr")]
pub(crate) mod context;
mod keys;
mod models;
mod session;
mod usage;

pub use admin::*;
pub use keys::*;
pub use models::*;
pub use session::*;
pub use usage::*;
