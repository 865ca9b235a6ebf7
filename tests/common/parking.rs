//! The parking lots and orders client the parking tests share: accounts, sessions and
//! the requests its front-end sends, with the checks every answer gets.

use super::TestApp;
use serde_json::{Value, json};

pub const PASSWORD: &str = "secret-pass-1";

pub fn assert_ok(body: &Value) -> &Value {
    assert_eq!(body["code"], 200, "expected success: {body}");
    assert_eq!(body["msg"], "success", "{body}");
    &body["data"]
}

pub fn assert_fail(body: &Value, code: u16, msg: &str) {
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["msg"], msg, "{body}");
}

pub async fn register(app: &TestApp, username: &str) {
    let (status, body) = app
        .post(
            "/parking/api/user/new",
            json!({"username": username, "password": PASSWORD, "email": format!("{username}@example.com")}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(assert_ok(&body)["username"], username);
}

pub async fn login(app: &TestApp, username: &str) -> String {
    let body = attempt_login(app, username, PASSWORD).await;
    assert_ok(&body)["token"]
        .as_str()
        .expect("token")
        .to_string()
}

/// A registered, logged-in user with `yuan` on the balance.
pub async fn user_with_balance(app: &TestApp, username: &str, yuan: &str) -> String {
    register(app, username).await;
    let token = login(app, username).await;
    if yuan != "0" {
        let (_, body) = app
            .post(
                "/parking/api/user/recharge",
                json!({"username": username, "amount": yuan}),
                Some(&token),
            )
            .await;
        assert_ok(&body);
    }
    token
}

pub fn add_lot(app: &TestApp, name: &str, capacity: i64, price_cents: i64) -> i64 {
    let id = onebox::domains::parking::add_lot(&app.db_path, name, capacity, price_cents)
        .expect("lot added");
    assert!(id > 0);
    id
}

/// A login attempt's answer.
pub async fn attempt_login(app: &TestApp, username: &str, password: &str) -> Value {
    app.post(
        "/parking/api/user/login",
        json!({"username": username, "password": password}),
        None,
    )
    .await
    .1
}

/// `order/start`, `order/end` or `order/cancel` for one order.
pub async fn order_step(
    app: &TestApp,
    step: &str,
    username: &str,
    order_id: i64,
    token: &str,
) -> Value {
    app.post(
        &format!("/parking/api/order/{step}"),
        json!({"username": username, "order_id": order_id}),
        Some(token),
    )
    .await
    .1
}

pub async fn reserve(app: &TestApp, username: &str, lot: i64, token: &str) -> Value {
    app.post(
        "/parking/api/order/new",
        json!({"username": username, "parkinglot_id": lot}),
        Some(token),
    )
    .await
    .1
}
