//! Every admin server function refuses non-admins (403) and anonymous callers (401), and
//! changes nothing when it refuses.

mod common;

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestGateway};
use serde_json::{Value, json};

fn admin_calls() -> Vec<(&'static str, Value)> {
    vec![
        ("admin_list_users", json!({})),
        (
            "admin_create_user",
            json!({ "user": { "email": "x@example.com", "password": "password123" } }),
        ),
        (
            "admin_set_admin",
            json!({ "user_id": "x", "is_admin": true }),
        ),
        ("admin_delete_user", json!({ "user_id": "x" })),
        ("admin_list_groups", json!({})),
        ("admin_save_group", json!({ "name": "g" })),
        ("admin_delete_group", json!({ "id": "x" })),
        (
            "admin_set_group_member",
            json!({ "group_id": "x", "user_id": "y", "member": true }),
        ),
        (
            "admin_set_group_model",
            json!({ "group_id": "everyone", "model_id": "y", "granted": true }),
        ),
        ("admin_list_providers", json!({})),
        (
            "admin_save_provider",
            json!({ "provider": { "name": "p", "base_url": "http://127.0.0.1:9/v1" } }),
        ),
        ("admin_delete_provider", json!({ "id": "x" })),
        ("admin_provider_models", json!({ "id": "x" })),
        ("admin_list_models", json!({})),
        (
            "admin_save_model",
            json!({ "model": { "name": "m", "provider_id": "x" } }),
        ),
        ("admin_delete_model", json!({ "id": "x" })),
    ]
}

#[tokio::test]
async fn every_admin_function_refuses_a_non_admin() {
    let gw = TestGateway::start().await;
    let user = gw.add_user("user@example.com", "user-password").await;
    for (name, body) in admin_calls() {
        let response = gw.call_json(name, body, Some(&user)).await;
        assert_eq!(response.status(), 403, "{name}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!("Forbidden"),
            "{name}"
        );
    }

    // Nothing was created by the refused calls.
    let admin = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let users: Value = gw
        .call_json("admin_list_users", json!({}), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users.as_array().unwrap().len(), 2);
    let groups: Value = gw
        .call_json("admin_list_groups", json!({}), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(groups.as_array().unwrap().len(), 1, "only Everyone");
    let providers: Value = gw
        .call_json("admin_list_providers", json!({}), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(providers, json!([]));
}

#[tokio::test]
async fn every_admin_function_refuses_an_anonymous_caller() {
    let gw = TestGateway::start().await;
    for (name, body) in admin_calls() {
        let response = gw.call_json(name, body, None).await;
        assert_eq!(response.status(), 401, "{name}");
    }
}

#[tokio::test]
async fn admins_manage_users_but_not_themselves() {
    let gw = TestGateway::start().await;
    let admin = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = gw
        .call_json(
            "admin_create_user",
            json!({ "user": { "email": "new@example.com", "password": "password123", "is_admin": false } }),
            Some(&admin),
        )
        .await;
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["display_name"], "new");
    gw.sign_in("new@example.com", "password123").await;

    let duplicate = gw
        .call_json(
            "admin_create_user",
            json!({ "user": { "email": "NEW@example.com", "password": "password123" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(duplicate.status(), 400);
    let short = gw
        .call_json(
            "admin_create_user",
            json!({ "user": { "email": "a@b", "password": "short" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(short.status(), 400);

    let made_admin = gw
        .call_json(
            "admin_set_admin",
            json!({ "user_id": created["id"], "is_admin": true }),
            Some(&admin),
        )
        .await;
    assert_eq!(made_admin.status(), 200);

    let me = gw
        .state
        .db
        .user_by_email(ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let self_delete = gw
        .call_json(
            "admin_delete_user",
            json!({ "user_id": me.id }),
            Some(&admin),
        )
        .await;
    assert_eq!(self_delete.status(), 400);
    let everyone = gw
        .call_json(
            "admin_delete_group",
            json!({ "id": "everyone" }),
            Some(&admin),
        )
        .await;
    assert_eq!(everyone.status(), 400);
}
