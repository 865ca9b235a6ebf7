//! Accounts: register, log in, change passwords and log out; throttled logins; a seller's profile.

use super::*;

/// A server with a registered customer (buyer@example.com) and seller.
async fn registered() -> TestApp {
    let app = spawn_app().await;
    register(&app, "customer", "buyer@example.com").await;
    register(&app, "seller", "seller1@buaa.edu.cn").await;
    app
}

/// The customer's session, from the cookie of a login typed with
/// different capitals (emails are matched without case).
async fn buyers_session(app: &TestApp) -> String {
    let response = app
        .client
        .post(app.url("/shop/user/login"))
        .json(&json!({"email": "Buyer@Example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = common::session_cookie(&response);
    cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("onebox_shop=")
        .unwrap()
        .to_string()
}

const CHANGE_PASSWORD: &str = "/shop/user/change-password";

#[tokio::test]
async fn registering_refuses_a_taken_email_in_any_case_and_every_bad_field() {
    let app = registered().await;
    let register_at = "/shop/user/register/customer";
    for bad in [
        json!({"name": "x", "phone": "13800000000", "email": "BUYER@example.com", "password": PASSWORD}),
        json!({"name": "x", "phone": "13800000000", "email": "not-an-email", "password": PASSWORD}),
        json!({"name": "x", "phone": "13800000000", "email": "short@example.com", "password": "short"}),
        json!({"phone": "13800000000", "email": "noname@example.com", "password": PASSWORD}),
        json!({"name": "x", "phone": "call me", "email": "phone@example.com", "password": PASSWORD}),
    ] {
        let (status, body) = app.post(register_at, bad, None).await;
        assert_fail(status, &body, 400, 402);
    }
}

#[tokio::test]
async fn a_wrong_password_or_an_unknown_email_logs_in_no_one() {
    let app = registered().await;
    let (status, body, token) = login(&app, "buyer@example.com", "wrong-password").await;
    assert_fail(status, &body, 400, 403);
    assert!(token.is_none());
    let (status, body, _) = login(&app, "nobody@example.com", PASSWORD).await;
    assert_fail(status, &body, 400, 403);
}

/// The cookie is HttpOnly; its value also works as Bearer.
#[tokio::test]
async fn the_session_cookie_is_http_only_and_works_as_cookie_or_bearer() {
    let app = registered().await;
    let token = buyers_session(&app).await;
    let (status, profile) = app.get("/shop/user/profile", Some(&token)).await;
    assert_ok(status, &profile);
    assert_eq!(profile["data"]["email"], "buyer@example.com");
    assert_eq!(profile["data"]["role"], "CUSTOMER");
    assert_eq!(profile["data"]["name"], "buyer");
    assert_no_secrets(&profile, &[PASSWORD]);
    let by_cookie = app
        .client
        .get(app.url("/shop/user/profile"))
        .header("cookie", format!("onebox_shop={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 200);
    let (status, body) = app.get("/shop/user/profile", None).await;
    assert_fail(status, &body, 401, 401);
}

#[tokio::test]
async fn a_password_change_needs_the_old_password_a_matching_confirmation_and_a_session() {
    let app = registered().await;
    let token = buyers_session(&app).await;
    let (status, body) = app
        .post(CHANGE_PASSWORD, json!({"old_password": "wrong-password", "new_password": "new-password-1", "confirm_new_password": "new-password-1"}), Some(&token))
        .await;
    assert_fail(status, &body, 400, 403);
    let (status, body) = app
        .post(CHANGE_PASSWORD, json!({"old_password": PASSWORD, "new_password": "new-password-1", "confirm_new_password": "new-password-2"}), Some(&token))
        .await;
    assert_fail(status, &body, 400, 403);
    let (status, body) = app
        .post(CHANGE_PASSWORD, json!({"old_password": PASSWORD, "new_password": "new-password-1", "confirm_new_password": "new-password-1"}), None)
        .await;
    assert_fail(status, &body, 401, 401);
}

/// Changing the password keeps this session and ends the others.
#[tokio::test]
async fn a_password_change_keeps_this_session_ends_the_others_and_retires_the_old_password() {
    let app = registered().await;
    let token = buyers_session(&app).await;
    let (_, _, other) = login(&app, "buyer@example.com", PASSWORD).await;
    let other = other.unwrap();
    let (status, body) = app
        .post(CHANGE_PASSWORD, json!({"old_password": PASSWORD, "new_password": "new-password-1", "confirm_new_password": "new-password-1"}), Some(&token))
        .await;
    assert_ok(status, &body);
    assert_eq!(app.get("/shop/user/profile", Some(&token)).await.0, 200);
    assert_eq!(app.get("/shop/user/profile", Some(&other)).await.0, 401);
    assert_eq!(login(&app, "buyer@example.com", PASSWORD).await.0, 400);
    assert_eq!(
        login(&app, "buyer@example.com", "new-password-1").await.0,
        200
    );
}

/// Logout ends the session and clears the cookie.
#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let app = registered().await;
    let token = buyers_session(&app).await;
    let response = app
        .client
        .post(app.url("/shop/user/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(app.get("/shop/user/profile", Some(&token)).await.0, 401);
    app.stop().await;
}

#[tokio::test]
async fn failed_logins_are_throttled() {
    let app = spawn_app().await;
    register(&app, "customer", "target@example.com").await;
    for _ in 0..10 {
        assert_eq!(
            login(&app, "target@example.com", "guess-guess").await.0,
            400
        );
    }
    let (status, body, token) = login(&app, "target@example.com", PASSWORD).await;
    assert_fail(status, &body, 400, 403);
    assert!(body["message"].as_str().unwrap().contains("分钟"), "{body}");
    assert!(token.is_none());
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_takes_the_original_servers_field_names_too() {
    let app = spawn_app().await;
    let token = user(&app, "customer", "buyer@example.com").await;
    let (status, body) = axios(
        &app,
        reqwest::Method::POST,
        "/user/change-password",
        &token,
        json!({"old_password": PASSWORD, "password": "brand-new-9", "password_confirm": "brand-new-9"}),
    )
    .await;
    assert_ok(status, &body);
    assert_eq!(login(&app, "buyer@example.com", "brand-new-9").await.0, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_sellers_profile_names_their_shop() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (_, profile) = app.get("/shop/user/profile/", Some(&seller)).await;
    assert_eq!(profile["data"]["shop"], shop, "{profile}");
    let buyer = user(&app, "customer", "buyer@example.com").await;
    let (_, profile) = app.get("/shop/user/profile/", Some(&buyer)).await;
    assert_eq!(profile["data"]["shop"], Value::Null, "{profile}");
    app.stop().await;
}
