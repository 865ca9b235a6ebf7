//! Orders: started, ended and charged exactly once, listed by status.

use super::*;

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
