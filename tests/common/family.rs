//! The family finance client the family tests share: accounts, sessions and
//! the requests its front-end sends, with the checks every answer gets.

use super::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

pub const PASSWORD: &str = "password123";

/// A family endpoint (`bill/Income/`) with the token as `?token=`.
pub fn at(path: &str, token: Option<&str>) -> String {
    let path = format!("/family/api/v1/{path}");
    match token {
        None => path,
        Some(t) if path.contains('?') => format!("{path}&token={t}"),
        Some(t) => format!("{path}?token={t}"),
    }
}

pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let body = (method != Method::GET).then_some(body);
    app.send(method, &at(path, Some(token)), body, None).await
}

pub async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    call(app, Method::GET, path, token, Value::Null).await
}

pub async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(app, Method::POST, path, token, body).await
}

pub async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(app, Method::PUT, path, token, body).await
}

pub async fn delete(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(app, Method::DELETE, path, token, body).await
}

/// Registers `username` and returns its token.
pub async fn register(app: &TestApp, username: &str) -> String {
    let (status, body) = app
        .post(
            &at("user_manage/register/", None),
            json!({"username": username, "password": PASSWORD, "pwdagain": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 200);
    assert_eq!(body["msg"], "ok");
    body["token"].as_str().expect("token").to_string()
}

pub async fn user_id(app: &TestApp, token: &str) -> i64 {
    let (_, info) = get(app, "user_manage/user_info/", token).await;
    info["id"].as_i64().expect("id")
}

pub fn assert_code(status: u16, body: &Value, code: u16) {
    assert_eq!(status, code, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["msg"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// A family made by `parent` with `members` approved into it; returns its id.
pub async fn family_with(app: &TestApp, parent: &str, members: &[&str]) -> i64 {
    let (status, body) = post(
        app,
        "family/familyManage/",
        parent,
        json!({"family_name": "newfamily"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let family_id = body["id"].as_i64().expect("family id");
    for member in members {
        let (status, body) = post(
            app,
            "user_manage/about_family/",
            member,
            json!({"family_id": family_id.to_string()}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let member_id = user_id(app, member).await;
        let (status, body) = put(
            app,
            "family/familyMember/",
            parent,
            json!({"user_id": member_id.to_string(), "is_agree": "0"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    family_id
}

/// What reqwest.js sends: `a=b&c=d` under `Content-Type: application/json`,
/// the token in the query, `X-Requested-With`.
pub async fn reqwest_style(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    form: &str,
) -> (u16, Value) {
    let response = app
        .client
        .request(method, app.url(&at(path, Some(token))))
        .header("content-type", "application/json")
        .header("x-requested-with", "XMLHttpRequest")
        .body(form.to_string())
        .send()
        .await
        .unwrap();
    super::json_of(response).await
}
