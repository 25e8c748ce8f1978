//! Admin: list, create, make or unmake admin, delete users.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::Problems;
use crate::console::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
}

pub fn validate_new_user(user: &NewUser) -> Result<(), AppError> {
    let mut problems = Problems::default();
    let email = user.email.trim();
    if email.is_empty()
        || !email.contains('@')
        || email.len() > 254
        || email.contains(char::is_whitespace)
    {
        problems.add("email", "Enter an email address, like name@example.com.");
    }
    if user.display_name.chars().count() > 100 {
        problems.add("display_name", "Keep it to 100 characters or fewer.");
    }
    if user.password.chars().count() < 8 {
        problems.add("password", "Use at least 8 characters.");
    } else if user.password.len() > 1024 {
        problems.add("password", "That password is too long.");
    }
    problems.into_result()
}

#[cfg(feature = "ssr")]
fn view(user: crate::control::storage::users::User) -> UserView {
    UserView {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        is_admin: user.is_admin,
        created_at: user.created_at,
        last_login_at: user.last_login_at,
    }
}

#[server(prefix = "/api", endpoint = "admin_list_users", input = Json)]
pub async fn admin_list_users() -> Result<Vec<UserView>, AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    Ok(cx.state.db.users().await?.into_iter().map(view).collect())
}

#[server(prefix = "/api", endpoint = "admin_create_user", input = Json)]
pub async fn admin_create_user(user: NewUser) -> Result<UserView, AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    validate_new_user(&user)?;
    let email = user.email.trim();
    let display_name = match user.display_name.trim() {
        "" => email.split('@').next().unwrap_or(email),
        name => name,
    };
    let created = crate::control::admin::users::create(
        &cx.state.db,
        email,
        display_name,
        &user.password,
        user.is_admin,
    )
    .await?;
    created
        .map(view)
        .ok_or_else(|| AppError::invalid("email", "A user with that email already exists."))
}

#[server(prefix = "/api", endpoint = "admin_set_admin", input = Json)]
pub async fn admin_set_admin(user_id: String, is_admin: bool) -> Result<(), AppError> {
    let cx = crate::console::api::context::request()?;
    let me = cx.require_admin().await?;
    if me.id == user_id {
        return Err(AppError::BadRequest(
            "You cannot change your own admin rights.".into(),
        ));
    }
    if !crate::control::admin::users::set_admin(&cx.state.db, &user_id, is_admin).await? {
        return Err(AppError::NotFound("No such user.".into()));
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin_delete_user", input = Json)]
pub async fn admin_delete_user(user_id: String) -> Result<(), AppError> {
    let cx = crate::console::api::context::request()?;
    let me = cx.require_admin().await?;
    if me.id == user_id {
        return Err(AppError::BadRequest(
            "You cannot delete your own account.".into(),
        ));
    }
    if !crate::control::admin::users::delete(&cx.state.db, &cx.state.catalog, &user_id).await? {
        return Err(AppError::NotFound("No such user.".into()));
    }
    Ok(())
}
