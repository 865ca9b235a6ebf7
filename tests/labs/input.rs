//! Bad input in labs' envelope, and the original front-end's requests (jQuery forms, jqGrid).

use super::*;

/// A server with student 2001 registered.
async fn with_a_student() -> TestApp {
    let app = spawn().await;
    register(&app, "2001", "韩梅梅").await;
    app
}

#[tokio::test]
async fn bodies_that_cannot_be_read_fail_in_the_envelope_with_http_200() {
    let app = with_a_student().await;
    for (content_type, body, part) in [
        ("application/json", b"{\"sid\": ".to_vec(), "malformed JSON"),
        ("application/json", b"[1, 2]".to_vec(), "object"),
        (
            "application/xml",
            b"<sid>1</sid>".to_vec(),
            "unsupported content type",
        ),
        (
            "application/json",
            vec![b' '; 2 * 1024 * 1024],
            "larger than the limit",
        ),
    ] {
        let request = app
            .client
            .post(app.url("/labs/user/login"))
            .header("content-type", content_type)
            .body(body);
        let (status, body) = common::json_of(request.send().await.unwrap()).await;
        assert_eq!(status, 200);
        assert_failed(&body, part);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named() {
    let app = with_a_student().await;
    let (_, body) = app
        .post(
            "/labs/user/login",
            json!({"sid": ["2001"], "password": PASSWORD}),
            None,
        )
        .await;
    assert_failed(&body, "sid must be a string");
    app.stop().await;
}

#[tokio::test]
async fn form_and_multipart_bodies_work_like_json() {
    let app = with_a_student().await;
    let (_, body) = app
        .post_form(
            "/labs/user/login",
            &[("sid", "2001"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(assert_ok(&body)["role"], 1);
    let form = reqwest::multipart::Form::new()
        .text("sid", "2001")
        .text("password", PASSWORD);
    let response = app
        .client
        .post(app.url("/labs/user/login"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(assert_ok(&common::json_of(response).await.1)["role"], 1);
    app.stop().await;
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_are_real_404_and_405_in_the_envelope() {
    let app = spawn().await;
    let (status, body) = app.get("/labs/project/nothing", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["status"], 300);
    let response = app
        .client
        .get(app.url("/labs/user/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let (_, body) = common::json_of(response).await;
    assert_eq!(body["status"], 300);
    let (status, body) = app.get("/labs/lab/get/all/", None).await;
    assert_eq!(status, 200, "a trailing slash is the same route");
    assert_ok(&body);
    app.stop().await;
}

#[tokio::test]
async fn ten_wrong_passwords_lock_the_account_for_a_while() {
    let app = with_a_student().await;
    for _ in 0..10 {
        app.post(
            "/labs/user/login",
            json!({"sid": "2001", "password": "wrong-password"}),
            None,
        )
        .await;
    }
    let (_, body) = app
        .post(
            "/labs/user/login",
            json!({"sid": "2001", "password": PASSWORD}),
            None,
        )
        .await;
    assert_failed(&body, "登录失败次数过多");
    app.stop().await;
}

#[tokio::test]
async fn a_jqgrid_asking_for_100000_rows_gets_the_list_clamped_with_its_own_keys_ignored() {
    let w = world().await;
    w.project("实验室A", "P1").await;
    w.project("实验室A", "P2").await;
    let path = format!(
        "/labs/project/lab?{JQGRID}&rows=100000&page=1&status=0&lab_id={}",
        w.lab_a
    );
    let list = w.get(&path, &w.leader_a).await;
    assert_eq!(assert_ok(&list).as_array().unwrap().len(), 2);
    let all = w
        .get(
            &format!("/labs/project/all?{JQGRID}&rows=100000&page=1&status=1"),
            &w.admin,
        )
        .await;
    assert_eq!(assert_ok(&all).as_array().unwrap().len(), 2);
    w.app.stop().await;
}
