//! First start: the data directory, the database, the secret and the admin account.

mod common;

use common::{ADMIN_EMAIL, TestGateway};

#[tokio::test]
async fn without_a_configured_password_one_is_generated_and_works_once_only() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("nested/data");

    let mut first = TestGateway::start_in(data_dir.clone(), |_| {}).await;
    let password = first
        .generated_admin_password
        .clone()
        .expect("a password is generated");
    assert!(password.len() >= 16);
    let cookie = first.sign_in(ADMIN_EMAIL, &password).await;
    assert_eq!(first.whoami(&cookie).await["is_admin"], true);

    // The data directory now holds the database and the secret.
    assert!(data_dir.join("control-layer.db").exists());
    assert!(data_dir.join("secret").exists());
    first.stop();

    // A restart keeps the account, generates nothing, and keeps sessions valid (same secret).
    let second = TestGateway::start_in(data_dir.clone(), |_| {}).await;
    assert_eq!(second.generated_admin_password, None);
    assert_eq!(second.whoami(&cookie).await["email"], ADMIN_EMAIL);
    second.sign_in(ADMIN_EMAIL, &password).await;
}

#[tokio::test]
async fn a_configured_password_is_used_and_not_printed() {
    let gw = TestGateway::start_with(|config| {
        config.admin_email = "ops@example.com".into();
        config.admin_password = Some("configured-pass".into());
    })
    .await;
    assert_eq!(gw.generated_admin_password, None);
    gw.sign_in("ops@example.com", "configured-pass").await;
}

#[tokio::test]
async fn healthz_answers_ok() {
    let gw = TestGateway::start().await;
    let response = gw.client.get(gw.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}
