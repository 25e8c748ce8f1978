//! Admin: groups, their members and the models they grant. The built-in Everyone group holds
//! every user implicitly and cannot be renamed away or deleted.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::{Problems, check_name};
use crate::console::AppError;

/// Id of the built-in group that holds every user.
pub const EVERYONE_GROUP: &str = "everyone";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Member user ids (empty for Everyone, which holds all users).
    pub members: Vec<String>,
    /// Granted model ids.
    pub models: Vec<String>,
}

pub fn validate_group(name: &str, description: &str) -> Result<(), AppError> {
    let mut problems = Problems::default();
    check_name(&mut problems, "name", name, 100);
    if description.chars().count() > 500 {
        problems.add("description", "Keep it to 500 characters or fewer.");
    }
    problems.into_result()
}

#[server(prefix = "/api", endpoint = "admin_list_groups", input = Json)]
pub async fn admin_list_groups() -> Result<Vec<GroupView>, AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    let groups = cx.state.db.groups().await?;
    Ok(groups
        .into_iter()
        .map(|g| GroupView {
            id: g.id,
            name: g.name,
            description: g.description,
            members: g.members,
            models: g.models,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "admin_save_group", input = Json)]
pub async fn admin_save_group(
    id: Option<String>,
    name: String,
    #[server(default)] description: String,
) -> Result<String, AppError> {
    use crate::control::admin::groups;

    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    validate_group(&name, &description)?;
    let (db, name, description) = (&cx.state.db, name.trim(), description.trim());
    let taken = |_| AppError::invalid("name", "A group with that name already exists.");
    match id {
        None => groups::create(db, name, description).await.map_err(taken),
        Some(id) => match groups::update(db, &id, name, description)
            .await
            .map_err(taken)?
        {
            true => Ok(id),
            false => Err(AppError::NotFound("No such group.".into())),
        },
    }
}

#[server(prefix = "/api", endpoint = "admin_delete_group", input = Json)]
pub async fn admin_delete_group(id: String) -> Result<(), AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    if id == EVERYONE_GROUP {
        return Err(AppError::BadRequest(
            "The Everyone group cannot be deleted.".into(),
        ));
    }
    if !crate::control::admin::groups::delete(&cx.state.db, &cx.state.catalog, &id).await? {
        return Err(AppError::NotFound("No such group.".into()));
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin_set_group_member", input = Json)]
pub async fn admin_set_group_member(
    group_id: String,
    user_id: String,
    member: bool,
) -> Result<(), AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    if group_id == EVERYONE_GROUP {
        return Err(AppError::BadRequest(
            "Everyone already holds every user.".into(),
        ));
    }
    crate::control::admin::groups::set_member(
        &cx.state.db,
        &cx.state.catalog,
        &group_id,
        &user_id,
        member,
    )
    .await
    .map_err(|_| AppError::NotFound("No such group or user.".into()))
}

#[server(prefix = "/api", endpoint = "admin_set_group_model", input = Json)]
pub async fn admin_set_group_model(
    group_id: String,
    model_id: String,
    granted: bool,
) -> Result<(), AppError> {
    let cx = crate::console::api::context::request()?;
    cx.require_admin().await?;
    crate::control::admin::groups::set_model(
        &cx.state.db,
        &cx.state.catalog,
        &group_id,
        &model_id,
        granted,
    )
    .await
    .map_err(|_| AppError::NotFound("No such group or model.".into()))
}
