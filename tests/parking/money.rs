//! Recharging a balance in exact amounts.

use super::*;

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
