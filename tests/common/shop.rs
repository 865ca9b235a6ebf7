//! The multi-seller shop client the shop tests share: accounts, sessions and
//! the requests its front-end sends, with the checks every answer gets.

use super::TestApp;
use serde_json::{Value, json};

pub const PASSWORD: &str = "password123";

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

pub fn assert_fail(status: u16, body: &Value, http: u16, code: i64) {
    assert_eq!(status, http, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body["data"], Value::Null);
}

pub fn assert_ok(status: u16, body: &Value) {
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true, "{body}");
    assert_eq!(body["code"], 0, "{body}");
}

pub async fn register(app: &TestApp, role: &str, email: &str) {
    let (status, body) = app
        .post(
            &format!("/shop/user/register/{role}"),
            json!({"name": email.split('@').next().unwrap(), "phone": "13800000000", "email": email, "password": PASSWORD}),
            None,
        )
        .await;
    assert_ok(status, &body);
    assert_eq!(body["data"], Value::Null);
}

/// Logs in and returns the session token (the cookie's value).
pub async fn login(app: &TestApp, email: &str, password: &str) -> (u16, Value, Option<String>) {
    let response = app
        .client
        .post(app.url("/shop/user/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string());
    let token = cookie.as_deref().and_then(|c| {
        c.split(';')
            .next()
            .and_then(|pair| pair.strip_prefix("onebox_shop="))
            .map(str::to_string)
    });
    let (status, body) = super::json_of(response).await;
    if status == 200 {
        // The answer carries the cookie's token, for browsers that refuse
        // the cookie.
        assert_eq!(body["data"]["token"].as_str(), token.as_deref(), "{body}");
    }
    (status, body, token)
}

pub async fn user(app: &TestApp, role: &str, email: &str) -> String {
    register(app, role, email).await;
    login(app, email, PASSWORD)
        .await
        .2
        .expect("a session cookie")
}

/// A seller with a new shop; returns (token, shop id).
pub async fn seller_with_shop(app: &TestApp, email: &str) -> (String, i64) {
    let token = user(app, "seller", email).await;
    let (status, body) = app
        .post("/shop/shop/create", json!({"name": format!("{email} 的商铺"), "address": "北京市朝阳区", "description": "主营电子产品"}), Some(&token))
        .await;
    assert_ok(status, &body);
    (token, body["data"]["id"].as_i64().unwrap())
}

pub async fn add_product(app: &TestApp, token: &str, shop: i64, body: Value) -> (u16, Value) {
    app.post(&format!("/shop/shop/{shop}/product/add"), body, Some(token))
        .await
}

/// What the front-end's `server.ts` sends: JSON to a path with a trailing
/// slash, the CSRF header Django wanted, the session cookie.
pub async fn axios(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method.clone(), app.url(&format!("/shop{path}/")))
        .header("cookie", format!("onebox_shop={token}; csrftoken=abc123"))
        .header("x-csrftoken", "abc123");
    if method != reqwest::Method::GET {
        request = request.json(&body);
    }
    super::json_of(request.send().await.unwrap()).await
}
