//! Bad input, size limits, routing failures and percent-decoded paths, in parking's envelope.

use super::*;

#[tokio::test]
async fn bad_input_of_every_kind_gets_the_envelope() {
    let app = spawn_app().await;
    let client = &app.client;
    let url = app.url("/parking/api/user/new");

    let reply = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(reply).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 402);
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON body"),
        "{body}"
    );

    let reply = client
        .post(&url)
        .header("content-type", "application/json")
        .body("[1, 2]")
        .send()
        .await
        .unwrap();
    let (_, body) = common::json_of(reply).await;
    assert_fail(&body, 402, "a JSON body must be an object of named fields");

    let huge = format!("{{\"username\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let reply = client
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(reply).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 413, "{body}");

    let reply = client
        .post(&url)
        .header("content-type", "application/xml")
        .body("<a/>")
        .send()
        .await
        .unwrap();
    let (_, body) = common::json_of(reply).await;
    assert_eq!(body["code"], 402);
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .contains("unsupported content type")
    );

    // A form body and a multipart body work like JSON.
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
    let reply = client.post(&url).multipart(form).send().await.unwrap();
    let (_, body) = common::json_of(reply).await;
    assert_ok(&body);

    // Numbers as strings and strings as numbers.
    let lot = add_lot(&app, "parkinglot1", 5, 100);
    let token = login(&app, "formuser").await;
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
    let users: i64 = app
        .db()
        .query_row("SELECT count(*) FROM parking_users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 2);
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
    let users: i64 = app
        .db()
        .query_row("SELECT count(*) FROM parking_users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 0);
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
