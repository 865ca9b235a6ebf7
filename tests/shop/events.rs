//! Event streams: sellers and the customer hear of orders, everyone of stock.

use std::time::Duration;

use super::*;
use common::sse::Stream;

/// A shop's seller with two 棒球帽 in stock, a second seller, the
/// customer who buys, and a bystanding customer.
struct Market {
    app: TestApp,
    seller: String,
    shop: i64,
    other_seller: String,
    customer: String,
    bystander: String,
    product: i64,
}

async fn market() -> Market {
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
    let product = product["data"]["id"].as_i64().unwrap();
    Market {
        app,
        seller,
        shop,
        other_seller,
        customer,
        bystander,
        product,
    }
}

impl Market {
    /// A stream opened with the token in the query, as `EventSource` can.
    async fn open(&self, token: &str) -> Stream {
        let url = self.app.url(&format!("/shop/events?token={token}"));
        Stream::open(&self.app.client, &url, &[]).await
    }

    /// The customer's stream, opened with the bearer header instead.
    async fn open_customers(&self) -> Stream {
        let bearer = format!("Bearer {}", self.customer);
        let url = self.app.url("/shop/events");
        Stream::open(&self.app.client, &url, &[("authorization", &bearer)]).await
    }

    /// The customer buys `quantity` of the product; the new order's id.
    async fn buy(&self, quantity: i64) -> i64 {
        let (status, body) = self
            .app
            .post(
                "/shop/order/create",
                json!({"product_id": self.product, "quantity": quantity}),
                Some(&self.customer),
            )
            .await;
        assert_ok(status, &body);
        body["data"]["id"].as_i64().unwrap()
    }
}

fn names(events: &[common::sse::Event]) -> Vec<&str> {
    events.iter().map(|e| e.event.as_str()).collect()
}

#[tokio::test]
async fn a_stream_without_a_session_is_refused_with_the_login_message() {
    let market = market().await;
    let refused = Stream::open(&market.app.client, &market.app.url("/shop/events"), &[]).await;
    let status = refused.status;
    let body = refused.refusal().await;
    assert_fail(status, &body, 401, 401);
    assert_eq!(body["message"], "请先登录");
}

#[tokio::test]
async fn an_order_is_told_to_its_shops_seller_and_its_customer_with_the_stock_left() {
    let market = market().await;
    let mut sellers = market.open(&market.seller).await;
    let mut customers = market.open_customers().await;
    assert!(sellers.is_stream() && customers.is_stream());
    let order_id = market.buy(2).await;
    for stream in [&mut sellers, &mut customers] {
        let order = stream.next_named("order").await;
        assert!(order.id.is_some(), "an id");
        assert_eq!(order.data["id"], order_id);
        assert_eq!(order.data["quantity"], 2);
        assert_eq!(order.data["customer"]["email"], "c@example.com");
        let stock = stream.next_named("product").await;
        assert_eq!(stock.data["id"], market.product);
        assert_eq!(stock.data["stock_quantity"], 0);
        assert_eq!(stock.data["status"], "Sold Out");
    }
}

#[tokio::test]
async fn another_shops_seller_and_another_customer_hear_of_the_stock_only() {
    let market = market().await;
    let mut others = market.open(&market.other_seller).await;
    let mut bystanders = market.open(&market.bystander).await;
    assert!(others.is_stream() && bystanders.is_stream());
    market.buy(2).await;
    for stream in [&mut others, &mut bystanders] {
        let seen = stream.drain(Duration::from_millis(400)).await;
        assert_eq!(names(&seen), ["product"], "{seen:?}");
        assert!(seen.iter().all(|e| e.data.get("customer").is_none()));
    }
}

#[tokio::test]
async fn resuming_from_before_an_order_replays_to_each_what_they_may_see() {
    let market = market().await;
    let mut sellers = market.open(&market.seller).await;
    market.buy(2).await;
    let order = sellers.next_named("order").await;
    let before = (order.id.expect("an id") - 1).to_string();

    // The seller, by the `Last-Event-ID` header: the order and the stock.
    let url = market
        .app
        .url(&format!("/shop/events?token={}", market.seller));
    let mut resumed = Stream::open(&market.app.client, &url, &[("last-event-id", &before)]).await;
    let replayed = resumed.drain(Duration::from_millis(300)).await;
    assert_eq!(names(&replayed), ["order", "product"], "{replayed:?}");

    // The bystander, by the query parameter: the stock change only.
    let url = market.app.url(&format!(
        "/shop/events?token={}&last_event_id={before}",
        market.bystander
    ));
    let replayed = Stream::open(&market.app.client, &url, &[])
        .await
        .drain(Duration::from_millis(300))
        .await;
    assert_eq!(names(&replayed), ["product"], "{replayed:?}");
}

#[tokio::test]
async fn a_seller_holds_at_most_eight_streams_and_the_ninth_is_refused() {
    let market = market().await;
    let mut open = Vec::new();
    for _ in 0..8 {
        let stream = market.open(&market.other_seller).await;
        assert!(stream.is_stream());
        open.push(stream);
    }
    let refused = market.open(&market.other_seller).await;
    let status = refused.status;
    let body = refused.refusal().await;
    assert_fail(status, &body, 429, 300);
    assert!(
        body["message"].as_str().unwrap().contains("at most 8"),
        "{body}"
    );
}

#[tokio::test]
async fn a_refused_sale_tells_no_one() {
    let market = market().await;
    // Sold out: the next sale of one is refused.
    market.buy(2).await;
    let mut bystanders = market.open(&market.bystander).await;
    assert!(bystanders.is_stream());
    let (status, _) = market
        .app
        .post(
            "/shop/order/create",
            json!({"product_id": market.product}),
            Some(&market.customer),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        bystanders
            .drain(Duration::from_millis(300))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_restock_is_told_to_everyone() {
    let market = market().await;
    market.buy(2).await;
    let mut bystanders = market.open(&market.bystander).await;
    assert!(bystanders.is_stream());
    let (status, body) = market
        .app
        .post(
            &format!(
                "/shop/shop/{}/product/{}/update",
                market.shop, market.product
            ),
            json!({"stock_quantity": 5}),
            Some(&market.seller),
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
}

#[tokio::test]
async fn logout_ends_the_customers_stream() {
    let market = market().await;
    let mut customers = market.open_customers().await;
    assert!(customers.is_stream());
    let response = market
        .app
        .client
        .post(market.app.url("/shop/user/logout"))
        .bearer_auth(&market.customer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(customers.next_named("ended").await.event, "ended");
    assert!(customers.closes_within(Duration::from_secs(2)).await);
    market.app.stop().await;
}
