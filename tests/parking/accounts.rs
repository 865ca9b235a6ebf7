//! Accounts and sessions: registration, login and its throttle, tokens, logout, password changes, no secret in any answer.

use super::*;

#[tokio::test]
async fn a_new_user_logs_in_and_reads_their_info_without_any_secret_in_it() {
    let app = spawn_app().await;
    register(&app, "raidyue").await;
    let token = login(&app, "raidyue").await;
    assert!(token.len() >= 32);

    let (status, body) = app
        .get("/parking/api/user/info/raidyue", Some(&token))
        .await;
    assert_eq!(status, 200);
    let data = assert_ok(&body);
    assert_eq!(
        data,
        &json!({"username": "raidyue", "over": 0, "email": "raidyue@example.com"})
    );
    assert_no_secrets(&body, &[PASSWORD]);

    // The database keeps a bcrypt hash and only a digest of the token.
    let db = app.db();
    let hash: String = db
        .query_row(
            "SELECT password_hash FROM parking_users WHERE username = 'raidyue'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$2"));
    let stored_token: Vec<u8> = db
        .query_row("SELECT token_hash FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored_token.len(), 32);
    assert!(!String::from_utf8_lossy(&stored_token).contains(&token));
    app.stop().await;
}

#[tokio::test]
async fn no_answer_of_any_endpoint_carries_a_password_or_a_hash() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 100);
    let mut answers = Vec::new();
    let (_, body) = app
        .post(
            "/parking/api/user/new",
            json!({"username": "bob", "password": PASSWORD, "email": "b@b"}),
            None,
        )
        .await;
    answers.push(body);
    let body = attempt_login(&app, "bob", PASSWORD).await;
    let token = body["data"]["token"].as_str().unwrap().to_string();
    answers.push(body);
    let t = Some(token.as_str());
    answers.push(
        app.post(
            "/parking/api/user/recharge",
            json!({"username": "bob", "amount": 9}),
            t,
        )
        .await
        .1,
    );
    answers.push(app.get("/parking/api/user/info/bob", t).await.1);
    let order = app
        .post(
            "/parking/api/order/new",
            json!({"username": "bob", "parkinglot_id": lot}),
            t,
        )
        .await
        .1;
    let id = order["data"]["id"].as_i64().unwrap();
    answers.push(order);
    for step in ["start", "end"] {
        answers.push(
            app.post(
                &format!("/parking/api/order/{step}"),
                json!({"username": "bob", "order_id": id}),
                t,
            )
            .await
            .1,
        );
    }
    answers.push(app.get("/parking/api/user/order/bob/4", t).await.1);
    answers.push(app.get("/parking/api/parkinglot/list", None).await.1);
    answers.push(
        app.get(&format!("/parking/api/parkinglot/info/{lot}"), None)
            .await
            .1,
    );
    answers.push(
        app.post(
            "/parking/api/user/modification",
            json!({"username": "bob", "password": "another-pass-2", "email": "c@c"}),
            t,
        )
        .await
        .1,
    );
    answers.push(
        app.post(
            "/parking/api/user/login",
            json!({"username": "bob", "password": "wrong-password"}),
            None,
        )
        .await
        .1,
    );
    answers.push(
        app.post("/parking/api/user/logout", json!({"username": "bob"}), t)
            .await
            .1,
    );
    assert_eq!(answers.len(), 13);
    for answer in &answers {
        assert!(answer["code"].is_number(), "{answer}");
        assert_no_secrets(answer, &[PASSWORD, "another-pass-2", "wrong-password"]);
    }
    app.stop().await;
}

#[tokio::test]
async fn registration_needs_all_three_fields_and_answers_402_with_object_data() {
    let app = spawn_app().await;
    for body in [
        json!({"username": "a", "password": PASSWORD}),
        json!({"password": PASSWORD, "email": "a@a"}),
        json!({"username": "a", "password": PASSWORD, "email": ""}),
        json!({}),
    ] {
        let (status, reply) = app.post("/parking/api/user/new", body, None).await;
        assert_eq!(status, 200);
        assert_fail(
            &reply,
            402,
            "need parameter username,password,email in request",
        );
        assert_eq!(reply["data"], json!({}));
    }
    let count: i64 = app
        .db()
        .query_row("SELECT count(*) FROM parking_users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_taken_username_is_refused_with_code_400() {
    let app = spawn_app().await;
    register(&app, "raidyue").await;
    let (_, body) = app
        .post(
            "/parking/api/user/new",
            json!({"username": "raidyue", "password": PASSWORD, "email": "b@b"}),
            None,
        )
        .await;
    assert_fail(&body, 400, "user existed");
    assert_eq!(body["data"], json!({}));
    app.stop().await;
}

#[tokio::test]
async fn weak_overlong_and_malformed_credentials_are_refused_with_402() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"username": "u1", "password": "short", "email": "a@a"}),
            "password must be at least 8 characters",
        ),
        (
            json!({"username": "u1", "password": "x".repeat(73), "email": "a@a"}),
            "password must be at most 72 bytes",
        ),
        (
            json!({"username": "u1", "password": PASSWORD, "email": "nope"}),
            "email must look like name@example.com",
        ),
        (
            json!({"username": "a/b", "password": PASSWORD, "email": "a@a"}),
            "username may not contain spaces or / ? # %",
        ),
        (
            json!({"username": {"x": 1}, "password": PASSWORD, "email": "a@a"}),
            "username must be a string",
        ),
    ];
    for (body, message) in cases {
        let (_, reply) = app.post("/parking/api/user/new", body, None).await;
        assert_fail(&reply, 402, message);
    }
    // Exactly 72 bytes is the longest password, used whole: its last byte
    // counts at login.
    let longest = "x".repeat(71) + "y";
    let (_, reply) = app
        .post(
            "/parking/api/user/new",
            json!({"username": "u72", "password": longest, "email": "a@a"}),
            None,
        )
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    for (password, code) in [(longest.as_str(), 200), (&"x".repeat(72), 409)] {
        let reply = attempt_login(&app, "u72", password).await;
        assert_eq!(reply["code"], code, "{reply}");
    }
    app.stop().await;
}

#[tokio::test]
async fn login_answers_401_for_an_unknown_user_and_409_for_a_wrong_password() {
    let app = spawn_app().await;
    register(&app, "raidyue").await;
    let body = attempt_login(&app, "ghost", PASSWORD).await;
    assert_fail(&body, 401, "user not existed");
    let body = attempt_login(&app, "raidyue", "wrong-password").await;
    assert_fail(&body, 409, "wrong password");
    let (_, body) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "raidyue"}),
            None,
        )
        .await;
    assert_fail(&body, 402, "need parameter username,password in request");
    app.stop().await;
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = spawn_app().await;
    register(&app, "raidyue").await;
    for _ in 0..10 {
        let body = attempt_login(&app, "raidyue", "wrong-password").await;
        assert_eq!(body["code"], 409);
    }
    // Even the right password is refused while the account is throttled.
    let (status, body) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "raidyue", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 429, "{body}");
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .contains("too many failed logins")
    );
    app.stop().await;
}

#[tokio::test]
async fn failed_logins_over_many_accounts_from_one_address_are_throttled() {
    let app = spawn_app().await;
    register(&app, "raidyue").await;
    // Five failures each on ten accounts: under the per-account limit,
    // at the limit for the client's address.
    for n in 0..50 {
        let body = attempt_login(&app, &format!("guess{}", n % 10), "wrong-password").await;
        assert_ne!(body["code"], 429, "attempt {n}: {body}");
    }
    let body = attempt_login(&app, "raidyue", PASSWORD).await;
    assert_eq!(body["code"], 429, "{body}");
    app.stop().await;
}

#[tokio::test]
async fn every_endpoint_acting_for_a_user_needs_that_users_token() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 500);
    let owner = user_with_balance(&app, "owner", "50").await;
    let other = user_with_balance(&app, "other", "50").await;
    let order = reserve(&app, "owner", lot, &owner).await;
    let order_id = assert_ok(&order)["id"].as_i64().unwrap();

    let gets = [
        "/parking/api/user/info/owner",
        "/parking/api/user/order/owner/4",
    ];
    let posts = [
        (
            "/parking/api/user/modification",
            json!({"username": "owner", "password": PASSWORD, "email": "x@x"}),
        ),
        (
            "/parking/api/user/recharge",
            json!({"username": "owner", "amount": "10"}),
        ),
        ("/parking/api/user/logout", json!({"username": "owner"})),
        (
            "/parking/api/order/new",
            json!({"username": "owner", "parkinglot_id": lot}),
        ),
        (
            "/parking/api/order/start",
            json!({"username": "owner", "order_id": order_id}),
        ),
        (
            "/parking/api/order/end",
            json!({"username": "owner", "order_id": order_id}),
        ),
        (
            "/parking/api/order/cancel",
            json!({"username": "owner", "order_id": order_id}),
        ),
    ];
    for token in [None, Some(other.as_str()), Some("not-a-token")] {
        for path in gets {
            let (_, body) = app.get(path, token).await;
            assert_fail(&body, 406, "login required");
        }
        for (path, body) in &posts {
            let (_, reply) = app.post(path, body.clone(), token).await;
            assert_fail(&reply, 406, "login required");
        }
    }
    // Nothing changed: balance, e-mail and the order are as they were.
    let (_, info) = app.get("/parking/api/user/info/owner", Some(&owner)).await;
    assert_eq!(
        assert_ok(&info),
        &json!({"username": "owner", "over": 50, "email": "owner@example.com"})
    );
    let status: i64 = app
        .db()
        .query_row(
            "SELECT status FROM parking_orders WHERE id = ?1",
            [order_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, 0);
    // An unknown user with someone's token is also 406 (406 precedes 401).
    let (_, body) = app.get("/parking/api/user/info/ghost", Some(&owner)).await;
    assert_fail(&body, 406, "login required");
    // The token may also come as a `token` field.
    let (_, body) = app
        .get(&format!("/parking/api/user/info/owner?token={owner}"), None)
        .await;
    assert_ok(&body);
    app.stop().await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let token = user_with_balance(&app, "raidyue", "0").await;
    let (_, body) = app
        .post(
            "/parking/api/user/logout",
            json!({"username": "raidyue"}),
            Some(&token),
        )
        .await;
    assert_ok(&body);
    let (_, body) = app
        .get("/parking/api/user/info/raidyue", Some(&token))
        .await;
    assert_fail(&body, 406, "login required");
    app.stop().await;
}

#[tokio::test]
async fn modification_changes_password_and_email_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    let first = user_with_balance(&app, "raidyue", "0").await;
    let second = login(&app, "raidyue").await;
    let (_, body) = app
        .post(
            "/parking/api/user/modification",
            json!({"username": "raidyue", "password": "brand-new-pass", "email": "new@example.com"}),
            Some(&first),
        )
        .await;
    assert_eq!(assert_ok(&body), &json!({"username": "raidyue"}));
    assert_no_secrets(&body, &["brand-new-pass"]);

    let (_, info) = app
        .get("/parking/api/user/info/raidyue", Some(&first))
        .await;
    assert_eq!(assert_ok(&info)["email"], "new@example.com");
    let (_, info) = app
        .get("/parking/api/user/info/raidyue", Some(&second))
        .await;
    assert_fail(&info, 406, "login required");
    let old = attempt_login(&app, "raidyue", PASSWORD).await;
    assert_fail(&old, 409, "wrong password");
    let new = attempt_login(&app, "raidyue", "brand-new-pass").await;
    assert_ok(&new);
    // Missing fields: 402 with object data.
    let (_, body) = app
        .post(
            "/parking/api/user/modification",
            json!({"username": "raidyue"}),
            Some(&first),
        )
        .await;
    assert_fail(
        &body,
        402,
        "need parameter username,password,email in request",
    );
    assert_eq!(body["data"], json!({}));
    app.stop().await;
}
