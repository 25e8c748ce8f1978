//! Signing in and out of the console, sessions and their expiry, through the real HTTP
//! endpoints of the server functions.

mod common;

use std::time::Duration;

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestGateway, session_cookie};
use serde_json::Value;

#[tokio::test]
async fn signing_in_sets_an_http_only_session_cookie_that_identifies_the_user() {
    let gw = TestGateway::start().await;
    let response = gw
        .call_form(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(response.status(), 200);

    let set_cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Max-Age=3600"), "{set_cookie}");

    let cookie = session_cookie(&response).unwrap();
    let me = gw.whoami(&cookie).await;
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["is_admin"], true);
    assert_eq!(me["api_base_url"], gw.url("/ai/v1"));
}

#[tokio::test]
async fn email_is_matched_without_regard_to_case_or_surrounding_spaces() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in("  Admin@LocalHost ", ADMIN_PASSWORD).await;
    assert_eq!(gw.whoami(&cookie).await["email"], ADMIN_EMAIL);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let gw = TestGateway::start().await;
    let wrong_password = gw
        .call_form(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", "nope")],
            None,
        )
        .await;
    let unknown_email = gw
        .call_form(
            "sign_in",
            &[("email", "who@else"), ("password", "nope")],
            None,
        )
        .await;

    for response in [wrong_password, unknown_email] {
        assert_eq!(response.status(), 401);
        assert!(session_cookie(&response).is_none());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, Value::String("WrongCredentials".into()));
    }
}

#[tokio::test]
async fn empty_fields_get_a_400_naming_each_field() {
    let gw = TestGateway::start().await;
    let response = gw
        .call_form("sign_in", &[("email", ""), ("password", "")], None)
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["Invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password"]);
}

#[tokio::test]
async fn huge_fields_are_refused_without_a_server_error() {
    let gw = TestGateway::start().await;
    let long = "x".repeat(5_000);
    let response = gw
        .call_form("sign_in", &[("email", &long), ("password", &long)], None)
        .await;
    assert_eq!(response.status(), 400);

    // Past the console's body limit the request is refused before it is read.
    let huge = "x".repeat(200_000);
    let response = gw
        .call_form(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", &huge)],
            None,
        )
        .await;
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn wrong_types_and_missing_fields_are_bad_requests() {
    let gw = TestGateway::start().await;

    let missing = gw
        .call_form("sign_in", &[("email", ADMIN_EMAIL)], None)
        .await;
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert!(body["BadRequest"].as_str().unwrap().contains("password"));

    let json = gw
        .client
        .post(gw.url("/api/sign_in"))
        .header("content-type", "application/json")
        .body(r#"{"email": 5, "password": ["a"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 400);

    let garbage = gw
        .client
        .post(gw.url("/api/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00, 0x01])
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
}

#[tokio::test]
async fn signing_out_revokes_the_session_on_the_server() {
    let gw = TestGateway::start().await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(gw.whoami(&cookie).await["email"], ADMIN_EMAIL);

    let response = gw.call_form("sign_out", &[], Some(&cookie)).await;
    assert_eq!(response.status(), 200);
    let cleared = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The old cookie no longer works, even if the browser kept it.
    assert_eq!(gw.whoami(&cookie).await, Value::Null);
}

#[tokio::test]
async fn sessions_expire_after_their_time_to_live() {
    let gw = TestGateway::start_with(|config| {
        config.admin_password = Some(ADMIN_PASSWORD.into());
        config.session_ttl_secs = 1;
    })
    .await;
    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(gw.whoami(&cookie).await["email"], ADMIN_EMAIL);

    tokio::time::sleep(Duration::from_millis(1_300)).await;
    assert_eq!(gw.whoami(&cookie).await, Value::Null);
}

#[tokio::test]
async fn a_forged_or_malformed_cookie_is_nobody() {
    let gw = TestGateway::start().await;
    let forged = format!("cl_session={}", "a".repeat(64));
    assert_eq!(gw.whoami(&forged).await, Value::Null);
    assert_eq!(gw.whoami("cl_session=%00%ff; other=1").await, Value::Null);
}

#[tokio::test]
async fn console_pages_redirect_visitors_without_a_session_to_sign_in() {
    let gw = TestGateway::start().await;
    let page = |cookie: Option<&str>| {
        let mut request = gw.client.get(gw.url("/")).header("accept", "text/html");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };

    let anonymous = page(None).await.unwrap();
    assert_eq!(anonymous.status(), 302);
    assert_eq!(anonymous.headers()["location"], "/sign-in");

    let cookie = gw.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let signed_in = page(Some(&cookie)).await.unwrap();
    assert_eq!(signed_in.status(), 200);
    let html = signed_in.text().await.unwrap();
    assert!(html.contains("Signed in as"), "the frame shows the user");
    assert!(html.contains(ADMIN_EMAIL));
}

#[tokio::test]
async fn the_sign_in_page_renders_its_form_on_the_server() {
    let gw = TestGateway::start().await;
    let response = gw.client.get(gw.url("/sign-in")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<label for="email">Email</label>"#));
    assert!(html.contains(r#"action="/api/sign_in""#));
}

#[tokio::test]
async fn unknown_console_pages_are_404() {
    let gw = TestGateway::start().await;
    let response = gw.client.get(gw.url("/no/such/page")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
