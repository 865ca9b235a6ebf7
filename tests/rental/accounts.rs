//! Accounts: register, log in and change their details.

use super::*;

#[tokio::test]
async fn a_username_exists_once_registered() {
    let app = spawn_app().await;
    let body = call(
        &app,
        "/query/user-exist",
        json!({"username": "alice"}),
        None,
    )
    .await;
    assert_eq!(body, json!({"state": 1, "exist": false}));
    user(&app, "alice").await;
    let body = call(
        &app,
        "/query/user-exist",
        json!({"username": "alice"}),
        None,
    )
    .await;
    assert_eq!(body["exist"], true);
    app.stop().await;
}

#[tokio::test]
async fn registration_refuses_a_taken_name_a_bad_phone_a_missing_field_and_a_short_password() {
    let app = spawn_app().await;
    user(&app, "alice").await;
    let body = call(&app, "/operation/register", user_fields("alice"), None).await;
    assert_eq!(
        body,
        json!({"state": 0, "success": false, "error_msg": "用户名已存在"})
    );
    let mut bad_phone = user_fields("bob");
    bad_phone["phone"] = json!("1380000");
    let body = call(&app, "/operation/register", bad_phone, None).await;
    assert_eq!(body["success"], false);
    assert_failed(&body, "11 位");
    let mut missing = user_fields("bob");
    missing.as_object_mut().unwrap().remove("city");
    assert_failed(
        &call(&app, "/operation/register", missing, None).await,
        "city",
    );
    let mut short = user_fields("bob");
    short["password"] = json!("short");
    assert_failed(
        &call(&app, "/operation/register", short, None).await,
        "at least 8",
    );
    app.stop().await;
}

#[tokio::test]
async fn user_info_shows_the_account_without_secrets_to_its_session_only() {
    let app = spawn_app().await;
    let token = user(&app, "alice").await;
    let body = call(&app, "/data/user-info", json!({}), Some(&token)).await;
    assert_ok(&body);
    assert_eq!(body["username"], "alice");
    assert_eq!(body["register_city"], "北京");
    assert_eq!(body["grade"], "普通用户");
    assert_eq!(body["phone"], "13800000000");
    let date = body["register_time"].as_str().unwrap();
    assert!(
        date.split('/').count() == 3 && !date.contains("/0"),
        "{date}"
    );
    assert_no_secrets(&body, &[PASSWORD]);
    assert_failed(
        &call(&app, "/data/user-info", json!({}), None).await,
        "请先登录",
    );
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_password_gets_the_seeds_failure() {
    let app = spawn_app().await;
    user(&app, "alice").await;
    let body = call(
        &app,
        "/operation/login",
        json!({"username": "alice", "password": "wrong-pass"}),
        None,
    )
    .await;
    assert_eq!(
        body,
        json!({"state": 0, "success": false, "error_msg": "用户名或密码错误"})
    );
    app.stop().await;
}

#[tokio::test]
async fn a_phone_change_takes_eleven_digits() {
    let app = spawn_app().await;
    let token = user(&app, "alice").await;
    assert_ok(
        &call(
            &app,
            "/modify/phone",
            json!({"phone": "13912345678"}),
            Some(&token),
        )
        .await,
    );
    assert_failed(
        &call(
            &app,
            "/modify/phone",
            json!({"phone": "139123456789"}),
            Some(&token),
        )
        .await,
        "11 位",
    );
    let body = call(&app, "/data/user-info", json!({}), Some(&token)).await;
    assert_eq!(body["phone"], "13912345678");
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let token = user(&app, "alice").await;
    let other = login(&app, "alice", PASSWORD).await;
    assert_ok(
        &call(
            &app,
            "/modify/password",
            json!({"password": "new-password-2"}),
            Some(&token),
        )
        .await,
    );
    assert_failed(
        &call(&app, "/data/user-info", json!({}), Some(&other)).await,
        "请先登录",
    );
    assert_ok(&call(&app, "/data/user-info", json!({}), Some(&token)).await);
    login(&app, "alice", "new-password-2").await;
    app.stop().await;
}

#[tokio::test]
async fn logout_clears_the_cookie_and_ends_the_session() {
    let app = spawn_app().await;
    let token = user(&app, "alice").await;
    let response = app
        .client
        .post(app.url("/rental/operation/logout"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let cleared = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cleared.starts_with("onebox_rental=;") && cleared.contains("Max-Age=0"),
        "logout clears the cookie: {cleared}"
    );
    assert_ok(&common::json_of(response).await.1);
    assert_failed(
        &call(&app, "/data/user-info", json!({}), Some(&token)).await,
        "请先登录",
    );
    app.stop().await;
}
