//! One file per page.

mod admin;
mod api_keys;
mod models;
mod not_found;
mod overview;
mod sign_in;
mod usage;

pub use admin::{AdminModelsPage, GroupsPage, ProvidersPage, UsersPage};
pub use api_keys::ApiKeysPage;
pub use models::ModelsPage;
pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use sign_in::SignInPage;
pub use usage::UsagePage;
