//! One file per page.

mod not_found;
mod overview;
mod sign_in;

pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use sign_in::SignInPage;
