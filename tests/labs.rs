//! The labs domain over real HTTP: every endpoint, the captcha, mailed codes
//! through the outbox and through a real SMTP server, the role rules, bad
//! input, and a code racing with itself.

mod common;

use common::smtp::SmtpSink;
use common::{TestApp, assert_no_secrets, code_in, outbox, spawn_app_with};
use serde_json::{Value, json};

const PASSWORD: &str = "secret-pass-1";
const ADMIN_PASSWORD: &str = "admin-pass-1";

fn assert_ok(body: &Value) -> &Value {
    assert_eq!(body["status"], 200, "expected success: {body}");
    assert_eq!(body["message"], "操作成功", "{body}");
    &body["data"]
}

/// A status-300 failure whose message contains `part`.
fn assert_failed(body: &Value, part: &str) {
    assert_eq!(body["status"], 300, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(part), "{part:?} not in {body}");
    assert_eq!(body["data"], json!({}), "{body}");
}

fn assert_denied(body: &Value) {
    assert_eq!(body["status"], 400, "{body}");
    assert_eq!(body["message"], "会话已过期或权限不足，请重新登陆");
}

async fn spawn() -> TestApp {
    spawn_app_with(&["--captcha", "off"]).await
}

/// The newest mailed code for an address, from the outbox.
async fn mailed_code(app: &TestApp, email: &str) -> String {
    let mails = outbox(app).await;
    let mail = mails
        .iter()
        .find(|m| m["to"] == email)
        .unwrap_or_else(|| panic!("no mail to {email}: {mails:?}"));
    code_in(mail["body"].as_str().unwrap()).expect("a code in the mail")
}

/// Registers a student through the mailed code.
async fn register(app: &TestApp, sid: &str, name: &str) {
    let email = format!("{sid}@example.com");
    let (_, body) = app
        .post("/labs/user/register/mail", json!({"email": email}), None)
        .await;
    assert_ok(&body);
    let code = mailed_code(app, &email).await;
    let (status, body) = app
        .post(
            "/labs/user/register/code",
            json!({"email": email, "code": code, "name": name, "password": PASSWORD, "sid": sid, "phone": "13800000000"}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_ok(&body);
}

/// Logs in; returns the login data and the session token from the cookie.
async fn login_as(app: &TestApp, sid: &str, password: &str) -> (Value, String) {
    let response = app
        .client
        .post(app.url("/labs/user/login"))
        .json(&json!({"sid": sid, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string());
    let (_, body) = common::json_of(response).await;
    let mut data = assert_ok(&body).clone();
    let cookie = cookie.expect("a session cookie");
    let token = cookie
        .strip_prefix("onebox_labs=")
        .and_then(|rest| rest.split(';').next())
        .expect("cookie value")
        .to_string();
    // The answer carries the same token, for browsers that refuse the
    // cookie.
    let in_answer = data
        .as_object_mut()
        .and_then(|fields| fields.remove("token"));
    assert_eq!(in_answer, Some(Value::String(token.clone())), "{body}");
    (data, token)
}

async fn login(app: &TestApp, sid: &str) -> String {
    login_as(app, sid, PASSWORD).await.1
}

fn add_admin(app: &TestApp) {
    onebox::domains::labs::add_admin(&app.db_path, "admin", ADMIN_PASSWORD, Some("管理员"), 8)
        .expect("admin added");
}

/// Two labs (A led by 1001, B by 1002), three students, and everyone's token.
struct World {
    app: TestApp,
    admin: String,
    leader_a: String,
    leader_b: String,
    s1: String,
    s2: String,
    s3: String,
    lab_a: i64,
    lab_b: i64,
}

async fn world() -> World {
    world_with(&[]).await
}

/// The same world on a server started with `extra` flags as well.
async fn world_with(extra: &[&str]) -> World {
    let mut flags = vec!["--captcha", "off"];
    flags.extend_from_slice(extra);
    let app = spawn_app_with(&flags).await;
    add_admin(&app);
    for (sid, name) in [
        ("1001", "李雷"),
        ("1002", "王芳"),
        ("2001", "韩梅梅"),
        ("2002", "张伟"),
        ("2003", "刘洋"),
    ] {
        register(&app, sid, name).await;
    }
    let (_, admin) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    for (name, leader) in [("实验室A", "1001"), ("实验室B", "1002")] {
        let (_, body) = app
            .post(
                "/labs/lab/create",
                json!({"name": name, "leader_id": leader, "description": "d"}),
                Some(&admin),
            )
            .await;
        assert_ok(&body);
    }
    let (_, labs) = app.get("/labs/lab/get/all", None).await;
    let labs = assert_ok(&labs).as_array().unwrap().clone();
    let id_of = |name: &str| -> i64 {
        labs.iter().find(|l| l["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    World {
        lab_a: id_of("实验室A"),
        lab_b: id_of("实验室B"),
        leader_a: login(&app, "1001").await,
        leader_b: login(&app, "1002").await,
        s1: login(&app, "2001").await,
        s2: login(&app, "2002").await,
        s3: login(&app, "2003").await,
        admin,
        app,
    }
}

impl World {
    /// s1 creates a project in `lab` with s2 as member; returns its id.
    async fn project(&self, lab: &str, name: &str) -> i64 {
        let (_, body) = self
            .app
            .post(
                "/labs/project/create",
                json!({"name": name, "lab_name": lab, "aim": "目标", "memberIds": "2001@2002", "duration": 3600, "type": "创新"}),
                Some(&self.s1),
            )
            .await;
        assert_ok(&body);
        self.app
            .db()
            .query_row(
                "SELECT max(id) FROM labs_projects WHERE name = ?1",
                [name],
                |row| row.get(0),
            )
            .unwrap()
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.app.get(path, Some(token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn post(&self, path: &str, body: Value, token: &str) -> Value {
        let (status, body) = self.app.post(path, body, Some(token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

#[tokio::test]
async fn the_captcha_is_a_jpeg_whose_answer_logs_in_once() {
    let app = spawn_app_with(&[]).await;
    register(&app, "2001", "韩梅梅").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let answer_of = |id: &str| -> String {
        let hash: Vec<u8> = sha256(id);
        app.db()
            .query_row(
                "SELECT answer FROM labs_captchas WHERE id_hash = ?1",
                [hash],
                |row| row.get(0),
            )
            .unwrap()
    };
    let fetch = |client: reqwest::Client| {
        let url = app.url("/labs/user/login/code");
        async move {
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["content-type"], "image/jpeg");
            assert_eq!(response.headers()["cache-control"], "no-store");
            let cookie = response.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .to_string();
            assert!(
                cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
                "{cookie}"
            );
            let id = response.headers()["x-captcha-id"]
                .to_str()
                .unwrap()
                .to_string();
            let bytes = response.bytes().await.unwrap();
            assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
            id
        }
    };
    let login = |client: &reqwest::Client, body: Value| {
        let request = client.post(app.url("/labs/user/login")).json(&body);
        async move { common::json_of(request.send().await.unwrap()).await.1 }
    };

    // No code, then a wrong one: refused, and the wrong try used the captcha up.
    let id = fetch(browser.clone()).await;
    let answer = answer_of(&id);
    let body = login(&browser, json!({"sid": "2001", "password": PASSWORD})).await;
    assert_failed(&body, "验证码不能为空");
    let body = login(
        &browser,
        json!({"sid": "2001", "password": PASSWORD, "code": "zzzz"}),
    )
    .await;
    assert_failed(&body, "验证码错误");
    let body = login(
        &browser,
        json!({"sid": "2001", "password": PASSWORD, "code": answer}),
    )
    .await;
    assert_failed(&body, "验证码已过期");

    // A fresh captcha answered in upper case logs in (the browser's cookie names it).
    let id = fetch(browser.clone()).await;
    let answer = answer_of(&id).to_uppercase();
    let body = login(
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

    // A client without cookies names the captcha with captcha_id.
    let plain = reqwest::Client::new();
    let id = fetch(plain.clone()).await;
    let body = login(
        &plain,
        json!({"sid": "2001", "password": PASSWORD, "code": answer_of(&id), "captcha_id": id}),
    )
    .await;
    assert_eq!(assert_ok(&body)["role"], 1);
    let body = login(
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
async fn register_login_and_reset_work_through_the_outbox() {
    let app = spawn().await;
    let email = "Student@Example.com";
    let (_, body) = app
        .post("/labs/user/register/mail", json!({"email": email}), None)
        .await;
    assert!(assert_ok(&body).is_null());
    let mail = outbox(&app).await[0].clone();
    assert_eq!(mail["to"], "student@example.com");
    assert!(mail["subject"].as_str().unwrap().contains("注册验证码"));
    let code = code_in(mail["body"].as_str().unwrap()).unwrap();

    // Registered without a student number: the e-mail is the id.
    let (_, body) = app
        .post_form(
            "/labs/user/register/code",
            &[
                ("email", email),
                ("code", &code),
                ("name", "小明"),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert_ok(&body);
    let (_, body) = app
        .post("/labs/user/register/mail", json!({"email": email}), None)
        .await;
    assert_failed(&body, "该邮箱已注册");

    let (data, token) = login_as(&app, "student@example.com", PASSWORD).await;
    assert_eq!(
        data,
        json!({"role": 1, "admin": null, "student": {"id": "student@example.com", "name": "小明"}, "lab": null})
    );
    let (_, body) = app.get("/labs/user/type", Some(&token)).await;
    assert_eq!(assert_ok(&body)["role"], 1);

    // Reset (a minute after the last mail to this address).
    let (_, body) = app
        .post(
            "/labs/user/resetPassword/mail",
            json!({"email": email}),
            None,
        )
        .await;
    assert_failed(&body, "秒后再试");
    backdate_mail(&app, "student@example.com");
    let (_, body) = app
        .post(
            "/labs/user/resetPassword/mail",
            json!({"email": email}),
            None,
        )
        .await;
    assert_ok(&body);
    let code = mailed_code(&app, "student@example.com").await;
    let new_password = "another-pass-2";
    let (_, body) = app
        .post(
            "/labs/user/resetPassword/code",
            json!({"email": email, "code": code, "password": new_password}),
            None,
        )
        .await;
    assert_ok(&body);
    let (_, body) = app.get("/labs/user/type", Some(&token)).await;
    assert_eq!(
        assert_ok(&body)["role"],
        0,
        "the reset ended the old session"
    );
    let (_, body) = app
        .post(
            "/labs/user/login",
            json!({"sid": "student@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    assert_failed(&body, "密码错误");
    login_as(&app, "student@example.com", new_password).await;

    let (_, body) = app
        .post(
            "/labs/user/resetPassword/mail",
            json!({"email": "nobody@example.com"}),
            None,
        )
        .await;
    assert_failed(&body, "该邮箱未注册");
    app.stop().await;
}

/// Moves the last mail to an address a minute into the past.
fn backdate_mail(app: &TestApp, email: &str) {
    writable(app)
        .execute(
            "UPDATE labs_codes SET sent_at = sent_at - 61 WHERE email = ?1",
            [email],
        )
        .unwrap();
}

/// A writable connection, to move time forward for expiries.
fn writable(app: &TestApp) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&app.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    conn
}

#[tokio::test]
async fn codes_fail_clearly_when_wrong_used_expired_or_tried_too_often() {
    let app = spawn().await;
    let register_with = |email: &'static str, code: String| {
        let app = &app;
        async move {
            app.post(
                "/labs/user/register/code",
                json!({"email": email, "code": code, "name": "n", "password": PASSWORD}),
                None,
            )
            .await
            .1
        }
    };
    let body = register_with("a@example.com", "123456".into()).await;
    assert_failed(&body, "请先获取验证码");

    app.post(
        "/labs/user/register/mail",
        json!({"email": "a@example.com"}),
        None,
    )
    .await;
    let code = mailed_code(&app, "a@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let body = register_with("a@example.com", wrong.into()).await;
    assert_failed(&body, "还可尝试 4 次");
    assert_ok(&register_with("a@example.com", code.clone()).await);
    let body = register_with("a@example.com", code).await;
    assert_failed(&body, "验证码已使用");

    // Expired after ten minutes.
    app.post(
        "/labs/user/register/mail",
        json!({"email": "b@example.com"}),
        None,
    )
    .await;
    let code = mailed_code(&app, "b@example.com").await;
    writable(&app)
        .execute(
            "UPDATE labs_codes SET expires_at = expires_at - 601 WHERE email = 'b@example.com'",
            [],
        )
        .unwrap();
    assert_failed(&register_with("b@example.com", code).await, "验证码已过期");

    // Five wrong tries spend the code, right or not afterwards.
    app.post(
        "/labs/user/register/mail",
        json!({"email": "c@example.com"}),
        None,
    )
    .await;
    let code = mailed_code(&app, "c@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let body = register_with("c@example.com", wrong.into()).await;
        if left > 0 {
            assert_failed(&body, &format!("还可尝试 {left} 次"));
        } else {
            assert_failed(&body, "次数过多");
        }
    }
    assert_failed(&register_with("c@example.com", code).await, "次数过多");
    let users: i64 = app
        .db()
        .query_row("SELECT count(*) FROM labs_users", [], |row| row.get(0))
        .unwrap();
    assert_eq!(users, 1, "only a@example.com registered");

    // Bad input to the code endpoints.
    let (_, body) = app
        .post(
            "/labs/user/register/mail",
            json!({"email": "not-an-address"}),
            None,
        )
        .await;
    assert_failed(&body, "邮箱格式不正确");
    let (_, body) = app.post("/labs/user/register/mail", json!({}), None).await;
    assert_failed(&body, "邮箱不能为空");
    app.post(
        "/labs/user/register/mail",
        json!({"email": "d@example.com"}),
        None,
    )
    .await;
    let code = mailed_code(&app, "d@example.com").await;
    let (_, body) = app
        .post(
            "/labs/user/register/code",
            json!({"email": "d@example.com", "code": code, "name": "n", "password": "short"}),
            None,
        )
        .await;
    assert_failed(&body, "at least 8");
    let (_, body) = app
        .post(
            "/labs/user/register/code",
            json!({"email": "d@example.com", "code": code, "name": "n", "password": PASSWORD, "sid": "a b"}),
            None,
        )
        .await;
    assert_failed(&body, "学号");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mailed_code_is_accepted_once_when_twenty_requests_race() {
    let app = spawn().await;
    app.post(
        "/labs/user/register/mail",
        json!({"email": "race@example.com"}),
        None,
    )
    .await;
    let code = mailed_code(&app, "race@example.com").await;
    let attempts = (0..20).map(|n| {
        let request = app
            .client
            .post(app.url("/labs/user/register/code"))
            .json(&json!({
                "email": "race@example.com", "code": code, "name": format!("n{n}"),
                "password": PASSWORD, "sid": format!("r{n}"),
            }));
        async move { common::json_of(request.send().await.unwrap()).await.1 }
    });
    let bodies = futures_util::future::join_all(attempts).await;
    let accepted = bodies.iter().filter(|b| b["status"] == 200).count();
    assert_eq!(accepted, 1, "{bodies:?}");
    for body in bodies.iter().filter(|b| b["status"] != 200) {
        assert_failed(body, "验证码已使用");
    }
    let users: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM labs_users WHERE email = 'race@example.com'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(users, 1);

    // The same for a reset code.
    backdate_mail(&app, "race@example.com");
    app.post(
        "/labs/user/resetPassword/mail",
        json!({"email": "race@example.com"}),
        None,
    )
    .await;
    let code = mailed_code(&app, "race@example.com").await;
    let attempts =
        (0..20).map(|n| {
            let request = app.client.post(app.url("/labs/user/resetPassword/code")).json(&json!({
            "email": "race@example.com", "code": code, "password": format!("new-password-{n}"),
        }));
            async move { common::json_of(request.send().await.unwrap()).await.1 }
        });
    let bodies = futures_util::future::join_all(attempts).await;
    assert_eq!(
        bodies.iter().filter(|b| b["status"] == 200).count(),
        1,
        "{bodies:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn mail_goes_through_a_real_smtp_server_when_one_is_given() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[
        "--captcha",
        "off",
        "--smtp",
        &sink.url(),
        "--mail-from",
        "labs <labs@example.com>",
    ])
    .await;
    let (_, body) = app
        .post(
            "/labs/user/register/mail",
            json!({"email": "smtp@example.com"}),
            None,
        )
        .await;
    assert_ok(&body);
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].from, "labs@example.com");
    assert_eq!(messages[0].to, vec!["smtp@example.com"]);
    assert!(
        messages[0].data.contains("Subject: "),
        "{}",
        messages[0].data
    );
    let code = code_in(&messages[0].data).expect("the code in the message");
    assert!(
        outbox(&app).await.is_empty(),
        "SMTP mail is not kept in the outbox"
    );
    let (_, body) = app
        .post(
            "/labs/user/register/code",
            json!({"email": "smtp@example.com", "code": code, "name": "n", "password": PASSWORD}),
            None,
        )
        .await;
    assert_ok(&body);
    app.stop().await;

    // A mail server that is not there: a clear failure, and no code kept.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = spawn_app_with(&["--captcha", "off", "--smtp", &url]).await;
    for _ in 0..2 {
        let (status, body) = app
            .post(
                "/labs/user/register/mail",
                json!({"email": "x@example.com"}),
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_failed(&body, "验证码邮件发送失败");
    }
    let codes: i64 = app
        .db()
        .query_row("SELECT count(*) FROM labs_codes", [], |row| row.get(0))
        .unwrap();
    assert_eq!(codes, 0);
    app.stop().await;
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

#[tokio::test]
async fn sessions_use_an_http_only_cookie_and_logout_ends_them() {
    let app = spawn().await;
    register(&app, "2001", "韩梅梅").await;
    let response = app
        .client
        .post(app.url("/labs/user/login"))
        .json(&json!({"sid": "2001", "password": PASSWORD, "remember": true}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(
        cookie.contains("Max-Age=2592000"),
        "remember keeps 30 days: {cookie}"
    );
    let response = app
        .client
        .post(app.url("/labs/user/login"))
        .json(&json!({"sid": "2001", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        !cookie.contains("Max-Age"),
        "a browser-session cookie: {cookie}"
    );

    // A front-end on another localhost port, with credentials.
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
    assert_eq!(sessions, 2, "only the two logins without a logout remain");
    app.stop().await;
}

#[tokio::test]
async fn projects_are_created_and_read_under_the_role_rules() {
    let w = world().await;
    let app = &w.app;
    let create = |token: Option<String>, body: Value| async move {
        app.post("/labs/project/create", body, token.as_deref())
            .await
            .1
    };
    let valid = json!({"name": "P1", "lab_name": "实验室A", "aim": "目标", "memberIds": "2001@2002", "description": "描述", "duration": "3600", "coach_id": "T9", "type": "创新"});
    assert_denied(&create(None, valid.clone()).await);
    assert_denied(&create(Some(w.admin.clone()), valid.clone()).await);
    let with = |key: &str, value: Value| {
        let mut body = valid.clone();
        body[key] = value;
        body
    };
    let s1 = Some(w.s1.clone());
    assert_failed(
        &create(s1.clone(), with("lab_name", json!("没有"))).await,
        "不存在",
    );
    assert_failed(
        &create(s1.clone(), with("memberIds", json!("2001"))).await,
        "至少",
    );
    assert_failed(
        &create(s1.clone(), with("memberIds", json!("2001@9999"))).await,
        "9999",
    );
    assert_failed(
        &create(s1.clone(), with("memberIds", json!("admin"))).await,
        "admin",
    );
    assert_failed(
        &create(s1.clone(), with("name", json!(""))).await,
        "项目名称不能为空",
    );
    assert_failed(
        &create(s1.clone(), with("aim", json!(null))).await,
        "项目目标不能为空",
    );
    assert_failed(
        &create(s1.clone(), with("duration", json!(-1))).await,
        "duration",
    );
    assert_failed(
        &create(s1.clone(), with("name", json!({"a": 1}))).await,
        "name must be a string",
    );
    let count: i64 = app
        .db()
        .query_row("SELECT count(*) FROM labs_projects", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "no refused create wrote anything");
    assert!(assert_ok(&create(s1.clone(), valid.clone()).await).is_null());
    let p1 = w.project("实验室A", "P2").await;
    let p_b = w.project("实验室B", "PB").await;

    // student: admin or the student himself.
    let body = w.get("/labs/project/student?sid=2001", &w.s1).await;
    let list = assert_ok(&body).as_array().unwrap().clone();
    assert_eq!(list.len(), 3);
    let item = list.iter().find(|p| p["name"] == "P1").unwrap();
    for key in ["id", "name", "coach_id", "lab_name", "leader_id", "type"] {
        assert!(item[key].is_string(), "{key} is a string: {item}");
    }
    for key in ["opt_status", "duration", "submit_time"] {
        assert!(item[key].is_i64(), "{key} is a number: {item}");
    }
    assert_eq!(
        item["members"],
        json!([{"id": "2001", "name": "韩梅梅"}, {"id": "2002", "name": "张伟"}])
    );
    assert_eq!(item["lab_name"], "实验室A");
    assert_eq!(item["duration"], 3600);
    assert!(item["start_time"].is_null());
    assert_eq!(
        assert_ok(&w.get("/labs/project/student?sid=2002", &w.s2).await)
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_denied(&w.get("/labs/project/student?sid=2001", &w.s3).await);
    assert_denied(&w.get("/labs/project/student?sid=2001", &w.leader_a).await);
    assert_eq!(
        assert_ok(&w.get("/labs/project/student?sid=2001", &w.admin).await)
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_failed(
        &w.get("/labs/project/student?sid=9999", &w.admin).await,
        "不存在",
    );
    assert_failed(&w.get("/labs/project/student", &w.admin).await, "sid");

    // one: admin, the lab's leader, members.
    let one = format!("/labs/project/one?id={p1}");
    for token in [&w.s1, &w.s2, &w.leader_a, &w.admin] {
        let body = w.get(&one, token).await;
        let data = assert_ok(&body);
        assert_eq!(data["id"], p1.to_string());
        assert_eq!(data["deleted"], "0");
        assert_eq!(data["aim"], "目标");
        assert_eq!(data["members"][0]["phone"], "13800000000");
        assert_eq!(data["members"][1]["email"], "2002@example.com");
        assert_no_secrets(&body, &[PASSWORD]);
    }
    // Anyone logged in reads it, without the members' contacts.
    for token in [&w.s3, &w.leader_b] {
        let body = w.get(&one, token).await;
        let data = assert_ok(&body);
        assert_eq!(data["aim"], "目标");
        assert!(data["members"][0]["name"].is_string());
        for member in data["members"].as_array().unwrap() {
            assert_eq!(member["phone"], "", "{body}");
            assert_eq!(member["email"], "", "{body}");
        }
        assert!(!body.to_string().contains("13800000000"));
    }
    assert_denied(&app.get(&one, None).await.1);
    assert_failed(&w.get("/labs/project/one?id=999", &w.admin).await, "不存在");
    assert_failed(
        &w.get("/labs/project/one?id=abc", &w.admin).await,
        "id must be a whole number",
    );

    // count/lab: admin or that lab's leader.
    let count_a = format!("/labs/project/count/lab?lab_id={}", w.lab_a);
    assert_eq!(assert_ok(&w.get(&count_a, &w.leader_a).await), &json!(2));
    assert_eq!(assert_ok(&w.get(&count_a, &w.admin).await), &json!(2));
    assert_denied(&w.get(&count_a, &w.leader_b).await);
    assert_denied(&w.get(&count_a, &w.s1).await);
    assert_failed(
        &w.get("/labs/project/count/lab?lab_id=999", &w.admin).await,
        "实验室不存在",
    );

    // count/status: admin.
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=0", &w.admin).await),
        &json!(3)
    );
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=2", &w.admin).await),
        &json!(0)
    );
    assert_denied(
        &w.get("/labs/project/count/status?status=0", &w.leader_a)
            .await,
    );
    assert_failed(
        &w.get("/labs/project/count/status?status=8", &w.admin).await,
        "status",
    );

    // lab: paged when status is 0.
    let lab = |status: i64, extra: &str| {
        format!(
            "/labs/project/lab?status={status}&lab_id={}{extra}",
            w.lab_a
        )
    };
    assert_eq!(
        assert_ok(&w.get(&lab(0, "&page=1&rows=1"), &w.leader_a).await)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let page2 = w.get(&lab(0, "&page=2&rows=1"), &w.leader_a).await;
    assert_eq!(assert_ok(&page2)[0]["name"], "P1", "newest first");
    assert_eq!(
        assert_ok(&w.get(&lab(0, "&page=3&rows=1"), &w.leader_a).await),
        &json!([])
    );
    assert_eq!(
        assert_ok(&w.get(&lab(0, ""), &w.admin).await)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // One state is listed whole: 1 待审核 holds both, 3 进行中 none yet.
    assert_eq!(
        assert_ok(&w.get(&lab(1, "&page=1&rows=1"), &w.leader_a).await)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        assert_ok(&w.get(&lab(3, ""), &w.leader_a).await),
        &json!([])
    );
    // Only the admins and the lab's leader list its projects, as the
    // original's getProjectsByLabId allows.
    for token in [&w.leader_b, &w.s3] {
        assert_denied(&w.get(&lab(0, ""), token).await);
    }
    assert_denied(&app.get(&lab(0, ""), None).await.1);
    assert_failed(&w.get(&lab(0, "&rows=0"), &w.leader_a).await, "rows");
    // jqGrid's "everything" (rows=100000) is clamped, not refused.
    assert_eq!(
        assert_ok(&w.get(&lab(0, "&page=1&rows=100000"), &w.leader_a).await)
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // all: admin, paged.
    let all = w
        .get("/labs/project/all?status=0&page=1&rows=10", &w.admin)
        .await;
    let ids: Vec<String> = assert_ok(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&p_b.to_string()));
    assert_denied(&w.get("/labs/project/all?status=0", &w.leader_a).await);
    assert_failed(&w.get("/labs/project/all?page=1", &w.admin).await, "status");
    w.app.stop().await;
}

#[tokio::test]
async fn leaders_and_admins_update_and_review_with_notices_mailed() {
    let w = world().await;
    let app = &w.app;
    let p1 = w.project("实验室A", "P1").await;
    let update = json!({"id": p1, "name": "P1 改", "duration": 7200, "aim": "新目标", "type": "科研", "memberIds": "2003", "description": "新描述", "notify": true});
    assert_denied(
        &w.post("/labs/project/update", update.clone(), &w.leader_b)
            .await,
    );
    assert_denied(&w.post("/labs/project/update", update.clone(), &w.s1).await);
    let mails_before = outbox(app).await.len();
    assert_ok(
        &w.post("/labs/project/update", update.clone(), &w.leader_a)
            .await,
    );
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.admin).await;
    let data = assert_ok(&body);
    assert_eq!(data["name"], "P1 改");
    assert_eq!(data["duration"], 7200);
    assert_eq!(data["type"], "科研");
    let members: Vec<&str> = data["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(members, vec!["2001", "2003"], "the leader stays first");
    let mails = outbox(app).await;
    assert_eq!(mails.len() - mails_before, 2, "each member is notified");
    let notified: Vec<&str> = mails[..2]
        .iter()
        .map(|m| m["to"].as_str().unwrap())
        .collect();
    assert!(notified.contains(&"2001@example.com") && notified.contains(&"2003@example.com"));
    assert!(mails[0]["subject"].as_str().unwrap().contains("P1 改"));
    // 2002 is no longer a member: the contacts are gone.
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s2).await;
    assert!(
        assert_ok(&body)["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["email"] == ""),
        "{body}"
    );

    // Without notify nothing is mailed; missing required fields fail.
    let mut quiet = update.clone();
    quiet["notify"] = json!(false);
    assert_ok(
        &w.post("/labs/project/update", quiet.clone(), &w.admin)
            .await,
    );
    assert_eq!(outbox(app).await.len(), mails.len());
    for missing in ["duration", "type", "name", "aim", "memberIds"] {
        let mut body = quiet.clone();
        body.as_object_mut().unwrap().remove(missing);
        assert_eq!(
            w.post("/labs/project/update", body, &w.admin).await["status"],
            300,
            "{missing}"
        );
    }
    let mut unknown = quiet.clone();
    unknown["id"] = json!(999);
    assert_failed(
        &w.post("/labs/project/update", unknown, &w.admin).await,
        "不存在",
    );

    // Review: approve stamps the start, finish the end.
    let review = |status: i64| json!({"id": p1, "opt_status": status});
    // The target is one of the original's states: 3 进行中, 5 已完成, 2 已拒绝.
    assert_denied(&w.post("/labs/project/review", review(3), &w.s1).await);
    assert_denied(&w.post("/labs/project/review", review(3), &w.leader_b).await);
    for bad in [9, 1, 6] {
        assert_failed(
            &w.post("/labs/project/review", review(bad), &w.leader_a)
                .await,
            "status",
        );
    }
    assert_ok(&w.post("/labs/project/review", review(3), &w.leader_a).await);
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    // The original's opt_status stays 0 once under way; the times tell.
    assert_eq!(assert_ok(&body)["opt_status"], 0);
    assert!(assert_ok(&body)["start_time"].as_i64().unwrap() > 1_600_000_000_000);
    assert!(assert_ok(&body)["end_time"].is_null());
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=3", &w.admin).await),
        &json!(1)
    );
    assert_ok(&w.post("/labs/project/review", review(5), &w.admin).await);
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    assert!(assert_ok(&body)["end_time"].is_i64());
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=5", &w.admin).await),
        &json!(1)
    );
    w.app.stop().await;
}

#[tokio::test]
async fn deletes_are_soft_all_or_nothing_and_owner_checked() {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await;
    let p2 = w.project("实验室A", "P2").await;
    let p_b = w.project("实验室B", "PB").await;
    let listed = |token: String| {
        let w = &w;
        async move {
            let body = w.get("/labs/project/student?sid=2001", &token).await;
            assert_ok(&body).as_array().unwrap().len()
        }
    };

    // A student deletes only a project he leads.
    assert_denied(
        &w.post("/labs/project/delete/student", json!({"pid": p1}), &w.s2)
            .await,
    );
    assert_denied(
        &w.post(
            "/labs/project/delete/student",
            json!({"pid": p1}),
            &w.leader_a,
        )
        .await,
    );
    assert_ok(
        &w.post("/labs/project/delete/student", json!({"pid": p1}), &w.s1)
            .await,
    );
    assert_eq!(listed(w.s1.clone()).await, 2);
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    assert_eq!(assert_ok(&body)["deleted"], "1");
    assert_eq!(
        assert_ok(
            &w.get(
                &format!("/labs/project/count/lab?lab_id={}", w.lab_a),
                &w.admin
            )
            .await
        ),
        &json!(1)
    );
    assert_ok(
        &w.post(
            "/labs/project/delete/student",
            json!({"pid": p1, "newValue": "0"}),
            &w.s1,
        )
        .await,
    );
    assert_eq!(listed(w.s1.clone()).await, 3);
    assert_failed(
        &w.post(
            "/labs/project/delete/student",
            json!({"pid": p1, "newValue": 5}),
            &w.s1,
        )
        .await,
        "newValue",
    );
    assert_failed(
        &w.post("/labs/project/delete/student", json!({"pid": 999}), &w.s1)
            .await,
        "不存在",
    );

    // Leaders delete only their lab's projects, all the ids or none.
    let ids = format!("{p1}@{p_b}");
    assert_denied(
        &w.post("/labs/project/delete", json!({"ids": ids}), &w.leader_a)
            .await,
    );
    assert_denied(
        &w.post(
            "/labs/project/delete",
            json!({"ids": p1.to_string()}),
            &w.s1,
        )
        .await,
    );
    assert_eq!(listed(w.s1.clone()).await, 3, "nothing was deleted");
    assert_failed(
        &w.post(
            "/labs/project/delete",
            json!({"ids": format!("{p1}@999")}),
            &w.admin,
        )
        .await,
        "999",
    );
    assert_failed(
        &w.post("/labs/project/delete", json!({"ids": "1@x"}), &w.admin)
            .await,
        "ids",
    );
    assert_eq!(listed(w.s1.clone()).await, 3);
    assert_ok(
        &w.post(
            "/labs/project/delete",
            json!({"ids": format!("{p1}@{p2}")}),
            &w.leader_a,
        )
        .await,
    );
    assert_eq!(listed(w.s1.clone()).await, 1);
    assert_ok(
        &w.post(
            "/labs/project/delete",
            json!({"ids": format!("{p1}@{p2}@{p_b}"), "newValue": 1}),
            &w.admin,
        )
        .await,
    );
    assert_eq!(listed(w.s1.clone()).await, 0);
    assert_ok(
        &w.post(
            "/labs/project/delete",
            json!({"ids": p_b.to_string(), "newValue": 0}),
            &w.admin,
        )
        .await,
    );
    assert_eq!(listed(w.s1.clone()).await, 1);
    w.app.stop().await;
}

#[tokio::test]
async fn lab_services_are_public_to_read_and_admin_only_to_change() {
    let w = world().await;
    let app = &w.app;
    let (_, body) = app.get("/labs/lab/get/all", None).await;
    let labs = assert_ok(&body).as_array().unwrap().clone();
    assert_eq!(labs.len(), 2);
    for key in ["id", "name", "leader_id", "leader_name", "description"] {
        assert!(labs[0][key].is_string(), "{key}: {}", labs[0]);
    }
    assert!(labs[0]["create_time"].is_i64());
    let (_, body) = app
        .get(&format!("/labs/lab/get?id={}", w.lab_b), None)
        .await;
    assert_eq!(assert_ok(&body)["leader_id"], "1002");
    let (_, body) = app.get("/labs/lab/get?id=999", None).await;
    assert_failed(&body, "实验室不存在");

    let new_lab = json!({"name": "实验室C", "leader_id": "2003", "description": "新"});
    assert_denied(
        &w.post("/labs/lab/create", new_lab.clone(), &w.leader_a)
            .await,
    );
    assert_denied(&app.post("/labs/lab/create", new_lab.clone(), None).await.1);
    assert_failed(
        &w.post("/labs/lab/create", json!({"name": "实验室A"}), &w.admin)
            .await,
        "已存在",
    );
    assert_failed(
        &w.post(
            "/labs/lab/create",
            json!({"name": "X", "leader_id": "1001"}),
            &w.admin,
        )
        .await,
        "负责人",
    );
    assert_failed(
        &w.post(
            "/labs/lab/create",
            json!({"name": "X", "leader_id": "admin"}),
            &w.admin,
        )
        .await,
        "不是已注册的学生",
    );
    assert_failed(
        &w.post("/labs/lab/create", json!({"leader_id": "2003"}), &w.admin)
            .await,
        "实验室名称不能为空",
    );
    assert_ok(&w.post("/labs/lab/create", new_lab, &w.admin).await);
    let (data, _) = login_as(app, "2003", PASSWORD).await;
    assert_eq!(data["role"], 2, "naming a leader makes them role 2");
    assert_eq!(data["lab"]["name"], "实验室C");
    let lab_c: i64 = app
        .db()
        .query_row(
            "SELECT id FROM labs_labs WHERE name = '实验室C'",
            [],
            |r| r.get(0),
        )
        .unwrap();

    assert_denied(
        &w.post(
            "/labs/lab/update",
            json!({"id": lab_c, "name": "C2"}),
            &w.s1,
        )
        .await,
    );
    assert_ok(
        &w.post(
            "/labs/lab/update",
            json!({"id": lab_c, "name": "实验室C2", "description": "改"}),
            &w.admin,
        )
        .await,
    );
    let (_, body) = app.get(&format!("/labs/lab/get?id={lab_c}"), None).await;
    assert_eq!(assert_ok(&body)["name"], "实验室C2");
    assert_eq!(
        assert_ok(&body)["leader_id"],
        "2003",
        "an unsent leader stays"
    );
    assert_failed(
        &w.post(
            "/labs/lab/update",
            json!({"id": lab_c, "name": "实验室A"}),
            &w.admin,
        )
        .await,
        "已存在",
    );
    assert_failed(
        &w.post(
            "/labs/lab/update",
            json!({"id": 999, "name": "Z"}),
            &w.admin,
        )
        .await,
        "实验室不存在",
    );

    w.project("实验室A", "P1").await;
    assert_failed(
        &w.post("/labs/lab/delete", json!({"id": w.lab_a}), &w.admin)
            .await,
        "还有项目",
    );
    assert_denied(
        &w.post("/labs/lab/delete", json!({"id": lab_c}), &w.leader_a)
            .await,
    );
    assert_ok(
        &w.post("/labs/lab/delete", json!({"id": lab_c}), &w.admin)
            .await,
    );
    assert_failed(
        &app.get(&format!("/labs/lab/get?id={lab_c}"), None).await.1,
        "实验室不存在",
    );
    w.app.stop().await;
}

#[tokio::test]
async fn bad_input_gets_the_labs_envelope() {
    let app = spawn().await;
    register(&app, "2001", "韩梅梅").await;
    let raw = |content_type: &'static str, body: Vec<u8>| {
        let request = app
            .client
            .post(app.url("/labs/user/login"))
            .header("content-type", content_type)
            .body(body);
        async move { common::json_of(request.send().await.unwrap()).await }
    };
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
        let (status, body) = raw(content_type, body).await;
        assert_eq!(status, 200);
        assert_failed(&body, part);
    }
    let (_, body) = app
        .post(
            "/labs/user/login",
            json!({"sid": ["2001"], "password": PASSWORD}),
            None,
        )
        .await;
    assert_failed(&body, "sid must be a string");

    // Form and multipart bodies work like JSON.
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

    // Routing failures: real 404 / 405 with the envelope.
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

    // Ten wrong passwords lock the account for a while.
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

#[tokio::test]
async fn events_tell_members_the_labs_leader_and_admins_of_project_changes() {
    use common::sse::Stream;
    use std::time::Duration;
    let w = world().await;
    let app = &w.app;
    let refused = Stream::open(&app.client, &app.url("/labs/events"), &[]).await;
    assert!(!refused.is_stream());
    assert_denied(&refused.refusal().await);
    let open = |token: &str| {
        let url = app.url(&format!("/labs/events?token={token}"));
        let client = app.client.clone();
        async move { Stream::open(&client, &url, &[]).await }
    };
    let mut member = open(&w.s2).await;
    let mut outsider = open(&w.s3).await;
    let mut leader_a = open(&w.leader_a).await;
    let mut leader_b = open(&w.leader_b).await;
    let mut admin = open(&w.admin).await;

    let p1 = w.project("实验室A", "事件项目").await;
    for stream in [&mut member, &mut leader_a, &mut admin] {
        let created = stream.next_named("project").await;
        assert_eq!(created.data["id"], p1);
        assert_eq!(created.data["change"], "created");
        assert_eq!(created.data["lab_name"], "实验室A");
        assert_eq!(created.data["opt_status"], 0);
    }
    assert_ok(
        &w.post(
            "/labs/project/review",
            json!({"id": p1, "opt_status": 3}),
            &w.leader_a,
        )
        .await,
    );
    let reviewed = member.next_named("project").await;
    assert_eq!(
        (
            reviewed.data["change"].as_str(),
            reviewed.data["opt_status"].as_i64()
        ),
        (Some("reviewed"), Some(0))
    );
    assert_eq!(admin.next_named("project").await.data["change"], "reviewed");
    // A refused review tells no one; another lab's leader and a student
    // outside the project never hear of it.
    assert_denied(
        &w.post(
            "/labs/project/review",
            json!({"id": p1, "opt_status": 2}),
            &w.leader_b,
        )
        .await,
    );
    assert!(member.drain(Duration::from_millis(300)).await.is_empty());
    assert!(leader_b.drain(Duration::from_millis(100)).await.is_empty());
    assert!(outsider.drain(Duration::from_millis(100)).await.is_empty());
    // Resuming from the start replays the member's two changes, the
    // outsider's none.
    let resume = |token: &str| {
        let url = app.url(&format!("/labs/events?token={token}"));
        let client = app.client.clone();
        async move {
            Stream::open(&client, &url, &[("last-event-id", "0")])
                .await
                .drain(Duration::from_millis(300))
                .await
        }
    };
    let replayed = resume(&w.s2).await;
    let changes: Vec<&str> = replayed
        .iter()
        .filter_map(|e| e.data["change"].as_str())
        .collect();
    assert_eq!(changes, ["created", "reviewed"], "{replayed:?}");
    assert!(resume(&w.s3).await.is_empty());
    // A leader may hold 8 streams (one is open); the ninth is refused.
    let mut more = Vec::new();
    for _ in 0..7 {
        let stream = open(&w.leader_b).await;
        assert!(stream.is_stream());
        more.push(stream);
    }
    let refused = open(&w.leader_b).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "at most 8");
    drop(more);
    // Logging out ends the stream.
    let response = app
        .client
        .post(app.url("/labs/user/logout"))
        .bearer_auth(&w.s2)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(member.next_named("ended").await.event, "ended");
    assert!(member.closes_within(Duration::from_secs(2)).await);
    drop((outsider, leader_a, leader_b, admin));
    w.app.stop().await;
}

// ---- the original front-end's requests (jQuery $.post forms, jqGrid)

impl World {
    /// A jQuery `$.post`: a URL-encoded form.
    async fn form(&self, path: &str, fields: &[(&str, &str)], token: &str) -> Value {
        let (status, body) = self.app.post_form(path, fields, Some(token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

/// What jqGrid adds to every request it sends.
const JQGRID: &str = "_search=false&nd=1544280000000&sidx=&sord=asc";

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

#[tokio::test]
async fn a_lab_shows_its_leader_and_classroom_and_every_lab_name_is_listed() {
    let w = world().await;
    let id = w.lab_a.to_string();
    let changed = w
        .form(
            "/labs/lab/update",
            &[("id", &id), ("classroom", "主楼 501")],
            &w.leader_a,
        )
        .await;
    assert_ok(&changed);
    // A leader changes their lab, but never hands it to someone else.
    let handed = w
        .form(
            "/labs/lab/update",
            &[("id", &id), ("leader_id", "2001")],
            &w.leader_a,
        )
        .await;
    assert_denied(&handed);
    let other = w.lab_b.to_string();
    assert_denied(
        &w.form(
            "/labs/lab/update",
            &[("id", &other), ("classroom", "x")],
            &w.leader_a,
        )
        .await,
    );
    let lab = w.get(&format!("/labs/lab/get?id={id}"), &w.s1).await;
    let lab = assert_ok(&lab);
    assert_eq!(lab["classroom"], "主楼 501");
    assert_eq!(lab["leader"], json!({"id": "1001", "name": "李雷"}));
    let names = w.get("/labs/lab/get/name", &w.s1).await;
    assert_eq!(assert_ok(&names), &json!(["实验室A", "实验室B"]));
    w.app.stop().await;
}

#[tokio::test]
async fn a_review_notifies_the_projects_members_until_each_reads_it() {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await.to_string();
    assert_ok(
        &w.form(
            "/labs/project/review",
            &[("id", &p1), ("opt_status", "3")],
            &w.leader_a,
        )
        .await,
    );
    let notes = w.get("/labs/noti/get", &w.s2).await;
    let notes = assert_ok(&notes).as_array().unwrap().clone();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["type"], "项目审核");
    assert_eq!(notes[0]["from"], "实验室A");
    assert!(
        notes[0]["content"].as_str().unwrap().contains("P1"),
        "{notes:?}"
    );
    // Outsiders get nothing; one member reading leaves the other's unread.
    assert_eq!(assert_ok(&w.get("/labs/noti/get", &w.s3).await), &json!([]));
    let nid = notes[0]["id"].to_string();
    assert_ok(&w.form("/labs/noti/read", &[("nid", &nid)], &w.s2).await);
    assert_failed(
        &w.form("/labs/noti/read", &[("nid", &nid)], &w.s2).await,
        "通知",
    );
    assert_eq!(assert_ok(&w.get("/labs/noti/get", &w.s2).await), &json!([]));
    assert_eq!(
        assert_ok(&w.get("/labs/noti/get", &w.s1).await)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_ok(&w.form("/labs/noti/read/all", &[], &w.s1).await);
    assert_eq!(assert_ok(&w.get("/labs/noti/get", &w.s1).await), &json!([]));
    w.app.stop().await;
}

#[tokio::test]
async fn bulletins_come_from_admins_and_lab_leaders_and_only_their_poster_changes_them() {
    let w = world().await;
    assert_ok(
        &w.form(
            "/labs/bulletin/create",
            &[("title", "全校通知"), ("content", "停电")],
            &w.admin,
        )
        .await,
    );
    assert_ok(
        &w.form(
            "/labs/bulletin/create",
            &[("title", "开放日"), ("content", "周六")],
            &w.leader_a,
        )
        .await,
    );
    assert_denied(
        &w.form(
            "/labs/bulletin/create",
            &[("title", "t"), ("content", "c")],
            &w.s1,
        )
        .await,
    );
    assert_failed(
        &w.form(
            "/labs/bulletin/create",
            &[("title", " "), ("content", "c")],
            &w.admin,
        )
        .await,
        "标题",
    );
    let list = w
        .get(
            &format!("/labs/bulletin/get?{JQGRID}&page=1&rows=100000"),
            &w.s1,
        )
        .await;
    let list = assert_ok(&list).as_array().unwrap().clone();
    let froms: Vec<&str> = list.iter().map(|b| b["from"].as_str().unwrap()).collect();
    assert_eq!(froms, ["实验室A", "系统公告"], "newest first");
    assert!(list[0].get("content").is_none());
    let (lab_post, admin_post) = (list[0]["id"].to_string(), list[1]["id"].to_string());
    assert_eq!(
        assert_ok(&w.get("/labs/bulletin/count", &w.s1).await),
        &json!(2)
    );

    // Reads count only when asked to.
    for _ in 0..2 {
        w.get(
            &format!("/labs/bulletin/one?id={admin_post}&read_count=true"),
            &w.s1,
        )
        .await;
    }
    let one = w
        .get(&format!("/labs/bulletin/one?id={admin_post}"), &w.s1)
        .await;
    assert_eq!(
        (&assert_ok(&one)["content"], &assert_ok(&one)["read_count"]),
        (&json!("停电"), &json!(2))
    );

    // A leader changes their lab's bulletins, never the admins' or another lab's.
    assert_denied(
        &w.form(
            "/labs/bulletin/update",
            &[("id", &admin_post), ("title", "x"), ("content", "y")],
            &w.leader_a,
        )
        .await,
    );
    assert_denied(
        &w.form("/labs/bulletin/delete", &[("ids", &lab_post)], &w.leader_b)
            .await,
    );
    assert_denied(
        &w.form(
            "/labs/bulletin/delete",
            &[("ids", &format!("{lab_post}@{admin_post}"))],
            &w.leader_a,
        )
        .await,
    );
    assert_ok(
        &w.form(
            "/labs/bulletin/update",
            &[
                ("id", &lab_post),
                ("title", "开放日改期"),
                ("content", "周日"),
            ],
            &w.leader_a,
        )
        .await,
    );
    assert_ok(
        &w.form("/labs/bulletin/delete", &[("ids", &lab_post)], &w.leader_a)
            .await,
    );
    assert_ok(
        &w.form("/labs/bulletin/delete", &[("ids", &admin_post)], &w.admin)
            .await,
    );
    assert_eq!(
        assert_ok(&w.get("/labs/bulletin/count", &w.s1).await),
        &json!(0)
    );
    assert_failed(
        &w.get(&format!("/labs/bulletin/one?id={admin_post}"), &w.s1)
            .await,
        "不存在",
    );
    w.app.stop().await;
}

#[tokio::test]
async fn under_compat_labs_times_are_the_spring_servers_text() {
    let w = world_with(&["--compat", "labs"]).await;
    let p1 = w.project("实验室A", "P1").await;
    let one = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    let submitted = assert_ok(&one)["submit_time"]
        .as_str()
        .expect("a string")
        .to_string();
    // 2018-10-08T22:18:09.000+0000, which common.js splits on T and ':'.
    assert_eq!(
        (submitted.len(), &submitted[10..11], &submitted[19..]),
        (28, "T", ".000+0000")
    );
    assert!(assert_ok(&one)["start_time"].is_null());
    assert_eq!(assert_ok(&one)["duration"], 3600);
    let labs = w.get("/labs/lab/get/all", &w.s1).await;
    assert!(
        assert_ok(&labs)[0]["create_time"]
            .as_str()
            .unwrap()
            .ends_with("+0000")
    );
    w.app.stop().await;
}
