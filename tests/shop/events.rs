//! Event streams: sellers and the customer hear of orders, everyone of stock.

use super::*;

#[tokio::test]
async fn events_tell_sellers_and_the_customer_of_orders_and_everyone_of_stock() {
    use common::sse::Stream;
    use std::time::Duration;
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (other_seller, _) = seller_with_shop(&app, "other@example.com").await;
    let customer = user(&app, "customer", "c@example.com").await;
    let bystander = user(&app, "customer", "d@example.com").await;
    let (_, product) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "棒球帽", "price": "39.90", "stock_quantity": 2}),
    )
    .await;
    let product_id = product["data"]["id"].as_i64().unwrap();

    let refused = Stream::open(&app.client, &app.url("/shop/events"), &[]).await;
    let status = refused.status;
    let body = refused.refusal().await;
    assert_fail(status, &body, 401, 401);
    assert_eq!(body["message"], "请先登录");

    let open = |token: &str| {
        let url = app.url(&format!("/shop/events?token={token}"));
        let client = app.client.clone();
        async move { Stream::open(&client, &url, &[]).await }
    };
    let mut sellers = open(&seller).await;
    let mut others = open(&other_seller).await;
    let mut customers = Stream::open(
        &app.client,
        &app.url("/shop/events"),
        &[("authorization", &format!("Bearer {customer}"))],
    )
    .await;
    let mut bystanders = open(&bystander).await;
    assert!(
        sellers.is_stream()
            && others.is_stream()
            && customers.is_stream()
            && bystanders.is_stream()
    );

    let (status, body) = app
        .post(
            "/shop/order/create",
            json!({"product_id": product_id, "quantity": 2}),
            Some(&customer),
        )
        .await;
    assert_ok(status, &body);
    let order_id = body["data"]["id"].as_i64().unwrap();
    let mut order_event_ids = Vec::new();
    for stream in [&mut sellers, &mut customers] {
        let order = stream.next_named("order").await;
        order_event_ids.push(order.id.expect("an id"));
        assert_eq!(order.data["id"], order_id);
        assert_eq!(order.data["quantity"], 2);
        assert_eq!(order.data["customer"]["email"], "c@example.com");
        let stock = stream.next_named("product").await;
        assert_eq!(stock.data["id"], product_id);
        assert_eq!(stock.data["stock_quantity"], 0);
        assert_eq!(stock.data["status"], "Sold Out");
    }
    // Another shop's seller and another customer hear of the stock only.
    for stream in [&mut others, &mut bystanders] {
        let seen = stream.drain(Duration::from_millis(400)).await;
        let names: Vec<&str> = seen.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(names, ["product"], "{seen:?}");
        assert!(seen.iter().all(|e| e.data.get("customer").is_none()));
    }
    // Resuming from before the order replays it to the seller; the
    // bystander resumes to the stock change only.
    let before = (order_event_ids[0] - 1).to_string();
    let mut resumed = Stream::open(
        &app.client,
        &app.url(&format!("/shop/events?token={seller}")),
        &[("last-event-id", &before)],
    )
    .await;
    let replayed = resumed.drain(Duration::from_millis(300)).await;
    let names: Vec<&str> = replayed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["order", "product"], "{replayed:?}");
    let bystander_resumed = Stream::open(
        &app.client,
        &app.url(&format!(
            "/shop/events?token={bystander}&last_event_id={before}"
        )),
        &[],
    )
    .await
    .drain(Duration::from_millis(300))
    .await;
    let names: Vec<&str> = bystander_resumed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["product"], "{bystander_resumed:?}");
    // The other seller may hold 8 streams (one is open); the ninth is refused.
    let mut more = Vec::new();
    for _ in 0..7 {
        let stream = open(&other_seller).await;
        assert!(stream.is_stream());
        more.push(stream);
    }
    let refused = open(&other_seller).await;
    let status = refused.status;
    let body = refused.refusal().await;
    assert_fail(status, &body, 429, 300);
    assert!(
        body["message"].as_str().unwrap().contains("at most 8"),
        "{body}"
    );
    drop(more);
    // A refused sale tells no one.
    let (status, _) = app
        .post(
            "/shop/order/create",
            json!({"product_id": product_id}),
            Some(&customer),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        bystanders
            .drain(Duration::from_millis(300))
            .await
            .is_empty()
    );

    // The seller restocks: everyone sees it.
    let (status, body) = app
        .post(
            &format!("/shop/shop/{shop}/product/{product_id}/update"),
            json!({"stock_quantity": 5}),
            Some(&seller),
        )
        .await;
    assert_ok(status, &body);
    let restocked = bystanders.next_named("product").await;
    assert_eq!(
        (
            restocked.data["stock_quantity"].as_i64(),
            restocked.data["status"].as_str()
        ),
        (Some(5), Some("Available"))
    );

    // Logout ends the customer's stream.
    let response = app
        .client
        .post(app.url("/shop/user/logout"))
        .bearer_auth(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(customers.next_named("ended").await.event, "ended");
    assert!(customers.closes_within(Duration::from_secs(2)).await);
    app.stop().await;
}
