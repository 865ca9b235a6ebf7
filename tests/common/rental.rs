//! The house rental client the rental tests share: accounts, sessions and
//! the requests its front-end sends, with the checks every answer gets.

use super::TestApp;
use serde_json::{Value, json};

pub const PASSWORD: &str = "secret-pass-1";

pub fn assert_ok(body: &Value) -> &Value {
    assert_eq!(body["state"], 1, "expected success: {body}");
    assert!(body.get("error_msg").is_none(), "{body}");
    body
}

pub fn assert_failed(body: &Value, part: &str) {
    assert_eq!(body["state"], 0, "{body}");
    let message = body["error_msg"].as_str().unwrap_or_default();
    assert!(message.contains(part), "{part:?} not in {body}");
}

/// POST with an optional session token; HTTP 200 expected.
pub async fn call(app: &TestApp, path: &str, body: Value, token: Option<&str>) -> Value {
    let (status, body) = app.post(&format!("/rental{path}"), body, token).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

pub fn user_fields(username: &str) -> Value {
    json!({"username": username, "password": PASSWORD, "name": "张三", "id_type": "身份证",
           "id_number": "110101199001011234", "phone": "13800000000", "city": "北京"})
}

/// Registers and logs in; returns the session token (the cookie's value).
pub async fn user(app: &TestApp, username: &str) -> String {
    let body = call(app, "/operation/register", user_fields(username), None).await;
    assert_eq!(body, json!({"state": 1, "success": true}));
    login(app, username, PASSWORD).await
}

pub async fn login(app: &TestApp, username: &str, password: &str) -> String {
    let response = app
        .client
        .post(app.url("/rental/operation/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = super::session_cookie(&response);
    let (_, body) = super::json_of(response).await;
    let token = cookie
        .strip_prefix("onebox_rental=")
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string();
    // The token also at the top level, for browsers that refuse the cookie.
    assert_eq!(body, json!({"state": 1, "success": true, "token": token}));
    token
}

pub fn house(
    district: &str,
    kind: &str,
    area: Value,
    floor: i64,
    elevator: i64,
    cost: Value,
) -> Value {
    json!({"district": district, "community": "小区", "unit": "1单元", "type": kind, "area": area,
           "floor": floor, "elevator": elevator, "description": "描述", "imgs": ["/files/1"],
           "deposit": 1000, "pay_method": "月", "cost": cost, "tag": "独卫_近地铁"})
}

pub async fn add_house(app: &TestApp, token: &str, fields: Value) -> i64 {
    let body = call(app, "/data/addhouse", fields, Some(token)).await;
    assert_ok(&body)["house_id"].as_i64().unwrap()
}

pub fn demand(district: &str, kind: &str, floor: i64, elevator: i64, cost: i64) -> Value {
    json!({"district": district, "community": "小区", "type": kind, "floor": floor, "elevator": elevator,
           "description": "想租", "deposit": 1000, "pay_method": "月", "cost": cost})
}

pub async fn add_demand(app: &TestApp, token: &str, fields: Value) -> i64 {
    let body = call(app, "/data/addrental", fields, Some(token)).await;
    assert_ok(&body)["rental_id"].as_i64().unwrap()
}

/// The ids a list answers, in order, and its total.
pub async fn house_ids(app: &TestApp, path: &str, query: Value) -> (Vec<i64>, i64) {
    let body = call(app, path, query, None).await;
    let items = assert_ok(&body)["houses"].as_array().unwrap();
    let ids = items.iter().map(|h| h["id"].as_i64().unwrap()).collect();
    (ids, body["total"].as_i64().unwrap())
}
