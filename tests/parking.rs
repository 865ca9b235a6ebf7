//! The parking domain over real HTTP: every endpoint, every documented code,
//! the token rule (406), bad input, expiry and the concurrency invariants.

mod common;

use common::{TestApp, assert_no_secrets, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const PASSWORD: &str = "secret-pass-1";

fn assert_ok(body: &Value) -> &Value {
    assert_eq!(body["code"], 200, "expected success: {body}");
    assert_eq!(body["msg"], "success", "{body}");
    &body["data"]
}

fn assert_fail(body: &Value, code: u16, msg: &str) {
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["msg"], msg, "{body}");
}

async fn register(app: &TestApp, username: &str) {
    let (status, body) = app
        .post(
            "/parking/api/user/new",
            json!({"username": username, "password": PASSWORD, "email": format!("{username}@example.com")}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(assert_ok(&body)["username"], username);
}

async fn login(app: &TestApp, username: &str) -> String {
    let body = attempt_login(app, username, PASSWORD).await;
    assert_ok(&body)["token"]
        .as_str()
        .expect("token")
        .to_string()
}

/// A registered, logged-in user with `yuan` on the balance.
async fn user_with_balance(app: &TestApp, username: &str, yuan: &str) -> String {
    register(app, username).await;
    let token = login(app, username).await;
    if yuan != "0" {
        let (_, body) = app
            .post(
                "/parking/api/user/recharge",
                json!({"username": username, "amount": yuan}),
                Some(&token),
            )
            .await;
        assert_ok(&body);
    }
    token
}

fn add_lot(app: &TestApp, name: &str, capacity: i64, price_cents: i64) -> i64 {
    let id = onebox::domains::parking::add_lot(&app.db_path, name, capacity, price_cents)
        .expect("lot added");
    assert!(id > 0);
    id
}

/// A login attempt's answer.
async fn attempt_login(app: &TestApp, username: &str, password: &str) -> Value {
    app.post(
        "/parking/api/user/login",
        json!({"username": username, "password": password}),
        None,
    )
    .await
    .1
}

/// `order/start`, `order/end` or `order/cancel` for one order.
async fn order_step(
    app: &TestApp,
    step: &str,
    username: &str,
    order_id: i64,
    token: &str,
) -> Value {
    app.post(
        &format!("/parking/api/order/{step}"),
        json!({"username": username, "order_id": order_id}),
        Some(token),
    )
    .await
    .1
}

async fn reserve(app: &TestApp, username: &str, lot: i64, token: &str) -> Value {
    app.post(
        "/parking/api/order/new",
        json!({"username": username, "parkinglot_id": lot}),
        Some(token),
    )
    .await
    .1
}

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

#[tokio::test]
async fn recharge_adds_exact_amounts_and_refuses_bad_ones() {
    let app = spawn_app().await;
    let token = user_with_balance(&app, "raidyue", "0").await;
    let (_, body) = app
        .post(
            "/parking/api/user/recharge",
            json!({"username": "raidyue", "amount": "10.50"}),
            Some(&token),
        )
        .await;
    assert_eq!(assert_ok(&body)["over"], json!(10.5));
    let (_, body) = app
        .post(
            "/parking/api/user/recharge",
            json!({"username": "raidyue", "amount": 0.5}),
            Some(&token),
        )
        .await;
    assert_eq!(assert_ok(&body)["over"], json!(11));
    for amount in [
        json!("0"),
        json!("-5"),
        json!("1.234"),
        json!("abc"),
        json!({"a": 1}),
    ] {
        let (_, body) = app
            .post(
                "/parking/api/user/recharge",
                json!({"username": "raidyue", "amount": amount}),
                Some(&token),
            )
            .await;
        assert_eq!(body["code"], 402, "{amount}: {body}");
    }
    let (_, body) = app
        .post(
            "/parking/api/user/recharge",
            json!({"username": "raidyue", "amount": "99999989"}),
            Some(&token),
        )
        .await;
    assert_eq!(body["code"], 200);
    let (_, body) = app
        .post(
            "/parking/api/user/recharge",
            json!({"username": "raidyue", "amount": "1"}),
            Some(&token),
        )
        .await;
    assert_fail(&body, 402, "a balance may hold at most 100000000 yuan");
    let cents: i64 = app
        .db()
        .query_row(
            "SELECT balance_cents FROM parking_users WHERE username = 'raidyue'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cents, 10_000_000_000);
    app.stop().await;
}

#[tokio::test]
async fn lots_are_listed_with_free_spots_and_found_by_id() {
    let app = spawn_app().await;
    let first = add_lot(&app, "parkinglot1", 3, 500);
    let second = add_lot(&app, "东门停车场", 10, 250);
    let token = user_with_balance(&app, "raidyue", "20").await;
    assert_ok(&reserve(&app, "raidyue", first, &token).await);

    let (_, body) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!(
        assert_ok(&body),
        &json!([
            {"id": first, "name": "parkinglot1", "capacity": 3, "free": 2, "price": 5},
            {"id": second, "name": "东门停车场", "capacity": 10, "free": 10, "price": 2.5},
        ])
    );
    let (_, body) = app
        .get(&format!("/parking/api/parkinglot/info/{second}"), None)
        .await;
    assert_eq!(assert_ok(&body)["name"], "东门停车场");
    for missing in ["999", "abc"] {
        let (status, body) = app
            .get(&format!("/parking/api/parkinglot/info/{missing}"), None)
            .await;
        assert_eq!(status, 200);
        assert_fail(&body, 404, "parkinlot not exist");
    }
    app.stop().await;
}

#[tokio::test]
async fn reserving_takes_the_lowest_free_spot_and_knows_every_refusal() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 2, 500);
    let a = user_with_balance(&app, "a", "10").await;
    let b = user_with_balance(&app, "b", "10").await;
    let c = user_with_balance(&app, "c", "10").await;
    let poor = user_with_balance(&app, "poor", "4.99").await;

    let order_a = reserve(&app, "a", lot, &a).await;
    let data = assert_ok(&order_a);
    assert_eq!(data["lot"], "1");
    assert_eq!(data["status"], 0);
    assert_eq!(data["parkinglot"], "parkinglot1");
    assert_eq!(data["user"], "a");
    assert_eq!(data["start_time"], "0000-00-00 00:00:00");
    assert_eq!(data["end_time"], "0000-00-00 00:00:00");
    assert!(data["order_time"].as_str().unwrap().len() == 19);
    let order_b = reserve(&app, "b", lot, &b).await;
    assert_eq!(assert_ok(&order_b)["lot"], "2");

    assert_fail(
        &reserve(&app, "c", lot, &c).await,
        403,
        "parkinglot is full",
    );
    assert_fail(
        &reserve(&app, "a", lot, &a).await,
        408,
        "have uncomfirmed order",
    );
    assert_fail(
        &reserve(&app, "poor", lot, &poor).await,
        407,
        "insufficient funds",
    );
    assert_fail(
        &reserve(&app, "c", 999, &c).await,
        404,
        "parkinlot not exist",
    );
    let (_, body) = app
        .post("/parking/api/order/new", json!({"username": "c"}), Some(&c))
        .await;
    assert_fail(&body, 402, "need username and parkinglot_id");
    let (_, body) = app
        .post(
            "/parking/api/order/new",
            json!({"username": "c", "parkinglot_id": "one"}),
            Some(&c),
        )
        .await;
    assert_fail(&body, 402, "parkinglot_id must be a whole number");

    // Cancelling spot 1 makes it the next one given.
    let id_a = data["id"].as_i64().unwrap();
    let body = order_step(&app, "cancel", "a", id_a, &a).await;
    assert_eq!(assert_ok(&body)["status"], 3);
    assert_eq!(assert_ok(&reserve(&app, "c", lot, &c).await)["lot"], "1");
    app.stop().await;
}

#[tokio::test]
async fn an_order_is_started_ended_and_charged_exactly_once() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 500);
    let token = user_with_balance(&app, "raidyue", "12").await;
    let other = user_with_balance(&app, "other", "12").await;
    let order = reserve(&app, "raidyue", lot, &token).await;
    let id = assert_ok(&order)["id"].as_i64().unwrap();
    assert_fail(
        &order_step(&app, "end", "raidyue", id, &token).await,
        409,
        "order is not started yet",
    );
    assert_fail(
        &order_step(&app, "start", "other", id, &other).await,
        404,
        "order not exist",
    );
    let started = order_step(&app, "start", "raidyue", id, &token).await;
    assert_eq!(assert_ok(&started)["status"], 1);
    assert_ne!(assert_ok(&started)["start_time"], "0000-00-00 00:00:00");
    assert_fail(
        &order_step(&app, "start", "raidyue", id, &token).await,
        409,
        "order is already started",
    );
    assert_fail(
        &order_step(&app, "cancel", "raidyue", id, &token).await,
        409,
        "order is already started",
    );
    let ended = order_step(&app, "end", "raidyue", id, &token).await;
    let data = assert_ok(&ended);
    assert_eq!(data["status"], 2);
    assert_eq!(data["fee"], 5);
    assert_ne!(data["end_time"], "0000-00-00 00:00:00");
    assert_fail(
        &order_step(&app, "end", "raidyue", id, &token).await,
        409,
        "order is already finished",
    );

    let (_, info) = app
        .get("/parking/api/user/info/raidyue", Some(&token))
        .await;
    assert_eq!(assert_ok(&info)["over"], 7);
    let (_, body) = app
        .post(
            "/parking/api/order/start",
            json!({"username": "raidyue"}),
            Some(&token),
        )
        .await;
    assert_fail(&body, 402, "need username and order_id");
    let body = order_step(&app, "start", "raidyue", 424242, &token).await;
    assert_fail(&body, 404, "order not exist");
    app.stop().await;
}

#[tokio::test]
async fn ending_without_enough_balance_is_refused_and_nothing_goes_negative() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 500);
    let token = user_with_balance(&app, "raidyue", "5").await;
    let id = assert_ok(&reserve(&app, "raidyue", lot, &token).await)["id"]
        .as_i64()
        .unwrap();
    assert_ok(&order_step(&app, "start", "raidyue", id, &token).await);
    // Pretend the car has been there for three hours.
    {
        let db = rusqlite::Connection::open(&app.db_path).unwrap();
        db.execute(
            "UPDATE parking_orders SET start_time = start_time - 3 * 3600 - 10 WHERE id = ?1",
            [id],
        )
        .unwrap();
    }
    let body = order_step(&app, "end", "raidyue", id, &token).await;
    assert_fail(&body, 407, "insufficient funds");
    assert_ok(
        &app.post(
            "/parking/api/user/recharge",
            json!({"username": "raidyue", "amount": "15"}),
            Some(&token),
        )
        .await
        .1,
    );
    let body = order_step(&app, "end", "raidyue", id, &token).await;
    assert_eq!(assert_ok(&body)["fee"], 20);
    let (_, info) = app
        .get("/parking/api/user/info/raidyue", Some(&token))
        .await;
    assert_eq!(assert_ok(&info)["over"], 0);
    app.stop().await;
}

#[tokio::test]
async fn the_order_list_filters_by_status_and_checks_it() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 100);
    let token = user_with_balance(&app, "raidyue", "10").await;
    let first = assert_ok(&reserve(&app, "raidyue", lot, &token).await)["id"]
        .as_i64()
        .unwrap();
    assert_ok(&order_step(&app, "cancel", "raidyue", first, &token).await);
    let second = assert_ok(&reserve(&app, "raidyue", lot, &token).await)["id"]
        .as_i64()
        .unwrap();

    let ids = |body: &Value| -> Vec<i64> {
        assert_ok(body)
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_i64().unwrap())
            .collect()
    };
    let (_, all) = app
        .get("/parking/api/user/order/raidyue/4", Some(&token))
        .await;
    assert_eq!(ids(&all), vec![second, first]);
    let (_, reserved) = app
        .get("/parking/api/user/order/raidyue/0", Some(&token))
        .await;
    assert_eq!(ids(&reserved), vec![second]);
    let (_, over) = app
        .get("/parking/api/user/order/raidyue/3", Some(&token))
        .await;
    assert_eq!(ids(&over), vec![first]);
    let (_, none) = app
        .get("/parking/api/user/order/raidyue/2", Some(&token))
        .await;
    assert_eq!(assert_ok(&none), &json!([]));
    for bad in ["5", "-1", "x"] {
        let (_, body) = app
            .get(
                &format!("/parking/api/user/order/raidyue/{bad}"),
                Some(&token),
            )
            .await;
        assert_fail(&body, 402, "status not in [0,1,2,3,4]");
        assert_eq!(body["data"], "");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_reservation_not_started_in_time_expires_and_frees_its_spot() {
    let app = spawn_app_with(&["--reserve-timeout", "1s"]).await;
    let lot = add_lot(&app, "parkinglot1", 1, 100);
    let token = user_with_balance(&app, "raidyue", "10").await;
    let other = user_with_balance(&app, "other", "10").await;
    let id = assert_ok(&reserve(&app, "raidyue", lot, &token).await)["id"]
        .as_i64()
        .unwrap();
    assert_fail(
        &reserve(&app, "other", lot, &other).await,
        403,
        "parkinglot is full",
    );

    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    // Nobody asked, yet the sweeper has written the expiry.
    let status: i64 = app
        .db()
        .query_row(
            "SELECT status FROM parking_orders WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, 3);
    let (_, lots) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!(assert_ok(&lots)[0]["free"], 1);
    let body = order_step(&app, "start", "raidyue", id, &token).await;
    assert_fail(&body, 409, "order is expired or cancelled");
    assert_eq!(
        assert_ok(&reserve(&app, "other", lot, &other).await)["lot"],
        "1"
    );
    app.stop().await;
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_racing_reservations_never_overfill_a_lot() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 100);
    let mut tokens = Vec::new();
    for n in 0..60 {
        let name = format!("racer{n}");
        tokens.push((name.clone(), user_with_balance(&app, &name, "5").await));
    }
    let mut racers = Vec::new();
    for (name, token) in tokens {
        let client = app.client.clone();
        let url = app.url("/parking/api/order/new");
        racers.push(tokio::spawn(async move {
            let reply = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"username": name, "parkinglot_id": lot}))
                .send()
                .await
                .unwrap();
            common::json_of(reply).await.1
        }));
    }
    let mut won = Vec::new();
    let mut full = 0;
    for racer in racers {
        let body = racer.await.unwrap();
        match body["code"].as_i64() {
            Some(200) => won.push(body["data"]["lot"].as_str().unwrap().to_string()),
            Some(403) => full += 1,
            _ => panic!("unexpected answer {body}"),
        }
    }
    won.sort();
    assert_eq!(won, vec!["1", "2", "3", "4", "5"]);
    assert_eq!(full, 55);
    let (_, lots) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!(assert_ok(&lots)[0]["free"], 0);
    let (live, spots): (i64, i64) = app
        .db()
        .query_row(
            "SELECT count(*), count(DISTINCT spot) FROM parking_orders WHERE lot_id = ?1 AND status IN (0, 1)",
            [lot],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((live, spots), (5, 5));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_ends_of_one_order_charge_its_fee_once() {
    let app = spawn_app().await;
    let lot = add_lot(&app, "parkinglot1", 5, 300);
    let token = user_with_balance(&app, "raidyue", "10").await;
    let id = assert_ok(&reserve(&app, "raidyue", lot, &token).await)["id"]
        .as_i64()
        .unwrap();
    assert_ok(&order_step(&app, "start", "raidyue", id, &token).await);
    let mut racers = Vec::new();
    for _ in 0..20 {
        let client = app.client.clone();
        let url = app.url("/parking/api/order/end");
        let token = token.clone();
        racers.push(tokio::spawn(async move {
            let reply = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"username": "raidyue", "order_id": id}))
                .send()
                .await
                .unwrap();
            common::json_of(reply).await.1["code"].as_i64().unwrap()
        }));
    }
    let mut codes = Vec::new();
    for racer in racers {
        codes.push(racer.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 19, "{codes:?}");
    let cents: i64 = app
        .db()
        .query_row(
            "SELECT balance_cents FROM parking_users WHERE username = 'raidyue'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cents, 700);
    app.stop().await;
}

fn events_url(app: &TestApp, username: &str, token: &str) -> String {
    app.url(&format!(
        "/parking/events?username={username}&token={token}"
    ))
}

#[tokio::test]
async fn events_tell_each_user_their_orders_and_everyone_the_lots() {
    use common::sse::Stream;
    use std::time::Duration;
    let app = spawn_app_with(&["--reserve-timeout", "1s"]).await;
    let lot = add_lot(&app, "事件", 3, 500);
    let alice = user_with_balance(&app, "alice", "100").await;
    let bob = user_with_balance(&app, "bob", "100").await;

    // No session, another user's name, or a wrong token: refused, no stream.
    for url in [
        app.url("/parking/events?username=alice"),
        events_url(&app, "bob", &alice),
        events_url(&app, "alice", "not-a-token"),
    ] {
        let refused = Stream::open(&app.client, &url, &[]).await;
        assert!(!refused.is_stream(), "{url}");
        assert_fail(&refused.refusal().await, 406, "login required");
    }

    let mut alices = Stream::open(&app.client, &events_url(&app, "alice", &alice), &[]).await;
    let mut bobs = Stream::open(&app.client, &events_url(&app, "bob", &bob), &[]).await;
    assert!(alices.is_stream() && bobs.is_stream());
    // A Bearer token works as well as the token field.
    let mut bearer = Stream::open(
        &app.client,
        &app.url("/parking/events?username=alice"),
        &[("authorization", &format!("Bearer {alice}"))],
    )
    .await;
    assert!(bearer.is_stream());

    let (_, body) = app
        .post(
            "/parking/api/order/new",
            json!({"username": "alice", "parkinglot_id": lot}),
            Some(&alice),
        )
        .await;
    let order_id = assert_ok(&body)["id"].as_i64().unwrap();
    let order = alices.next_named("order").await;
    assert_eq!(order.data["id"], order_id);
    assert_eq!(order.data["status"], 0);
    assert_eq!(order.data["user"], "alice");
    let first_id = order.id.expect("events have ids");
    let seen = alices.next_named("lot").await;
    assert_eq!(
        (seen.data["id"].as_i64(), seen.data["free"].as_i64()),
        (Some(lot), Some(2))
    );
    assert_eq!(bearer.next_named("order").await.data["id"], order_id);
    // Bob hears of the lot, never of Alice's order.
    let bob_saw = bobs.drain(Duration::from_millis(400)).await;
    assert_eq!(bob_saw.len(), 1, "{bob_saw:?}");
    assert_eq!(bob_saw[0].event, "lot");
    assert_eq!(bob_saw[0].data["free"], 2);

    // The reservation expires (1 s): Alice hears it, everyone sees the spot free.
    let expired = alices
        .next_within(Duration::from_secs(8))
        .await
        .expect("the expiry is told");
    assert_eq!(
        (expired.event.as_str(), &expired.data["status"]),
        ("order", &json!(3))
    );
    assert_eq!(alices.next_named("lot").await.data["free"], 3);
    assert_eq!(bobs.next_named("lot").await.data["free"], 3);

    // Resuming from the first event replays what followed it, only Alice's.
    let last = first_id.to_string();
    let mut resumed = Stream::open(
        &app.client,
        &events_url(&app, "alice", &alice),
        &[("last-event-id", &last)],
    )
    .await;
    let replayed = resumed.drain(Duration::from_millis(300)).await;
    let names: Vec<&str> = replayed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["lot", "order", "lot"], "{replayed:?}");
    assert!(replayed.iter().all(|e| e.id > Some(first_id)));
    let mut bob_resumed = Stream::open(
        &app.client,
        &format!("{}&last_event_id=0", events_url(&app, "bob", &bob)),
        &[],
    )
    .await;
    let bob_replayed = bob_resumed.drain(Duration::from_millis(300)).await;
    assert_eq!(bob_replayed.len(), 2, "{bob_replayed:?}");
    assert!(bob_replayed.iter().all(|e| e.event == "lot"));

    // Logging out ends Alice's streams, and only hers.
    let (_, body) = app
        .post(
            "/parking/api/user/logout",
            json!({"username": "alice"}),
            Some(&alice),
        )
        .await;
    assert_ok(&body);
    assert_eq!(
        alices.next_named("ended").await.data["reason"],
        "the session has ended"
    );
    assert!(alices.closes_within(Duration::from_secs(2)).await);
    assert!(resumed.closes_within(Duration::from_secs(2)).await);
    assert!(!bobs.closes_within(Duration::from_millis(500)).await);
    app.stop().await;
}

#[tokio::test]
async fn event_streams_are_capped_per_account_and_in_total() {
    use common::sse::Stream;
    let app = spawn_app_with(&["--max-streams-per-account", "2", "--max-streams", "3"]).await;
    let alice = user_with_balance(&app, "alice", "0").await;
    let bob = user_with_balance(&app, "bob", "0").await;
    let carol = user_with_balance(&app, "carol", "0").await;
    let first = Stream::open(&app.client, &events_url(&app, "alice", &alice), &[]).await;
    let _second = Stream::open(&app.client, &events_url(&app, "alice", &alice), &[]).await;
    assert!(first.is_stream());
    let third = Stream::open(&app.client, &events_url(&app, "alice", &alice), &[]).await;
    let refusal = third.refusal().await;
    assert_eq!(refusal["code"], 429, "{refusal}");
    assert!(
        refusal["msg"].as_str().unwrap().contains("at most 2"),
        "{refusal}"
    );
    let _bobs = Stream::open(&app.client, &events_url(&app, "bob", &bob), &[]).await;
    let over = Stream::open(&app.client, &events_url(&app, "carol", &carol), &[]).await;
    let refusal = over.refusal().await;
    assert!(
        refusal["msg"]
            .as_str()
            .unwrap()
            .contains("on this server (at most 3)"),
        "{refusal}"
    );
    // A closed stream frees its place.
    drop(first);
    let mut opened = false;
    for _ in 0..50 {
        let again = Stream::open(&app.client, &events_url(&app, "carol", &carol), &[]).await;
        if again.is_stream() {
            opened = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(opened, "a place is freed when a stream closes");
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_ends_the_streams_of_the_accounts_other_sessions() {
    use common::sse::Stream;
    use std::time::Duration;
    let app = spawn_app().await;
    let first = user_with_balance(&app, "alice", "0").await;
    let second = login(&app, "alice").await;
    let mut kept = Stream::open(&app.client, &events_url(&app, "alice", &first), &[]).await;
    let mut other = Stream::open(&app.client, &events_url(&app, "alice", &second), &[]).await;
    assert!(kept.is_stream() && other.is_stream());
    let (_, body) = app
        .post(
            "/parking/api/user/modification",
            json!({"username": "alice", "password": "another-pass-2", "email": "a@example.com"}),
            Some(&first),
        )
        .await;
    assert_ok(&body);
    assert_eq!(other.next_named("ended").await.event, "ended");
    assert!(other.closes_within(Duration::from_secs(2)).await);
    // The session that changed the password goes on.
    assert!(!kept.closes_within(Duration::from_millis(500)).await);
    app.stop().await;
}
