//! Orders and the cart: customers buy, sellers see their shop's orders, stock never oversold.

use super::*;

/// A seller's shop selling three 棒球帽 at 39.90, another seller, and a
/// customer.
struct Counter {
    app: TestApp,
    seller: String,
    stranger: String,
    customer: String,
    shop: i64,
    product_id: i64,
}

async fn counter() -> Counter {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (stranger, _) = seller_with_shop(&app, "stranger@example.com").await;
    let customer = user(&app, "customer", "c@example.com").await;
    let (_, product) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "棒球帽", "price": "39.90", "stock_quantity": 3}),
    )
    .await;
    let product_id = product["data"]["id"].as_i64().unwrap();
    Counter {
        app,
        seller,
        stranger,
        customer,
        shop,
        product_id,
    }
}

async fn buy(app: &TestApp, token: Option<&str>, body: Value) -> (u16, Value) {
    app.post("/shop/order/create", body, token).await
}

/// The customer buys two caps, then one: the shop's two orders.
async fn two_orders(c: &Counter) {
    for quantity in [2, 1] {
        let (status, order) = buy(
            &c.app,
            Some(&c.customer),
            json!({"product_id": c.product_id, "quantity": quantity}),
        )
        .await;
        assert_ok(status, &order);
    }
}

#[tokio::test]
async fn buying_needs_a_customer_a_known_product_and_enough_stock() {
    let Counter {
        app,
        seller,
        customer,
        product_id,
        ..
    } = counter().await;
    let (status, body) = buy(&app, None, json!({"product_id": product_id})).await;
    assert_fail(status, &body, 401, 401);
    let (status, body) = buy(&app, Some(&seller), json!({"product_id": product_id})).await;
    assert_fail(status, &body, 403, 400);
    for bad in [
        json!({}),
        json!({"product_id": "x"}),
        json!({"product_id": product_id, "quantity": 0}),
        json!({"product_id": product_id, "quantity": "two"}),
    ] {
        let (status, body) = buy(&app, Some(&customer), bad).await;
        assert_fail(status, &body, 400, 300);
    }
    let (status, body) = buy(&app, Some(&customer), json!({"product_id": 9999})).await;
    assert_fail(status, &body, 404, 300);
    let (status, body) = buy(
        &app,
        Some(&customer),
        json!({"product_id": product_id, "quantity": 4}),
    )
    .await;
    assert_fail(status, &body, 400, 300);
    app.stop().await;
}

#[tokio::test]
async fn a_sale_takes_its_quantity_from_stock_at_once_and_prices_the_order() {
    let Counter {
        app,
        customer,
        shop,
        product_id,
        ..
    } = counter().await;
    let list_at = format!("/shop/shop/{shop}/products");
    let (_, before) = app.get(&list_at, None).await;
    assert_eq!(before["data"]["products"][0]["stock_quantity"], 3);
    let (status, order) = buy(
        &app,
        Some(&customer),
        json!({"product_id": product_id.to_string(), "quantity": "2"}),
    )
    .await;
    assert_ok(status, &order);
    let (_, after) = app.get(&list_at, None).await;
    assert_eq!(
        after["data"]["products"][0]["stock_quantity"], 1,
        "a sale shows in the list at once"
    );
    assert_eq!(order["data"]["total_price"], "79.80");
    assert_eq!(order["data"]["price"], "39.90");
    assert_eq!(order["data"]["quantity"], 2);
    assert_eq!(order["data"]["product"], product_id);
    let (_, info) = app
        .get(&format!("/shop/shop/{shop}/product/{product_id}"), None)
        .await;
    assert_eq!(
        (
            info["data"]["stock_quantity"].clone(),
            info["data"]["status"].clone()
        ),
        (json!(1), json!("Available"))
    );
    app.stop().await;
}

#[tokio::test]
async fn the_last_item_sold_makes_the_product_sold_out() {
    let c = counter().await;
    two_orders(&c).await;
    let Counter {
        app,
        customer,
        shop,
        product_id,
        ..
    } = c;
    let (_, info) = app
        .get(&format!("/shop/shop/{shop}/product/{product_id}"), None)
        .await;
    assert_eq!(
        (
            info["data"]["stock_quantity"].clone(),
            info["data"]["status"].clone()
        ),
        (json!(0), json!("Sold Out"))
    );
    let (status, body) = buy(&app, Some(&customer), json!({"product_id": product_id})).await;
    assert_fail(status, &body, 400, 300);
    assert_eq!(body["message"], "商品已售罄");
    app.stop().await;
}

#[tokio::test]
async fn a_product_off_sale_is_not_sold_whatever_its_stock() {
    let Counter {
        app,
        seller,
        customer,
        shop,
        ..
    } = counter().await;
    let (_, hidden) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "样品", "price": "1", "stock_quantity": 5, "status": "Unavailable"}),
    )
    .await;
    let (status, body) = buy(
        &app,
        Some(&customer),
        json!({"product_id": hidden["data"]["id"]}),
    )
    .await;
    assert_fail(status, &body, 400, 300);
    app.stop().await;
}

#[tokio::test]
async fn a_customer_lists_their_orders_and_a_seller_their_shops_only() {
    let c = counter().await;
    two_orders(&c).await;
    let Counter {
        app,
        seller,
        stranger,
        customer,
        shop,
        ..
    } = c;
    let (status, mine) = app.get("/shop/order/list", Some(&customer)).await;
    assert_ok(status, &mine);
    let quantities: Vec<i64> = mine["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["quantity"].as_i64().unwrap())
        .collect();
    assert_eq!(quantities, [1, 2], "newest first");
    let (_, sellers_own) = app.get("/shop/order/list", Some(&seller)).await;
    assert_eq!(sellers_own["data"], json!([]));

    let (status, orders) = app
        .get(&format!("/shop/shop/{shop}/orders"), Some(&seller))
        .await;
    assert_ok(status, &orders);
    assert_eq!(orders["data"].as_array().unwrap().len(), 2);
    assert_eq!(orders["data"][0]["customer"]["email"], "c@example.com");
    assert_no_secrets(&orders, &[PASSWORD]);
    let (status, body) = app
        .get(&format!("/shop/shop/{shop}/orders"), Some(&stranger))
        .await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = app
        .get(&format!("/shop/shop/{shop}/orders"), Some(&customer))
        .await;
    assert_fail(status, &body, 403, 400);
    app.stop().await;
}

#[tokio::test]
async fn deleting_a_product_leaves_its_orders_as_they_were() {
    let c = counter().await;
    two_orders(&c).await;
    let Counter {
        app,
        seller,
        customer,
        shop,
        product_id,
        ..
    } = c;
    app.post(
        &format!("/shop/shop/{shop}/product/{product_id}/delete"),
        json!({}),
        Some(&seller),
    )
    .await;
    let (_, mine) = app.get("/shop/order/list", Some(&customer)).await;
    assert_eq!(mine["data"][0]["product_name"], "棒球帽");
    assert_eq!(mine["data"][0]["product"], Value::Null);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_customers_racing_for_five_items_buy_exactly_five() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (_, product) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "限量款", "price": "99", "stock_quantity": 5}),
    )
    .await;
    let product_id = product["data"]["id"].as_i64().unwrap();
    let mut customers = Vec::new();
    for n in 0..50 {
        customers.push(user(&app, "customer", &format!("c{n}@example.com")).await);
    }
    let orders = customers.iter().map(|token| {
        let request = app
            .client
            .post(app.url("/shop/order/create"))
            .bearer_auth(token)
            .json(&json!({"product_id": product_id, "quantity": 1}));
        async move { common::json_of(request.send().await.unwrap()).await }
    });
    let answers = futures_util::future::join_all(orders).await;
    let bought = answers.iter().filter(|(s, _)| *s == 200).count();
    let refused = answers
        .iter()
        .filter(|(s, b)| *s == 400 && b["code"] == 300)
        .count();
    assert_eq!((bought, refused), (5, 45), "{answers:?}");
    let db = app.db();
    let (stock, status): (i64, String) = db
        .query_row(
            "SELECT stock_quantity, status FROM shop_products WHERE id = ?1",
            [product_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((stock, status.as_str()), (0, "Sold Out"));
    let sold: i64 = db
        .query_row(
            "SELECT sum(quantity) FROM shop_orders WHERE product_id = ?1",
            [product_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sold, 5);
    app.stop().await;
}

/// A seller's shop selling 茶 at 19.90 (five in stock) and a customer
/// with an empty cart.
struct Tea {
    app: TestApp,
    seller: String,
    shop: i64,
    tea: i64,
    buyer: String,
}

async fn tea() -> Tea {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (status, tea) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "茶", "price": "19.90", "stock_quantity": 5}),
    )
    .await;
    assert_ok(status, &tea);
    let tea = tea["data"]["id"].as_i64().unwrap();
    let buyer = user(&app, "customer", "buyer@example.com").await;
    Tea {
        app,
        seller,
        shop,
        tea,
        buyer,
    }
}

impl Tea {
    /// What the front-end sends for the cart, as `token`.
    async fn cart(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Value,
    ) -> (u16, Value) {
        axios(&self.app, method, path, token, body).await
    }

    /// The buyer's cart, by shop.
    async fn shops_in_cart(&self) -> Value {
        let (status, cart) = self
            .cart(reqwest::Method::GET, "/cart", &self.buyer, Value::Null)
            .await;
        assert_ok(status, &cart);
        cart["data"]["shops"].clone()
    }

    /// The buyer adds one 茶; the line's id.
    async fn one_in_cart(&self) -> i64 {
        let body = json!({"product_id": self.tea, "quantity": 1});
        let (status, added) = self
            .cart(reqwest::Method::POST, "/cart/add", &self.buyer, body)
            .await;
        assert_ok(status, &added);
        assert_eq!(added["data"]["product"]["name"], "茶", "{added}");
        added["data"]["id"].as_i64().unwrap()
    }
}

#[tokio::test]
async fn adding_a_product_again_grows_its_line_under_its_shop() {
    use reqwest::Method;
    let at = tea().await;
    at.one_in_cart().await;
    // One revision of the front-end sends productId; the line grows.
    let (status, again) = at
        .cart(
            Method::POST,
            "/cart/add",
            &at.buyer,
            json!({"productId": at.tea, "quantity": 2}),
        )
        .await;
    assert_ok(status, &again);
    assert_eq!(again["data"]["quantity"], 3);
    let item = again["data"]["id"].as_i64().unwrap();

    let shops = at.shops_in_cart().await;
    let line = &shops[0];
    assert_eq!(line["shop_id"], at.shop, "{shops}");
    assert_eq!(
        (
            &line["items"][0]["item_id"],
            &line["items"][0]["price"],
            &line["items"][0]["total_price"],
            &line["items"][0]["product_stock_quantity"]
        ),
        (&json!(item), &json!("19.90"), &json!("59.70"), &json!(5))
    );
}

#[tokio::test]
async fn someone_elses_cart_line_is_not_found_and_a_seller_has_no_cart() {
    use reqwest::Method;
    let at = tea().await;
    let item = at.one_in_cart().await;
    let other = user(&at.app, "customer", "other@example.com").await;
    let (status, body) = at
        .cart(
            Method::PUT,
            "/cart/update",
            &other,
            json!({"item_id": item, "quantity": 1}),
        )
        .await;
    assert_fail(status, &body, 404, 300);
    let (status, body) = at.cart(Method::GET, "/cart", &at.seller, Value::Null).await;
    assert_fail(status, &body, 403, 400);
}

#[tokio::test]
async fn a_line_updated_to_zero_leaves_the_cart() {
    use reqwest::Method;
    let at = tea().await;
    let item = at.one_in_cart().await;
    let (status, updated) = at
        .cart(
            Method::PUT,
            "/cart/update",
            &at.buyer,
            json!({"item_id": item, "quantity": 4}),
        )
        .await;
    assert_ok(status, &updated);
    assert_eq!(updated["data"]["quantity"], 4);
    let (status, removed) = at
        .cart(
            Method::PUT,
            "/cart/update",
            &at.buyer,
            json!({"item_id": item, "quantity": 0}),
        )
        .await;
    assert_ok(status, &removed);
    assert_eq!(at.shops_in_cart().await, json!([]));
}

#[tokio::test]
async fn a_deleted_line_leaves_the_cart() {
    use reqwest::Method;
    let at = tea().await;
    // Added without a quantity.
    at.cart(
        Method::POST,
        "/cart/add",
        &at.buyer,
        json!({"product_id": at.tea}),
    )
    .await;
    let item = at.shops_in_cart().await[0]["items"][0]["item_id"].clone();
    let (status, body) = at
        .cart(
            Method::DELETE,
            "/cart/delete",
            &at.buyer,
            json!({"item_id": item}),
        )
        .await;
    assert_ok(status, &body);
    assert_eq!(at.shops_in_cart().await, json!([]));
    at.app.stop().await;
}
