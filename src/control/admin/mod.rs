//! The services behind the admin pages: users, groups, providers and models. Each change is
//! written to the database and then reaches the catalog before the function returns, so
//! access changes take effect on `/ai/v1` at once.

pub mod groups;
pub mod models;
pub mod providers;
pub mod users;
