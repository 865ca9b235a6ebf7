//! Bad requests in shop's envelope, the demo data, and the original front-end's requests (Vue 3 + axios).

use super::*;

#[tokio::test]
async fn bad_requests_get_the_envelope() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let response = app
        .client
        .post(app.url(&format!("/shop/shop/{shop}/product/add")))
        .bearer_auth(&seller)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_fail(status, &body, 400, 300);
    let response = app
        .client
        .post(app.url("/shop/user/register/seller"))
        .header("content-type", "application/json")
        .body(format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)))
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_fail(status, &body, 400, 402);
    let response = app
        .client
        .post(app.url("/shop/user/login"))
        .header("content-type", "text/plain")
        .body("email=x")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_fail(status, &body, 400, 403);

    let (status, body) = app.get("/shop/no/such/path", None).await;
    assert_eq!(status, 404);
    assert_eq!(
        (body["success"].clone(), body["code"].clone()),
        (json!(false), json!(404))
    );
    let response = app
        .client
        .get(app.url("/shop/user/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let (_, body) = common::json_of(response).await;
    assert_eq!(body["code"], 405);
    let (status, _) = app.get("/shop/shop/", None).await;
    assert_eq!(status, 200, "a trailing slash is fine");
    app.stop().await;
}

#[tokio::test]
async fn demo_data_has_shops_products_with_images_and_a_code() {
    let app = common::spawn_app_with(&["--demo"]).await;
    let (_, shops) = app.get("/shop/shop", None).await;
    assert_eq!(shops["data"].as_array().unwrap().len(), 2);
    let (_, products) = app.get("/shop/shop/products", None).await;
    assert!(products["data"]["count"].as_i64().unwrap() >= 15);
    let image = products["data"]["products"][0]["image"].as_str().unwrap();
    let served = app.client.get(image).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    let (status, _, token) = login(&app, "seller3@example.com", "seller1234").await;
    assert_eq!(status, 200);
    let (status, joined) = app
        .post(
            "/shop/shop/join_by_code",
            json!({"invitation_code": onebox::domains::shop::demo::DEMO_CODE}),
            token.as_deref(),
        )
        .await;
    assert_ok(status, &joined);
    let (status, _, customer) = login(&app, "customer@example.com", "customer1234").await;
    assert_eq!(status, 200);
    let (_, orders) = app.get("/shop/order/list", customer.as_deref()).await;
    assert_eq!(orders["data"].as_array().unwrap().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn a_request_is_checked_for_its_body_then_its_session_then_its_role_then_its_fields() {
    let app = spawn_app().await;
    let seller = user(&app, "seller", "seller@example.com").await;
    let customer = user(&app, "customer", "buyer@example.com").await;
    let send = |token: Option<&str>, body: &'static str| {
        let mut request = app
            .client
            .post(app.url("/shop/cart/add"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { common::json_of(request.send().await.unwrap()).await }
    };
    // An unreadable body is refused before anything else is looked at.
    let (status, body) = send(None, "{\"product_id\": ").await;
    assert_fail(status, &body, 400, 300);
    // Then the session: no caller, whatever the fields.
    let (status, body) = send(None, "{}").await;
    assert_fail(status, &body, 401, 401);
    // Then the role: a seller has no cart, whatever the fields.
    let (status, body) = send(Some(&seller), "{}").await;
    assert_fail(status, &body, 403, 400);
    // Only then the fields.
    let (status, body) = send(Some(&customer), "{}").await;
    assert_fail(status, &body, 400, 300);
    assert_eq!(body["message"], "缺少参数 product_id", "{body}");
    let (status, body) = send(Some(&customer), "{\"product_id\": \"two\"}").await;
    assert_fail(status, &body, 400, 300);
    app.stop().await;
}
