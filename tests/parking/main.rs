//! The parking domain over real HTTP: every endpoint, every documented code,
//! the token rule (406), bad input, expiry and the concurrency invariants.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod events;
mod input;
mod lots;
mod money;
mod orders;

use common::{TestApp, assert_no_secrets, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const PASSWORD: &str = "secret-pass-1";

fn assert_ok(body: &Value) -> &Value {
    assert_eq!(body["code"], 200, "expected success: {body}");
    assert_eq!(body["msg"], "success", "{body}");
    &body["data"]
}

fn assert_fail(body: &Value, code: u16, msg: &str) {
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["msg"], msg, "{body}");
}

async fn register(app: &TestApp, username: &str) {
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

async fn login(app: &TestApp, username: &str) -> String {
    let body = attempt_login(app, username, PASSWORD).await;
    assert_ok(&body)["token"]
        .as_str()
        .expect("token")
        .to_string()
}

/// A registered, logged-in user with `yuan` on the balance.
async fn user_with_balance(app: &TestApp, username: &str, yuan: &str) -> String {
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

fn add_lot(app: &TestApp, name: &str, capacity: i64, price_cents: i64) -> i64 {
    let id = onebox::domains::parking::add_lot(&app.db_path, name, capacity, price_cents)
        .expect("lot added");
    assert!(id > 0);
    id
}

/// A login attempt's answer.
async fn attempt_login(app: &TestApp, username: &str, password: &str) -> Value {
    app.post(
        "/parking/api/user/login",
        json!({"username": username, "password": password}),
        None,
    )
    .await
    .1
}

/// `order/start`, `order/end` or `order/cancel` for one order.
async fn order_step(
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

async fn reserve(app: &TestApp, username: &str, lot: i64, token: &str) -> Value {
    app.post(
        "/parking/api/order/new",
        json!({"username": username, "parkinglot_id": lot}),
        Some(token),
    )
    .await
    .1
}
