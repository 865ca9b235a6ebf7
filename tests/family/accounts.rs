//! Accounts and tokens: register, log in and out, the profile, idle tokens, throttled logins, the failure envelope.

use super::*;

/// A new session of `username` (registered with [`PASSWORD`]).
async fn login_token(app: &TestApp, username: &str) -> String {
    let (status, body) = app
        .post_form(
            &at("user_manage/login/", None),
            &[("username", username), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn registration_needs_matching_strong_passwords_a_plain_name_and_a_free_one() {
    let app = spawn_app().await;
    let register_at = at("user_manage/register/", None);
    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "demo", "password": PASSWORD, "pwdagain": "other-password"}),
            None,
        )
        .await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (400, Some("两次密码不一致"))
    );
    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "demo", "password": "short", "pwdagain": "short"}),
            None,
        )
        .await;
    assert_code(status, &body, 400);
    assert!(
        body["msg"].as_str().unwrap().contains("at least 8"),
        "{body}"
    );
    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "has space", "password": PASSWORD, "pwdagain": PASSWORD}),
            None,
        )
        .await;
    assert_code(status, &body, 400);

    register(&app, "demo").await;
    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "demo", "password": PASSWORD, "pwdagain": PASSWORD}),
            None,
        )
        .await;
    assert_eq!((status, body["msg"].as_str()), (400, Some("用户名重复")));
    app.stop().await;
}

#[tokio::test]
async fn login_answers_the_seeds_failure_or_a_new_token_each_time() {
    let app = spawn_app().await;
    let first = register(&app, "demo").await;
    // Login: the seed's failure, then a token (a new one each time).
    let login_at = at("user_manage/login/", None);
    let (status, body) = app
        .post(
            &login_at,
            json!({"username": "demo", "password": "wrong-password"}),
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body, json!({"code": 400, "msg": "Bad Request"}));
    let (status, body) = app
        .post_form(
            &login_at,
            &[("username", "demo"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap().to_string();
    assert_ne!(token, first);
    assert!(token.len() >= 32);
    app.stop().await;
}

#[tokio::test]
async fn the_token_works_as_a_query_a_body_field_or_bearer() {
    let app = spawn_app().await;
    let token = register(&app, "demo").await;
    let info_at = at("user_manage/user_info/", None);
    // The token works as ?token=, as a body field and as Bearer.
    let (status, by_query) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 200);
    assert_eq!(by_query["username"], "demo");
    assert_eq!(by_query["family1"], "null");
    assert_no_secrets(&by_query, &[PASSWORD]);
    let (status, _) = app.get(&info_at, Some(&token)).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .send(
            Method::PUT,
            &info_at,
            Some(json!({"token": token, "sex": "女"})),
            None,
        )
        .await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn without_a_live_token_the_answer_is_401_with_detail() {
    let app = spawn_app().await;
    let info_at = at("user_manage/user_info/", None);
    // Without a token, or with a wrong one: HTTP 401 and `detail`.
    let (status, body) = app.get(&info_at, None).await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({"detail": "认证失败(no token)"}));
    let (status, body) = get(&app, "user_manage/user_info/", "not-a-token").await;
    assert_eq!(status, 401);
    assert!(
        body["detail"].as_str().unwrap().starts_with("认证失败("),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn logout_ends_that_session_only() {
    let app = spawn_app().await;
    let first = register(&app, "demo").await;
    let token = login_token(&app, "demo").await;
    // Logout (DELETE with the token in the body) ends that session only.
    let (status, body) = app
        .send(
            Method::DELETE,
            &at("user_manage/logout/", None),
            Some(json!({"token": token})),
            None,
        )
        .await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({"code": 200, "msg": "ok"}))
    );
    let (status, _) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 401);
    let (status, _) = get(&app, "user_manage/user_info/", &first).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn only_hashes_of_tokens_are_stored() {
    let app = spawn_app().await;
    let first = register(&app, "demo").await;
    // Only hashes of tokens are stored.
    let stored: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM sessions WHERE domain = 'family' AND token_hash = ?1",
            [first.as_bytes()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0);
    app.stop().await;
}

#[tokio::test]
async fn user_info_changes_only_what_is_sent() {
    let app = spawn_app().await;
    let token = register(&app, "jiazhang").await;
    let other = register(&app, "taken").await;
    let other_id = user_id(&app, &other).await;

    let (status, body) = put(
        &app,
        "user_manage/user_info/",
        &token,
        json!({"telephone": "13800000000", "email": "jiazhang@163.com"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 200);
    let (_, info) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(info["telephone"], "13800000000");
    assert_eq!(info["email"], "jiazhang@163.com");
    assert_eq!(info["sex"], "");

    // The seed's PUT sends the whole object back; read-only parts are ignored.
    let mut whole = info.clone();
    whole["sex"] = json!("男");
    whole["family1"] = json!({"id": 99, "family_name": "x", "family_member": {}});
    let (status, body) = put(&app, "user_manage/user_info/", &token, whole).await;
    assert_eq!(status, 200, "{body}");
    let (_, info) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(
        (info["sex"].as_str(), info["telephone"].as_str()),
        (Some("男"), Some("13800000000"))
    );
    assert_eq!(info["family1"], "null");

    for (body, code) in [
        (json!({"id": other_id, "sex": "女"}), 403),
        (json!({"username": "taken"}), 400),
        (json!({"email": "not-an-email"}), 400),
        (json!({"telephone": "call me"}), 400),
        (
            json!({"password": "new-password-1", "pwdagain": "different-1"}),
            400,
        ),
    ] {
        let (status, answer) = put(&app, "user_manage/user_info/", &token, body.clone()).await;
        assert_code(status, &answer, code);
    }
    let (_, other_info) = get(&app, "user_manage/user_info/", &other).await;
    assert_eq!(other_info["sex"], "");

    // A new password: this session stays, the others end.
    let (_, login) = app
        .post(
            &at("user_manage/login/", None),
            json!({"username": "jiazhang", "password": PASSWORD}),
            None,
        )
        .await;
    let second = login["token"].as_str().unwrap().to_string();
    let (status, _) = put(
        &app,
        "user_manage/user_info/",
        &token,
        json!({"password": "new-password-1", "pwdagain": "new-password-1"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, "user_manage/user_info/", &token).await.0, 200);
    assert_eq!(get(&app, "user_manage/user_info/", &second).await.0, 401);
    let (status, _) = app
        .post(
            &at("user_manage/login/", None),
            json!({"username": "jiazhang", "password": "new-password-1"}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn tokens_end_after_fifteen_idle_minutes_and_use_extends_them() {
    let app = spawn_app().await;
    let token = register(&app, "sleepy").await;
    let keeper = register(&app, "busy").await;
    let writer = app.db_writer();
    let age_sessions = |user: &str, secs: i64| {
        writer
            .execute(
                "UPDATE sessions SET last_seen_at = last_seen_at - ?2, created_at = created_at - ?2
                 WHERE domain = 'family' AND account_id = (SELECT id FROM family_users WHERE username = ?1)",
                rusqlite::params![user, secs],
            )
            .unwrap();
    };

    // 14 minutes idle: still valid, and the use is recorded.
    age_sessions("busy", 14 * 60);
    assert_eq!(get(&app, "user_manage/user_info/", &keeper).await.0, 200);
    let mut touched = false;
    for _ in 0..50 {
        let idle: i64 = writer
            .query_row(
                "SELECT unixepoch() - last_seen_at FROM sessions WHERE domain = 'family'
                 AND account_id = (SELECT id FROM family_users WHERE username = 'busy')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if idle < 60 {
            touched = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(touched, "a use moves the idle clock");
    // Another 14 minutes: valid again, since it was used in between.
    age_sessions("busy", 14 * 60);
    assert_eq!(get(&app, "user_manage/user_info/", &keeper).await.0, 200);

    // 15 minutes without use: gone.
    age_sessions("sleepy", 15 * 60 + 1);
    let (status, body) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 401);
    assert!(
        body["detail"].as_str().unwrap().starts_with("认证失败"),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn hammering_login_gets_429() {
    let app = spawn_app().await;
    register(&app, "target").await;
    let login_at = at("user_manage/login/", None);
    for _ in 0..10 {
        let (status, _) = app
            .post(
                &login_at,
                json!({"username": "target", "password": "guess-guess"}),
                None,
            )
            .await;
        assert_eq!(status, 400);
    }
    let (status, body) = app
        .post(
            &login_at,
            json!({"username": "target", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 429);
    assert_eq!(body, json!({"code": 429, "msg": "Too many request"}));
    app.stop().await;
}

#[tokio::test]
async fn bad_requests_get_the_envelope() {
    let app = spawn_app().await;
    let token = register(&app, "someone").await;
    let income = app.url(&at("bill/Income/", Some(&token)));

    let response = app
        .client
        .post(&income)
        .header("content-type", "application/json")
        .body("{\"money\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_code(status, &body, 400);

    let response = app
        .client
        .post(&income)
        .header("content-type", "application/json")
        .body(format!(
            "{{\"remarks\": \"{}\"}}",
            "x".repeat(2 * 1024 * 1024)
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_code(status, &body, 400);

    // A form body works like JSON; with and without the trailing slash.
    let response = app
        .client
        .post(app.url(&at("bill/Income", Some(&token))))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("money=5&remarks=form")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["remarks"], "form");

    let (status, body) = app.get("/family/api/v1/nothing/here/", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 404);
    let response = app
        .client
        .patch(app.url("/family/api/v1/loan/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("DELETE"), "{allow}");
    let (_, body) = common::json_of(response).await;
    assert_eq!(body["code"], 405);

    let (status, body) = delete(&app, "bill/Income/", &token, json!({"id": "abc"})).await;
    assert_code(status, &body, 400);
    let (status, body) = delete(&app, "bill/Income/", &token, json!({})).await;
    assert_code(status, &body, 400);
    app.stop().await;
}

#[tokio::test]
async fn a_logout_form_labelled_json_ends_the_session() {
    let app = spawn_app().await;
    let token = register(&app, "parent").await;
    let (status, body) = reqwest_style(
        &app,
        Method::DELETE,
        "user_manage/logout/",
        &token,
        &format!("token={token}"),
    )
    .await;
    assert_eq!((status, &body["code"]), (200, &json!(200)), "{body}");
    let (status, _) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 401);
    app.stop().await;
}
