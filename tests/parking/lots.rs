//! Lots and reservations: free spots, the lowest free spot, expiry, and sixty racing reservations.

use super::*;

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
