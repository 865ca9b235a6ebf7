//! Accounts: register, log in and change their details.

use super::*;

#[tokio::test]
async fn accounts_register_log_in_and_change_their_details() {
    let app = spawn_app().await;
    let body = call(
        &app,
        "/query/user-exist",
        json!({"username": "alice"}),
        None,
    )
    .await;
    assert_eq!(body, json!({"state": 1, "exist": false}));
    let token = user(&app, "alice").await;
    let body = call(
        &app,
        "/query/user-exist",
        json!({"username": "alice"}),
        None,
    )
    .await;
    assert_eq!(body["exist"], true);

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
