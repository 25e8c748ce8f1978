//! The admin pages: users, groups, providers and models. The server refuses every admin
//! action to non-admins; the sidebar only hides the links.

mod groups;
mod models;
mod providers;
mod users;

pub use groups::GroupsPage;
pub use models::AdminModelsPage;
pub use providers::ProvidersPage;
pub use users::UsersPage;
