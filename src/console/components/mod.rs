//! Pieces shared by several pages.

pub mod clipboard;
pub mod layout;
pub mod modal;
