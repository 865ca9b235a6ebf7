//! Bad input, size limits, routing failures and percent-decoded paths, in parking's envelope.

use super::*;

/// Posts `body` as `content_type` to the registration and reads the answer.
async fn register_raw(app: &TestApp, content_type: &str, body: String) -> (u16, Value) {
    let reply = app
        .client
        .post(app.url("/parking/api/user/new"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    common::json_of(reply).await
}

fn users(app: &TestApp) -> i64 {
    app.db()
        .query_row("SELECT count(*) FROM parking_users", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn malformed_json_is_code_402_with_http_200() {
    let app = spawn_app().await;
    let (status, body) = register_raw(&app, "application/json", "{not json".into()).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 402);
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON body"),
        "{body}"
    );
    assert_eq!(users(&app), 0);
    app.stop().await;
}

#[tokio::test]
async fn a_json_body_that_is_not_an_object_is_refused() {
    let app = spawn_app().await;
    let (_, body) = register_raw(&app, "application/json", "[1, 2]".into()).await;
    assert_fail(&body, 402, "a JSON body must be an object of named fields");
    app.stop().await;
}

#[tokio::test]
async fn a_json_body_over_the_limit_is_code_413() {
    let app = spawn_app().await;
    let huge = format!("{{\"username\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let (status, body) = register_raw(&app, "application/json", huge).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 413, "{body}");
    assert_eq!(users(&app), 0);
    app.stop().await;
}

#[tokio::test]
async fn an_unsupported_content_type_is_refused() {
    let app = spawn_app().await;
    let (_, body) = register_raw(&app, "application/xml", "<a/>".into()).await;
    assert_eq!(body["code"], 402);
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .contains("unsupported content type")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_form_body_and_a_multipart_body_work_like_json() {
    let app = spawn_app().await;
    let (_, body) = app
        .post_form(
            "/parking/api/user/new",
            &[
                ("username", "formuser"),
                ("password", PASSWORD),
                ("email", "f@f"),
            ],
            None,
        )
        .await;
    assert_ok(&body);
    let form = reqwest::multipart::Form::new()
        .text("username", "multiuser")
        .text("password", PASSWORD)
        .text("email", "m@m");
    let reply = app
        .client
        .post(app.url("/parking/api/user/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (_, body) = common::json_of(reply).await;
    assert_ok(&body);
    assert_eq!(users(&app), 2);
    app.stop().await;
}

#[tokio::test]
async fn numbers_sent_as_strings_are_read_as_numbers() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 100);
    let token = user_with_balance(&app, "formuser", "0").await;
    assert_ok(
        &app.post(
            "/parking/api/user/recharge",
            json!({"username": "formuser", "amount": 3}),
            Some(&token),
        )
        .await
        .1,
    );
    let (_, body) = app
        .post(
            "/parking/api/order/new",
            json!({"username": "formuser", "parkinglot_id": lot.to_string()}),
            Some(&token),
        )
        .await;
    assert_ok(&body);
    app.stop().await;
}

#[tokio::test]
async fn a_multipart_body_over_max_upload_is_refused_with_413() {
    let app = spawn_app_with(&["--max-upload", "4KiB"]).await;
    let form = reqwest::multipart::Form::new()
        .text("username", "bigfile")
        .text("password", PASSWORD)
        .text("email", "b@b")
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(vec![7u8; 16 * 1024]).file_name("a.png"),
        );
    let reply = app
        .client
        .post(app.url("/parking/api/user/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(reply).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 413, "{body}");
    assert_eq!(
        body["msg"],
        "request body is larger than the limit of 4096 bytes"
    );
    assert_eq!(users(&app), 0);
    app.stop().await;
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_are_real_404_and_405_in_the_envelope() {
    let app = spawn_app().await;
    let (status, body) = app.get("/parking/api/nothing/here", None).await;
    assert_eq!(status, 404);
    assert_fail(&body, 404, "no such API: GET /parking/api/nothing/here");

    let reply = app
        .client
        .delete(app.url("/parking/api/user/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.headers()["allow"], "POST");
    let (status, body) = common::json_of(reply).await;
    assert_eq!(status, 405);
    assert_fail(&body, 405, "method not allowed; use POST");

    let reply = app
        .client
        .post(app.url("/parking/api/parkinglot/list"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 405);
    assert_eq!(reply.headers()["allow"], "GET");

    // Trailing slashes answer like the bare route.
    let (status, body) = app.get("/parking/api/parkinglot/list/", None).await;
    assert_eq!(status, 200);
    assert_ok(&body);
    app.stop().await;
}

#[tokio::test]
async fn usernames_in_the_path_are_percent_decoded() {
    let app = spawn_app().await;
    let token = user_with_balance(&app, "张三", "0").await;
    let (_, body) = app
        .get("/parking/api/user/info/%E5%BC%A0%E4%B8%89", Some(&token))
        .await;
    assert_eq!(assert_ok(&body)["username"], "张三");
    app.stop().await;
}
