//! Mailed codes: registration and password reset through the outbox or a real SMTP server, each code used once, expired or tried too often.

use super::*;

const EMAIL: &str = "Student@Example.com";

/// Registers 小明 with the code mailed to [`EMAIL`] and logs in; the
/// session token.
async fn registered_by_mail(app: &TestApp) -> String {
    let (_, body) = app
        .post("/labs/user/register/mail", json!({"email": EMAIL}), None)
        .await;
    assert!(assert_ok(&body).is_null());
    let mail = outbox(app).await[0].clone();
    assert_eq!(mail["to"], "student@example.com");
    assert!(mail["subject"].as_str().unwrap().contains("注册验证码"));
    let code = code_in(mail["body"].as_str().unwrap()).unwrap();
    let (_, body) = app
        .post_form(
            "/labs/user/register/code",
            &[
                ("email", EMAIL),
                ("code", &code),
                ("name", "小明"),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert_ok(&body);
    login_as(app, "student@example.com", PASSWORD).await.1
}

#[tokio::test]
async fn a_mailed_code_registers_a_student_whose_email_is_the_id() {
    let app = spawn().await;
    registered_by_mail(&app).await;
    let (data, token) = login_as(&app, "student@example.com", PASSWORD).await;
    assert_eq!(
        data,
        json!({"role": 1, "admin": null, "student": {"id": "student@example.com", "name": "小明"}, "lab": null})
    );
    let (_, body) = app.get("/labs/user/type", Some(&token)).await;
    assert_eq!(assert_ok(&body)["role"], 1);
    let (_, body) = app
        .post("/labs/user/register/mail", json!({"email": EMAIL}), None)
        .await;
    assert_failed(&body, "该邮箱已注册");
    app.stop().await;
}

#[tokio::test]
async fn a_reset_mail_within_a_minute_of_the_last_mail_is_refused() {
    let app = spawn().await;
    registered_by_mail(&app).await;
    let (_, body) = app
        .post(
            "/labs/user/resetPassword/mail",
            json!({"email": EMAIL}),
            None,
        )
        .await;
    assert_failed(&body, "秒后再试");
    app.stop().await;
}

#[tokio::test]
async fn a_reset_code_sets_a_new_password_and_ends_the_old_session() {
    let app = spawn().await;
    let token = registered_by_mail(&app).await;
    backdate_mail(&app, "student@example.com");
    let (_, body) = app
        .post(
            "/labs/user/resetPassword/mail",
            json!({"email": EMAIL}),
            None,
        )
        .await;
    assert_ok(&body);
    let code = mailed_code(&app, "student@example.com").await;
    let new_password = "another-pass-2";
    let (_, body) = app
        .post(
            "/labs/user/resetPassword/code",
            json!({"email": EMAIL, "code": code, "password": new_password}),
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
    app.stop().await;
}

#[tokio::test]
async fn a_reset_for_an_address_no_one_registered_is_refused() {
    let app = spawn().await;
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

/// Registers `email` with `code`; the answer.
async fn register_with(app: &TestApp, email: &str, code: &str) -> Value {
    app.post(
        "/labs/user/register/code",
        json!({"email": email, "code": code, "name": "n", "password": PASSWORD}),
        None,
    )
    .await
    .1
}

/// Mails a code to `email`; the code.
async fn code_for(app: &TestApp, email: &str) -> String {
    app.post("/labs/user/register/mail", json!({"email": email}), None)
        .await;
    mailed_code(app, email).await
}

/// A six-digit code that is not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

#[tokio::test]
async fn a_code_never_mailed_a_wrong_one_and_a_used_one_fail_clearly() {
    let app = spawn().await;
    let body = register_with(&app, "a@example.com", "123456").await;
    assert_failed(&body, "请先获取验证码");
    let code = code_for(&app, "a@example.com").await;
    let body = register_with(&app, "a@example.com", other_than(&code)).await;
    assert_failed(&body, "还可尝试 4 次");
    assert_ok(&register_with(&app, "a@example.com", &code).await);
    let body = register_with(&app, "a@example.com", &code).await;
    assert_failed(&body, "验证码已使用");
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = spawn().await;
    let code = code_for(&app, "b@example.com").await;
    writable(&app)
        .execute(
            "UPDATE labs_codes SET expires_at = expires_at - 601 WHERE email = 'b@example.com'",
            [],
        )
        .unwrap();
    assert_failed(
        &register_with(&app, "b@example.com", &code).await,
        "验证码已过期",
    );
}

/// Five wrong tries spend the code, right or not afterwards.
#[tokio::test]
async fn five_wrong_tries_spend_a_code_and_register_no_one() {
    let app = spawn().await;
    let code = code_for(&app, "c@example.com").await;
    for left in (0..5).rev() {
        let body = register_with(&app, "c@example.com", other_than(&code)).await;
        if left > 0 {
            assert_failed(&body, &format!("还可尝试 {left} 次"));
        } else {
            assert_failed(&body, "次数过多");
        }
    }
    assert_failed(
        &register_with(&app, "c@example.com", &code).await,
        "次数过多",
    );
    let users: i64 = app
        .db()
        .query_row("SELECT count(*) FROM labs_users", [], |row| row.get(0))
        .unwrap();
    assert_eq!(users, 0, "no one registered");
}

#[tokio::test]
async fn the_code_endpoints_refuse_a_bad_email_a_short_password_and_a_bad_student_id() {
    let app = spawn().await;
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
    let code = code_for(&app, "d@example.com").await;
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
