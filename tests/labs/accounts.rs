//! Accounts: the captcha, sessions in an HTTP-only cookie, the login data of each role, throttled logins, no secret in any answer.

use super::*;

/// The answer the server keeps for a captcha id.
fn captcha_answer(app: &TestApp, id: &str) -> String {
    app.db()
        .query_row(
            "SELECT answer FROM labs_captchas WHERE id_hash = ?1",
            [sha256(id)],
            |row| row.get(0),
        )
        .unwrap()
}

/// Fetches a captcha as a JPEG that no one keeps, checks its cookie, and
/// returns its id.
async fn fetch_captcha(app: &TestApp, client: &reqwest::Client) -> String {
    let response = client
        .get(app.url("/labs/user/login/code"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.headers()["cache-control"], "no-store");
    common::session_cookie(&response);
    let id = response.headers()["x-captcha-id"]
        .to_str()
        .unwrap()
        .to_string();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    id
}

async fn captcha_login(app: &TestApp, client: &reqwest::Client, body: Value) -> Value {
    let request = client.post(app.url("/labs/user/login")).json(&body);
    common::json_of(request.send().await.unwrap()).await.1
}

/// A server with the captcha on, student 2001 registered, and a client
/// that keeps cookies as a browser does.
async fn captcha_server() -> (TestApp, reqwest::Client) {
    let app = spawn_app_with(&[]).await;
    register(&app, "2001", "韩梅梅").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    (app, browser)
}

#[tokio::test]
async fn a_login_without_the_code_or_with_a_wrong_one_is_refused_and_spends_the_captcha() {
    let (app, browser) = captcha_server().await;
    let id = fetch_captcha(&app, &browser).await;
    let answer = captcha_answer(&app, &id);
    let body = captcha_login(&app, &browser, json!({"sid": "2001", "password": PASSWORD})).await;
    assert_failed(&body, "验证码不能为空");
    let wrong = json!({"sid": "2001", "password": PASSWORD, "code": "zzzz"});
    assert_failed(&captcha_login(&app, &browser, wrong).await, "验证码错误");
    let right = json!({"sid": "2001", "password": PASSWORD, "code": answer});
    assert_failed(&captcha_login(&app, &browser, right).await, "验证码已过期");
    app.stop().await;
}

#[tokio::test]
async fn a_fresh_captcha_answered_in_upper_case_logs_in_and_the_cookie_is_the_session() {
    let (app, browser) = captcha_server().await;
    let id = fetch_captcha(&app, &browser).await;
    let answer = captcha_answer(&app, &id).to_uppercase();
    let body = captcha_login(
        &app,
        &browser,
        json!({"sid": "2001", "password": PASSWORD, "code": answer}),
    )
    .await;
    assert_eq!(assert_ok(&body)["role"], 1);
    let (_, body) = common::json_of(
        browser
            .get(app.url("/labs/user/type"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        assert_ok(&body)["student"]["id"],
        "2001",
        "the cookie is the session"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_client_without_cookies_names_the_captcha_with_captcha_id() {
    let (app, _) = captcha_server().await;
    let plain = reqwest::Client::new();
    let id = fetch_captcha(&app, &plain).await;
    let body = captcha_login(
        &app,
        &plain,
        json!({"sid": "2001", "password": PASSWORD, "code": captcha_answer(&app, &id), "captcha_id": id}),
    )
    .await;
    assert_eq!(assert_ok(&body)["role"], 1);
    app.stop().await;
}

#[tokio::test]
async fn a_code_with_neither_cookie_nor_captcha_id_is_asked_to_fetch_a_captcha() {
    let (app, _) = captcha_server().await;
    let plain = reqwest::Client::new();
    fetch_captcha(&app, &plain).await;
    let body = captcha_login(
        &app,
        &plain,
        json!({"sid": "2001", "password": PASSWORD, "code": "abcd"}),
    )
    .await;
    assert_failed(&body, "请先获取验证码");
    app.stop().await;
}

fn sha256(text: &str) -> Vec<u8> {
    onebox::session::hash(text).to_vec()
}

#[tokio::test]
async fn login_data_has_the_seed_shape_for_each_role() {
    let w = world().await;
    let app = &w.app;
    let (data, _) = login_as(app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(data["role"], 3);
    assert_eq!(data["admin"]["id"], "admin");
    assert!(data["student"].is_null() && data["lab"].is_null());

    let (data, _) = login_as(app, "1001", PASSWORD).await;
    assert_eq!(data["role"], 2);
    assert_eq!(data["student"], json!({"id": "1001", "name": "李雷"}));
    assert_eq!(data["lab"]["id"], w.lab_a.to_string());
    assert_eq!(data["lab"]["name"], "实验室A");
    assert_eq!(data["lab"]["leader_id"], "1001");
    assert!(
        data["lab"]["create_time"].as_i64().unwrap() > 1_600_000_000_000,
        "epoch ms"
    );

    // By e-mail as well as by student number.
    let (data, _) = login_as(app, "2001@example.com", PASSWORD).await;
    assert_eq!(data["role"], 1);
    assert!(data["lab"].is_null());

    let (status, body) = app.get("/labs/user/type", None).await;
    assert_eq!(status, 200);
    assert_eq!(assert_ok(&body)["role"], 0);
    let (_, body) = app.get("/labs/user/type", Some("not-a-token")).await;
    assert_eq!(assert_ok(&body)["role"], 0);

    let (_, body) = app
        .post(
            "/labs/user/login",
            json!({"sid": "2001", "password": "wrong-password"}),
            None,
        )
        .await;
    assert_failed(&body, "学号/邮箱或密码错误");
    let (_, body) = app
        .post(
            "/labs/user/login",
            json!({"sid": "9999", "password": PASSWORD}),
            None,
        )
        .await;
    assert_failed(&body, "学号/邮箱或密码错误");
    let (_, body) = app
        .post("/labs/user/login", json!({"sid": "2001"}), None)
        .await;
    assert_failed(&body, "密码不能为空");
    w.app.stop().await;
}

/// The `set-cookie` of a login by student 2001 with this body.
async fn login_cookie(app: &TestApp, body: Value) -> String {
    let response = app
        .client
        .post(app.url("/labs/user/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_kept_30_days_only_when_remembered() {
    let app = spawn().await;
    register(&app, "2001", "韩梅梅").await;
    let cookie = login_cookie(
        &app,
        json!({"sid": "2001", "password": PASSWORD, "remember": true}),
    )
    .await;
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(
        cookie.contains("Max-Age=2592000"),
        "remember keeps 30 days: {cookie}"
    );
    let cookie = login_cookie(&app, json!({"sid": "2001", "password": PASSWORD})).await;
    assert!(
        !cookie.contains("Max-Age"),
        "a browser-session cookie: {cookie}"
    );
}

/// A front-end on another localhost port, with credentials.
#[tokio::test]
async fn a_front_end_on_another_local_port_logs_in_with_credentials_and_logout_ends_the_session() {
    let app = spawn().await;
    register(&app, "2001", "韩梅梅").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let origin = "http://localhost:5173";
    let preflight = browser
        .request(reqwest::Method::OPTIONS, app.url("/labs/user/login"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.headers()["access-control-allow-origin"], origin);
    assert_eq!(
        preflight.headers()["access-control-allow-credentials"],
        "true"
    );
    let response = browser
        .post(app.url("/labs/user/login"))
        .header("origin", origin)
        .json(&json!({"sid": "2001", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], origin);
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
    let type_of = |client: &reqwest::Client| {
        let request = client
            .get(app.url("/labs/user/type"))
            .header("origin", origin);
        async move { common::json_of(request.send().await.unwrap()).await.1 }
    };
    assert_eq!(type_of(&browser).await["data"]["role"], 1);

    let response = browser
        .post(app.url("/labs/user/logout"))
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (_, body) = common::json_of(response).await;
    assert!(assert_ok(&body).is_null());
    assert_eq!(type_of(&browser).await["data"]["role"], 0);
    let sessions: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM sessions WHERE domain = 'labs'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(sessions, 0, "the logout removed the session");
    app.stop().await;
}

#[tokio::test]
async fn no_answer_carries_a_password_or_hash() {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await;
    let mut bodies = vec![
        login_as(&w.app, "1001", PASSWORD).await.0,
        login_as(&w.app, "admin", ADMIN_PASSWORD).await.0,
        w.get("/labs/user/type", &w.s1).await,
        w.get(&format!("/labs/project/one?id={p1}"), &w.admin).await,
        w.get("/labs/project/student?sid=2001", &w.s1).await,
        w.get("/labs/project/all?status=0", &w.admin).await,
        w.get(
            &format!("/labs/project/lab?status=0&lab_id={}", w.lab_a),
            &w.leader_a,
        )
        .await,
        w.app.get("/labs/lab/get/all", None).await.1,
    ];
    bodies.extend(outbox(&w.app).await);
    for body in &bodies {
        assert_no_secrets(body, &[PASSWORD, ADMIN_PASSWORD]);
    }
    w.app.stop().await;
}

#[tokio::test]
async fn demo_data_logs_in_for_every_role() {
    let app = spawn_app_with(&["--captcha", "off", "--demo"]).await;
    for (sid, password, role) in [
        ("admin", "admin1234", 3),
        ("20160001", "leader1234", 2),
        ("20160030", "student1234", 1),
    ] {
        let (data, token) = login_as(&app, sid, password).await;
        assert_eq!(data["role"], role, "{sid}");
        if role == 1 {
            let (_, body) = app
                .get("/labs/project/student?sid=20160030", Some(&token))
                .await;
            assert_eq!(assert_ok(&body).as_array().unwrap().len(), 3);
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn failed_logins_count_per_account_whichever_name_is_typed() {
    let app = spawn().await;
    register(&app, "3001", "小红").await;
    let attempt = |sid: &'static str, password: &'static str| {
        let request = app
            .client
            .post(app.url("/labs/user/login"))
            .json(&json!({"sid": sid, "password": password}));
        async move { common::json_of(request.send().await.unwrap()).await.1 }
    };
    // Ten failures spread over the student number and the e-mail in any
    // case lock the one account they name.
    for sid in [
        "3001",
        " 3001 ",
        "3001@example.com",
        "3001@EXAMPLE.com",
        "3001",
    ] {
        for _ in 0..2 {
            assert_failed(&attempt(sid, "wrong-password").await, "密码错误");
        }
    }
    for sid in ["3001", "3001@example.com", "3001@Example.COM"] {
        assert_failed(&attempt(sid, PASSWORD).await, "登录失败次数过多");
    }
    // Another account from the same address still logs in.
    register(&app, "3002", "小刚").await;
    assert_ok(&attempt("3002", PASSWORD).await);
    app.stop().await;
}
