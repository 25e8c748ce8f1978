//! Pieces shared by several pages.

pub mod clipboard;
pub mod form;
pub mod layout;
pub mod modal;
