//! The multi-seller shop over real HTTP: accounts, shops, invitation codes,
//! products with images, pages, orders, and the races on codes and stock.

mod common;

use common::{TestApp, assert_no_secrets, spawn_app};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PASSWORD: &str = "password123";

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn assert_fail(status: u16, body: &Value, http: u16, code: i64) {
    assert_eq!(status, http, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body["data"], Value::Null);
}

fn assert_ok(status: u16, body: &Value) {
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true, "{body}");
    assert_eq!(body["code"], 0, "{body}");
}

async fn register(app: &TestApp, role: &str, email: &str) {
    let (status, body) = app
        .post(
            &format!("/shop/user/register/{role}"),
            json!({"name": email.split('@').next().unwrap(), "phone": "13800000000", "email": email, "password": PASSWORD}),
            None,
        )
        .await;
    assert_ok(status, &body);
    assert_eq!(body["data"], Value::Null);
}

/// Logs in and returns the session token (the cookie's value).
async fn login(app: &TestApp, email: &str, password: &str) -> (u16, Value, Option<String>) {
    let response = app
        .client
        .post(app.url("/shop/user/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string());
    let token = cookie.as_deref().and_then(|c| {
        c.split(';')
            .next()
            .and_then(|pair| pair.strip_prefix("onebox_shop="))
            .map(str::to_string)
    });
    let (status, body) = common::json_of(response).await;
    if status == 200 {
        // The answer carries the cookie's token, for browsers that refuse
        // the cookie.
        assert_eq!(body["data"]["token"].as_str(), token.as_deref(), "{body}");
    }
    (status, body, token)
}

async fn user(app: &TestApp, role: &str, email: &str) -> String {
    register(app, role, email).await;
    login(app, email, PASSWORD)
        .await
        .2
        .expect("a session cookie")
}

/// A seller with a new shop; returns (token, shop id).
async fn seller_with_shop(app: &TestApp, email: &str) -> (String, i64) {
    let token = user(app, "seller", email).await;
    let (status, body) = app
        .post("/shop/shop/create", json!({"name": format!("{email} 的商铺"), "address": "北京市朝阳区", "description": "主营电子产品"}), Some(&token))
        .await;
    assert_ok(status, &body);
    (token, body["data"]["id"].as_i64().unwrap())
}

async fn add_product(app: &TestApp, token: &str, shop: i64, body: Value) -> (u16, Value) {
    app.post(&format!("/shop/shop/{shop}/product/add"), body, Some(token))
        .await
}

#[tokio::test]
async fn accounts_register_log_in_change_password_and_log_out() {
    let app = spawn_app().await;
    register(&app, "customer", "buyer@example.com").await;
    register(&app, "seller", "seller1@buaa.edu.cn").await;

    let register_at = "/shop/user/register/customer";
    for bad in [
        json!({"name": "x", "phone": "13800000000", "email": "BUYER@example.com", "password": PASSWORD}),
        json!({"name": "x", "phone": "13800000000", "email": "not-an-email", "password": PASSWORD}),
        json!({"name": "x", "phone": "13800000000", "email": "short@example.com", "password": "short"}),
        json!({"phone": "13800000000", "email": "noname@example.com", "password": PASSWORD}),
        json!({"name": "x", "phone": "call me", "email": "phone@example.com", "password": PASSWORD}),
    ] {
        let (status, body) = app.post(register_at, bad, None).await;
        assert_fail(status, &body, 400, 402);
    }

    let (status, body, token) = login(&app, "buyer@example.com", "wrong-password").await;
    assert_fail(status, &body, 400, 403);
    assert!(token.is_none());
    let (status, body, _) = login(&app, "nobody@example.com", PASSWORD).await;
    assert_fail(status, &body, 400, 403);

    // The cookie is HttpOnly; its value also works as Bearer.
    let response = app
        .client
        .post(app.url("/shop/user/login"))
        .json(&json!({"email": "Buyer@Example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("onebox_shop=")
        .unwrap()
        .to_string();
    let (status, profile) = app.get("/shop/user/profile", Some(&token)).await;
    assert_ok(status, &profile);
    assert_eq!(profile["data"]["email"], "buyer@example.com");
    assert_eq!(profile["data"]["role"], "CUSTOMER");
    assert_eq!(profile["data"]["name"], "buyer");
    assert_no_secrets(&profile, &[PASSWORD]);
    let by_cookie = app
        .client
        .get(app.url("/shop/user/profile"))
        .header("cookie", format!("onebox_shop={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 200);

    let (status, body) = app.get("/shop/user/profile", None).await;
    assert_fail(status, &body, 401, 401);

    // Changing the password keeps this session and ends the others.
    let (_, _, other) = login(&app, "buyer@example.com", PASSWORD).await;
    let other = other.unwrap();
    let change = "/shop/user/change-password";
    let (status, body) = app
        .post(change, json!({"old_password": "wrong-password", "new_password": "new-password-1", "confirm_new_password": "new-password-1"}), Some(&token))
        .await;
    assert_fail(status, &body, 400, 403);
    let (status, body) = app
        .post(change, json!({"old_password": PASSWORD, "new_password": "new-password-1", "confirm_new_password": "new-password-2"}), Some(&token))
        .await;
    assert_fail(status, &body, 400, 403);
    let (status, body) = app
        .post(change, json!({"old_password": PASSWORD, "new_password": "new-password-1", "confirm_new_password": "new-password-1"}), None)
        .await;
    assert_fail(status, &body, 401, 401);
    let (status, body) = app
        .post(change, json!({"old_password": PASSWORD, "new_password": "new-password-1", "confirm_new_password": "new-password-1"}), Some(&token))
        .await;
    assert_ok(status, &body);
    assert_eq!(app.get("/shop/user/profile", Some(&token)).await.0, 200);
    assert_eq!(app.get("/shop/user/profile", Some(&other)).await.0, 401);
    assert_eq!(login(&app, "buyer@example.com", PASSWORD).await.0, 400);
    assert_eq!(
        login(&app, "buyer@example.com", "new-password-1").await.0,
        200
    );

    // Logout ends the session and clears the cookie.
    let response = app
        .client
        .post(app.url("/shop/user/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(app.get("/shop/user/profile", Some(&token)).await.0, 401);
    app.stop().await;
}

#[tokio::test]
async fn failed_logins_are_throttled() {
    let app = spawn_app().await;
    register(&app, "customer", "target@example.com").await;
    for _ in 0..10 {
        assert_eq!(
            login(&app, "target@example.com", "guess-guess").await.0,
            400
        );
    }
    let (status, body, token) = login(&app, "target@example.com", PASSWORD).await;
    assert_fail(status, &body, 400, 403);
    assert!(body["message"].as_str().unwrap().contains("分钟"), "{body}");
    assert!(token.is_none());
    app.stop().await;
}

#[tokio::test]
async fn shops_are_created_listed_and_shown() {
    let app = spawn_app().await;
    let customer = user(&app, "customer", "c@example.com").await;
    let (status, body) = app
        .post("/shop/shop/create", json!({"name": "x"}), Some(&customer))
        .await;
    assert_fail(status, &body, 403, 400);
    let (status, body) = app
        .post("/shop/shop/create", json!({"name": "x"}), None)
        .await;
    assert_fail(status, &body, 401, 401);

    let seller = user(&app, "seller", "seller1@buaa.edu.cn").await;
    let (status, body) = app
        .post(
            "/shop/shop/create",
            json!({"address": "nowhere"}),
            Some(&seller),
        )
        .await;
    assert_fail(status, &body, 400, 300);
    let (status, created) = app
        .post("/shop/shop/create", json!({"name": "李四的商铺", "address": "上海市浦东新区", "description": "主营服装鞋帽"}), Some(&seller))
        .await;
    assert_ok(status, &created);
    let id = created["data"]["id"].as_i64().unwrap();
    let (status, body) = app
        .post(
            "/shop/shop/create",
            json!({"name": "second"}),
            Some(&seller),
        )
        .await;
    assert_fail(status, &body, 400, 300);

    let (status, list) = app.get("/shop/shop", None).await;
    assert_ok(status, &list);
    assert_eq!(list["message"], "查询所有商铺成功");
    let shop = &list["data"][0];
    assert_eq!(shop["name"], "李四的商铺");
    assert_eq!(shop["address"], "上海市浦东新区");
    assert_eq!(
        shop["sellers"],
        json!([{"name": "seller1", "email": "seller1@buaa.edu.cn", "role": "SELLER"}])
    );
    let date = shop["create_date"].as_str().unwrap();
    assert_eq!(date.len(), "2024-11-06T11:39:56.620678Z".len(), "{date}");
    assert!(date.ends_with('Z') && date.as_bytes()[19] == b'.');

    let (status, info) = app.get(&format!("/shop/shop/{id}/info"), None).await;
    assert_ok(status, &info);
    assert_eq!(info["data"], list["data"][0]);
    let (status, body) = app.get("/shop/shop/999/info", None).await;
    assert_fail(status, &body, 404, 300);
    let (status, _) = app.get("/shop/shop/abc/info", None).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn invitation_codes_admit_sellers_within_their_limits() {
    let app = spawn_app().await;
    let (owner, shop) = seller_with_shop(&app, "owner@example.com").await;
    let (other_owner, _) = seller_with_shop(&app, "other@example.com").await;
    let customer = user(&app, "customer", "c@example.com").await;
    let newcomer = user(&app, "seller", "new@example.com").await;
    let create = format!("/shop/shop/{shop}/create_invitation_code");

    let (status, body) = app.post(&create, json!({}), Some(&customer)).await;
    assert_fail(status, &body, 403, 400);
    let (status, body) = app.post(&create, json!({}), Some(&other_owner)).await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = app.post(&create, json!({}), Some(&newcomer)).await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = app
        .post(
            "/shop/shop/999/create_invitation_code",
            json!({}),
            Some(&owner),
        )
        .await;
    assert_fail(status, &body, 404, 300);
    for bad in [
        json!({"usage_limit": 0}),
        json!({"usage_limit": "many"}),
        json!({"expires_in_days": -1}),
    ] {
        let (status, body) = app.post(&create, bad, Some(&owner)).await;
        assert_fail(status, &body, 400, 300);
    }

    let (status, made) = app.post(&create, json!({}), Some(&owner)).await;
    assert_ok(status, &made);
    assert_eq!(made["message"], "邀请码生成成功");
    let code = made["data"]["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 16);
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(made["data"]["shop"], shop);
    assert_eq!(made["data"]["is_active"], true);
    assert_eq!(made["data"]["expires_at"], Value::Null);
    assert_eq!(
        (
            made["data"]["usage_limit"].clone(),
            made["data"]["usage_count"].clone()
        ),
        (json!(1), json!(0))
    );
    let (_, timed) = app
        .post(
            &create,
            json!({"expires_in_days": "7", "usage_limit": "3"}),
            Some(&owner),
        )
        .await;
    assert!(timed["data"]["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(timed["data"]["usage_limit"], 3);

    let join = "/shop/shop/join_by_code";
    let (status, body) = app
        .post(join, json!({"invitation_code": code}), Some(&customer))
        .await;
    assert_fail(status, &body, 403, 400);
    let (status, body) = app
        .post(join, json!({"invitation_code": code}), Some(&other_owner))
        .await;
    assert_fail(status, &body, 400, 300);
    let (status, body) = app
        .post(
            join,
            json!({"invitation_code": "ABCD1234"}),
            Some(&newcomer),
        )
        .await;
    assert_fail(status, &body, 400, 302);
    let (status, body) = app.post(join, json!({}), Some(&newcomer)).await;
    assert_fail(status, &body, 400, 302);

    let (status, joined) = app
        .post(join, json!({"invitation_code": code}), Some(&newcomer))
        .await;
    assert_ok(status, &joined);
    let emails: Vec<&str> = joined["data"]["sellers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["owner@example.com", "new@example.com"]);
    // The new seller now manages the shop.
    let (status, body) = add_product(
        &app,
        &newcomer,
        shop,
        json!({"name": "笔", "price": "2.50", "stock_quantity": 10}),
    )
    .await;
    assert_ok(status, &body);

    // Used up, and expired, codes are refused.
    let late = user(&app, "seller", "late@example.com").await;
    let (status, body) = app
        .post(join, json!({"invitation_code": code}), Some(&late))
        .await;
    assert_fail(status, &body, 400, 302);
    let timed_code = timed["data"]["code"].as_str().unwrap();
    app.db_writer()
        .execute(
            "UPDATE shop_invitations SET expires_us = 1 WHERE code = ?1",
            [timed_code],
        )
        .unwrap();
    let (status, body) = app
        .post(join, json!({"invitation_code": timed_code}), Some(&late))
        .await;
    assert_fail(status, &body, 400, 302);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_sellers_racing_for_a_two_use_code_let_in_two() {
    let app = spawn_app().await;
    let (owner, shop) = seller_with_shop(&app, "owner@example.com").await;
    let (_, made) = app
        .post(
            &format!("/shop/shop/{shop}/create_invitation_code"),
            json!({"usage_limit": 2}),
            Some(&owner),
        )
        .await;
    let code = made["data"]["code"].as_str().unwrap().to_string();
    let mut sellers = Vec::new();
    for n in 0..10 {
        sellers.push(user(&app, "seller", &format!("s{n}@example.com")).await);
    }
    let joins = sellers.iter().map(|token| {
        let request = app
            .client
            .post(app.url("/shop/shop/join_by_code"))
            .bearer_auth(token)
            .json(&json!({"invitation_code": code}));
        async move { common::json_of(request.send().await.unwrap()).await }
    });
    let answers = futures_util::future::join_all(joins).await;
    let joined = answers.iter().filter(|(s, _)| *s == 200).count();
    let refused = answers
        .iter()
        .filter(|(s, b)| *s == 400 && b["code"] == 302)
        .count();
    assert_eq!((joined, refused), (2, 8), "{answers:?}");
    let db = app.db();
    let (used, active): (i64, i64) = db
        .query_row(
            "SELECT usage_count, is_active FROM shop_invitations WHERE code = ?1",
            [&code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((used, active), (2, 0));
    let sellers: i64 = db
        .query_row(
            "SELECT count(*) FROM shop_sellers WHERE shop_id = ?1",
            [shop],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sellers, 3);
    app.stop().await;
}

#[tokio::test]
async fn products_are_added_with_images_changed_and_deleted_by_their_sellers() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (stranger, _) = seller_with_shop(&app, "stranger@example.com").await;
    let customer = user(&app, "customer", "c@example.com").await;
    let add_at = format!("/shop/shop/{shop}/product/add");

    // An image in the same multipart request.
    let form = Form::new()
        .text("name", "oppo A11 pro max")
        .text("description", "安卓手机")
        .text("price", "19.90")
        .text("stock_quantity", "2")
        .part("image", Part::bytes(PNG.to_vec()).file_name("屏幕截图.png"));
    let response = app
        .client
        .post(app.url(&add_at))
        .bearer_auth(&seller)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, created) = common::json_of(response).await;
    assert_ok(status, &created);
    assert_eq!(created["message"], "商品创建成功");
    let product = &created["data"];
    assert_eq!(product["shop"], shop);
    assert_eq!(product["price"], "19.90");
    assert_eq!(product["stock_quantity"], 2);
    assert_eq!(product["status"], "Available");
    let image = product["image"].as_str().unwrap();
    assert!(
        image.starts_with(&app.base) && image.contains("/files/"),
        "{image}"
    );
    let served = app.client.get(image).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let product_id = product["id"].as_i64().unwrap();

    // An image uploaded first, then named by its link.
    let form = Form::new().part("file", Part::bytes(PNG.to_vec()).file_name("p.png"));
    let response = app
        .client
        .post(app.url("/shop/upload"))
        .bearer_auth(&seller)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, uploaded) = common::json_of(response).await;
    assert_ok(status, &uploaded);
    let url = uploaded["data"]["url"].as_str().unwrap().to_string();

    // The same from a browser's FormData (a boundary with capitals), to
    // the upload and to product/add with fields beside the file.
    for (path, fields, field) in [
        ("/shop/upload".to_string(), vec![], "file"),
        (
            format!("/shop/shop/{shop}/product/add"),
            vec![
                ("name", "浏览器商品"),
                ("price", "12.50"),
                ("stock_quantity", "3"),
            ],
            "image",
        ),
    ] {
        let (content_type, body) = common::browser_multipart(&fields, (field, "blob.png", PNG));
        let response = app
            .client
            .post(app.url(&path))
            .bearer_auth(&seller)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, answer) = common::json_of(response).await;
        assert_ok(status, &answer);
        let image = answer["data"]["url"]
            .as_str()
            .or(answer["data"]["image"].as_str())
            .unwrap()
            .to_string();
        let served = app.client.get(&image).send().await.unwrap();
        assert_eq!(served.bytes().await.unwrap().as_ref(), PNG, "{path}");
        if path.ends_with("add") {
            assert_eq!(answer["data"]["name"], "浏览器商品");
            assert_eq!(answer["data"]["stock_quantity"], 3);
        }
    }
    let (status, linked) = add_product(&app, &seller, shop, json!({"name": "苹果手机", "description": "Iphone 16", "price": 9999.98, "stock_quantity": 999, "image": url})).await;
    assert_ok(status, &linked);
    assert_eq!(linked["data"]["image"], url.as_str());
    assert_eq!(linked["data"]["price"], "9999.98");
    let (status, plain) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "无图商品", "price": "1"}),
    )
    .await;
    assert_ok(status, &plain);
    assert_eq!(plain["data"]["image"], Value::Null);
    assert_eq!(
        plain["data"]["status"], "Sold Out",
        "no stock given means none"
    );

    let form = Form::new().part(
        "file",
        Part::bytes(b"not an image".to_vec()).file_name("x.png"),
    );
    let response = app
        .client
        .post(app.url("/shop/upload"))
        .bearer_auth(&seller)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_fail(status, &body, 400, 300);
    let form = Form::new().part("file", Part::bytes(PNG.to_vec()).file_name("p.png"));
    let response = app
        .client
        .post(app.url("/shop/upload"))
        .bearer_auth(&customer)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    for bad in [
        json!({"price": "1"}),
        json!({"name": "x"}),
        json!({"name": "x", "price": "abc"}),
        json!({"name": "x", "price": "-1"}),
        json!({"name": "x", "price": "1.234"}),
        json!({"name": "x", "price": "99999999"}),
        json!({"name": "x", "price": "1", "stock_quantity": -1}),
        json!({"name": "x", "price": "1", "stock_quantity": "lots"}),
        json!({"name": "x", "price": "1", "status": "Gone"}),
        json!({"name": "x", "price": "1", "image": "http://elsewhere.example/cat.png"}),
        json!({"name": "x", "price": "1", "image": "/files/9999"}),
        json!({"name": "x".repeat(101), "price": "1"}),
    ] {
        let (status, body) = add_product(&app, &seller, shop, bad.clone()).await;
        assert_fail(status, &body, 400, 300);
    }
    let (status, body) =
        add_product(&app, &customer, shop, json!({"name": "x", "price": "1"})).await;
    assert_fail(status, &body, 403, 400);
    let (status, body) =
        add_product(&app, &stranger, shop, json!({"name": "x", "price": "1"})).await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = add_product(&app, &seller, 999, json!({"name": "x", "price": "1"})).await;
    assert_fail(status, &body, 404, 300);

    // Update: the fields sent; only by the shop's sellers; only its products.
    let update = format!("/shop/shop/{shop}/product/{product_id}/update");
    let list_at = format!("/shop/shop/{shop}/products");
    let (_, listed) = app.get(&list_at, None).await;
    assert_eq!(listed["data"]["products"][0]["price"], "19.90");
    let (status, changed) = app
        .post(
            &update,
            json!({"price": "25", "status": "Unavailable"}),
            Some(&seller),
        )
        .await;
    assert_ok(status, &changed);
    assert_eq!(changed["data"]["price"], "25.00");
    assert_eq!(changed["data"]["status"], "Unavailable");
    assert_eq!(changed["data"]["name"], "oppo A11 pro max");
    let (_, listed) = app.get(&list_at, None).await;
    assert_eq!(
        listed["data"]["products"][0]["price"], "25.00",
        "an update shows in the list at once"
    );
    assert_eq!(changed["data"]["image"], product["image"]);
    let (_, back) = app
        .post(
            &update,
            json!({"status": "Available", "stock_quantity": 0}),
            Some(&seller),
        )
        .await;
    assert_eq!(back["data"]["status"], "Sold Out");
    let (status, body) = app
        .post(&update, json!({"price": "1"}), Some(&stranger))
        .await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = app
        .post(&update, json!({"price": "x"}), Some(&seller))
        .await;
    assert_fail(status, &body, 400, 300);
    let (status, body) = app
        .post(
            &format!("/shop/shop/{shop}/product/9999/update"),
            json!({"price": "1"}),
            Some(&seller),
        )
        .await;
    assert_fail(status, &body, 404, 300);
    let (status, info) = app
        .get(&format!("/shop/shop/{shop}/product/{product_id}"), None)
        .await;
    assert_ok(status, &info);
    assert_eq!(info["data"]["price"], "25.00");

    let delete = format!("/shop/shop/{shop}/product/{product_id}/delete");
    let (status, body) = app.post(&delete, json!({}), Some(&stranger)).await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = app.post(&delete, json!({}), Some(&seller)).await;
    assert_ok(status, &body);
    let (status, body) = app
        .get(&format!("/shop/shop/{shop}/product/{product_id}"), None)
        .await;
    assert_fail(status, &body, 404, 300);
    let (_, list) = app.get(&format!("/shop/shop/{shop}/products"), None).await;
    assert_eq!(list["data"]["count"], 3, "two plus the browser's product");
    app.stop().await;
}

/// Follows `next` from the first page to the end; returns every id seen.
async fn walk(app: &TestApp, first: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut url = app.url(first);
    let mut pages = 0;
    loop {
        let (status, body) = common::json_of(app.client.get(&url).send().await.unwrap()).await;
        assert_ok(status, &body);
        let data = &body["data"];
        let products = data["products"].as_array().unwrap();
        assert!(products.len() <= 10);
        ids.extend(products.iter().map(|p| p["id"].as_i64().unwrap()));
        pages += 1;
        if pages > 1 {
            let previous = data["previous"]
                .as_str()
                .expect("a previous link after page 1");
            assert!(previous.starts_with(&app.base), "{previous}");
        } else {
            assert_eq!(data["previous"], Value::Null);
        }
        match data["next"].as_str() {
            Some(next) => {
                assert!(next.starts_with("http://"), "absolute: {next}");
                assert_eq!(products.len(), 10);
                url = next.to_string();
            }
            None => return ids,
        }
    }
}

#[tokio::test]
async fn product_pages_link_to_the_end_and_search_and_sort() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (other, other_shop) = seller_with_shop(&app, "other@example.com").await;
    for n in 0..23 {
        let name = if n % 5 == 0 {
            format!("红色杯子{n}")
        } else {
            format!("商品{n}")
        };
        let (status, _) = add_product(
            &app,
            &seller,
            shop,
            json!({"name": name, "price": format!("{}.50", 30 - n), "stock_quantity": 5}),
        )
        .await;
        assert_eq!(status, 200);
    }
    for n in 0..4 {
        add_product(
            &app,
            &other,
            other_shop,
            json!({"name": format!("别家{n}"), "price": "1", "stock_quantity": 1}),
        )
        .await;
    }

    let (_, first) = app.get(&format!("/shop/shop/{shop}/products"), None).await;
    assert_eq!(first["message"], "查询返回成功");
    assert_eq!(first["data"]["count"], 23);
    assert_eq!(
        first["data"]["next"],
        format!("{}/shop/shop/{shop}/products?page=2", app.base)
    );
    let ids = walk(&app, &format!("/shop/shop/{shop}/products")).await;
    assert_eq!(ids.len(), 23);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first: {ids:?}");
    let all = walk(&app, "/shop/shop/products/").await;
    assert_eq!(all.len(), 27);

    let by_price = walk(&app, &format!("/shop/shop/{shop}/products?ordering=-price")).await;
    assert_eq!(by_price.len(), 23);
    assert_eq!(by_price[0], ids[0], "the dearest was added first");
    let (_, cheapest) = app
        .get(
            &format!("/shop/shop/{shop}/products?ordering=price&page=3"),
            None,
        )
        .await;
    assert_eq!(cheapest["data"]["products"].as_array().unwrap().len(), 3);
    assert_eq!(cheapest["data"]["products"][2]["price"], "30.50");
    assert!(
        cheapest["data"]["previous"]
            .as_str()
            .unwrap()
            .contains("ordering=price")
    );

    let (_, found) = app
        .get(&format!("/shop/shop/{shop}/products?q={}", "红色"), None)
        .await;
    assert_eq!(found["data"]["count"], 5);
    let (_, none) = app.get("/shop/shop/products?q=%25", None).await;
    assert_eq!(none["data"]["count"], 0, "% is matched literally");

    // Renaming a product out of a search shows in its count at once, and
    // a new description brings it back.
    let red = found["data"]["products"][0]["id"].as_i64().unwrap();
    let red_count = |app: &TestApp| {
        let path = format!("/shop/shop/{shop}/products?q={}", "红色");
        let client = app.client.get(app.url(&path));
        async move { common::json_of(client.send().await.unwrap()).await.1["data"]["count"].clone() }
    };
    let update = format!("/shop/shop/{shop}/product/{red}/update");
    let (status, body) = app
        .post(
            &update,
            json!({"name": "蓝色改名", "description": "蓝"}),
            Some(&seller),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(red_count(&app).await, 4);
    let (status, body) = app
        .post(
            &update,
            json!({"description": "其实是红色的"}),
            Some(&seller),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(red_count(&app).await, 5);

    let (status, body) = app
        .get(&format!("/shop/shop/{shop}/products?page=4"), None)
        .await;
    assert_fail(status, &body, 404, 300);
    for bad in ["page=0", "page=x", "ordering=name"] {
        let (status, body) = app
            .get(&format!("/shop/shop/{shop}/products?{bad}"), None)
            .await;
        assert_fail(status, &body, 400, 300);
    }
    let (status, body) = app.get("/shop/shop/999/products", None).await;
    assert_fail(status, &body, 404, 300);

    // A new product shows in the count at once.
    add_product(
        &app,
        &seller,
        shop,
        json!({"name": "新品", "price": "1", "stock_quantity": 1}),
    )
    .await;
    let (_, after) = app.get(&format!("/shop/shop/{shop}/products"), None).await;
    assert_eq!(after["data"]["count"], 24);
    app.stop().await;
}

/// Far pages are cut from the list's remembered order, read in the
/// background after the first far page: they answer what the index walk
/// answers, follow a sale's stock, a new price and a delete at once, and
/// every page of every ordering and filter shows the right rows and count.
#[tokio::test]
async fn far_pages_of_every_ordering_are_right_before_and_after_the_order_is_remembered() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (other, other_shop) = seller_with_shop(&app, "other@example.com").await;
    let customer = user(&app, "customer", "buyer@example.com").await;
    // (id, shop, price in cents, name); prices repeat, so ties are broken
    // by id as the orderings say.
    let mut products: Vec<(i64, i64, i64, String)> = Vec::new();
    let adds: Vec<_> = (0..1_025i64).map(|n| {
        let (token, at) = match n % 41 {
            0 => (&other, other_shop),
            _ => (&seller, shop),
        };
        let name = match n % 3 {
            0 => format!("红色杯子{n}"),
            _ => format!("商品{n}"),
        };
        let cents = 100 + n * 37 % 50 * 100;
        let app = &app;
        async move {
            let body = json!({"name": name, "price": format!("{}.00", cents / 100), "stock_quantity": 5});
            let (status, added) = add_product(app, token, at, body).await;
            assert_ok(status, &added);
            (added["data"]["id"].as_i64().unwrap(), at, cents, name)
        }
    }).collect();
    let mut adds = adds.into_iter();
    loop {
        let eight: Vec<_> = adds.by_ref().take(8).collect();
        if eight.is_empty() {
            break;
        }
        products.extend(futures_util::future::join_all(eight).await);
    }
    drop(adds);
    products.sort();
    let sold = products[700].0;

    let lists = [
        (format!("/shop/shop/{shop}/products"), Some(shop), ""),
        ("/shop/shop/products".to_string(), None, ""),
        (format!("/shop/shop/{shop}/products"), Some(shop), "红色"),
    ];
    let check_every_list = |products: Vec<(i64, i64, i64, String)>| {
        let (app, lists) = (&app, &lists);
        async move {
            for (path, in_shop, q) in lists {
                for ordering in ["id", "-id", "price", "-price"] {
                    let mut want: Vec<&(i64, i64, i64, String)> = products
                        .iter()
                        .filter(|p| in_shop.is_none_or(|s| p.1 == s) && p.3.contains(q))
                        .collect();
                    if ordering.ends_with("price") {
                        want.sort_by_key(|p| (p.2, p.0));
                    }
                    if ordering.starts_with('-') {
                        want.reverse();
                    }
                    let pages = (want.len() as i64 + 9) / 10;
                    for page in [1, 2, pages / 2, pages - 1, pages, pages + 1] {
                        let url = format!("{path}?ordering={ordering}&page={page}&q={q}");
                        let (status, body) = app.get(&url, None).await;
                        if page > pages {
                            assert_fail(status, &body, 404, 300);
                            continue;
                        }
                        assert_ok(status, &body);
                        assert_eq!(body["data"]["count"], want.len(), "{url}");
                        let got: Vec<(i64, String, i64)> = body["data"]["products"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|p| {
                                let price = p["price"].as_str().unwrap().replace('.', "");
                                (
                                    p["id"].as_i64().unwrap(),
                                    price,
                                    p["stock_quantity"].as_i64().unwrap(),
                                )
                            })
                            .collect();
                        let expected: Vec<(i64, String, i64)> = want
                            .iter()
                            .skip((page as usize - 1) * 10)
                            .take(10)
                            .map(|p| (p.0, p.2.to_string(), if p.0 == sold { 4 } else { 5 }))
                            .collect();
                        assert_eq!(got, expected, "{url}");
                    }
                }
            }
        }
    };
    let mut products_now = products.clone();
    let (status, body) = app
        .post(
            "/shop/order/create",
            json!({"product_id": sold, "quantity": 1}),
            Some(&customer),
        )
        .await;
    assert_ok(status, &body);
    check_every_list(products_now.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    check_every_list(products_now.clone()).await;

    // A new price and a delete show in the next page at once. Ids are
    // given in the order the adds finish, so the product at an index may
    // be the other shop's: take the seller's own from there on.
    let own_from = |products: &[(i64, i64, i64, String)], index: usize| {
        (index..products.len())
            .find(|&i| products[i].1 == shop)
            .expect("a product of the seller's shop")
    };
    let moved_at = own_from(&products_now, 300);
    let moved = products_now[moved_at].0;
    let (status, body) = app
        .post(
            &format!("/shop/shop/{shop}/product/{moved}/update"),
            json!({"price": "7.00"}),
            Some(&seller),
        )
        .await;
    assert_ok(status, &body);
    products_now[moved_at].2 = 700;
    let gone_at = own_from(&products_now, 900);
    let gone = products_now[gone_at].0;
    let (status, body) = app
        .post(
            &format!("/shop/shop/{shop}/product/{gone}/delete"),
            json!({}),
            Some(&seller),
        )
        .await;
    assert_ok(status, &body);
    products_now.remove(gone_at);
    check_every_list(products_now.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    check_every_list(products_now).await;
    app.stop().await;
}

#[tokio::test]
async fn customers_buy_and_sellers_see_their_shops_orders() {
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

    let buy = "/shop/order/create";
    let (status, body) = app.post(buy, json!({"product_id": product_id}), None).await;
    assert_fail(status, &body, 401, 401);
    let (status, body) = app
        .post(buy, json!({"product_id": product_id}), Some(&seller))
        .await;
    assert_fail(status, &body, 403, 400);
    for bad in [
        json!({}),
        json!({"product_id": "x"}),
        json!({"product_id": product_id, "quantity": 0}),
        json!({"product_id": product_id, "quantity": "two"}),
    ] {
        let (status, body) = app.post(buy, bad, Some(&customer)).await;
        assert_fail(status, &body, 400, 300);
    }
    let (status, body) = app
        .post(buy, json!({"product_id": 9999}), Some(&customer))
        .await;
    assert_fail(status, &body, 404, 300);
    let (status, body) = app
        .post(
            buy,
            json!({"product_id": product_id, "quantity": 4}),
            Some(&customer),
        )
        .await;
    assert_fail(status, &body, 400, 300);

    let list_at = format!("/shop/shop/{shop}/products");
    let (_, before) = app.get(&list_at, None).await;
    assert_eq!(before["data"]["products"][0]["stock_quantity"], 3);
    let (status, order) = app
        .post(
            buy,
            json!({"product_id": product_id.to_string(), "quantity": "2"}),
            Some(&customer),
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
    let (status, _) = app
        .post(buy, json!({"product_id": product_id}), Some(&customer))
        .await;
    assert_eq!(status, 200);
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
    let (status, body) = app
        .post(buy, json!({"product_id": product_id}), Some(&customer))
        .await;
    assert_fail(status, &body, 400, 300);
    assert_eq!(body["message"], "商品已售罄");

    // Off sale: not for sale whatever the stock.
    let (_, hidden) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "样品", "price": "1", "stock_quantity": 5, "status": "Unavailable"}),
    )
    .await;
    let (status, body) = app
        .post(
            buy,
            json!({"product_id": hidden["data"]["id"]}),
            Some(&customer),
        )
        .await;
    assert_fail(status, &body, 400, 300);

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

    // Deleting the product leaves the orders as they were.
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

// ---- the original front-end's requests (Vue 3 + axios: JSON, trailing
// slashes, Django's X-CSRFToken header)

/// What the front-end's `server.ts` sends: JSON to a path with a trailing
/// slash, the CSRF header Django wanted, the session cookie.
async fn axios(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method.clone(), app.url(&format!("/shop{path}/")))
        .header("cookie", format!("onebox_shop={token}; csrftoken=abc123"))
        .header("x-csrftoken", "abc123");
    if method != reqwest::Method::GET {
        request = request.json(&body);
    }
    common::json_of(request.send().await.unwrap()).await
}

#[tokio::test]
async fn the_cart_holds_lines_by_shop_and_only_their_customer_changes_them() {
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
    use reqwest::Method;

    let (status, added) = axios(
        &app,
        Method::POST,
        "/cart/add",
        &buyer,
        json!({"product_id": tea, "quantity": 1}),
    )
    .await;
    assert_ok(status, &added);
    assert_eq!(added["data"]["product"]["name"], "茶", "{added}");
    // One revision of the front-end sends productId; the line grows.
    let (status, again) = axios(
        &app,
        Method::POST,
        "/cart/add",
        &buyer,
        json!({"productId": tea, "quantity": 2}),
    )
    .await;
    assert_ok(status, &again);
    assert_eq!(again["data"]["quantity"], 3);
    let item = again["data"]["id"].as_i64().unwrap();

    let (status, cart) = axios(&app, Method::GET, "/cart", &buyer, Value::Null).await;
    assert_ok(status, &cart);
    let line = &cart["data"]["shops"][0];
    assert_eq!(line["shop_id"], shop, "{cart}");
    assert_eq!(
        (
            &line["items"][0]["item_id"],
            &line["items"][0]["price"],
            &line["items"][0]["total_price"],
            &line["items"][0]["product_stock_quantity"]
        ),
        (&json!(item), &json!("19.90"), &json!("59.70"), &json!(5))
    );

    // Someone else's line is not found; a seller has no cart.
    let other = user(&app, "customer", "other@example.com").await;
    let (status, body) = axios(
        &app,
        Method::PUT,
        "/cart/update",
        &other,
        json!({"item_id": item, "quantity": 1}),
    )
    .await;
    assert_fail(status, &body, 404, 300);
    let (status, body) = axios(&app, Method::GET, "/cart", &seller, Value::Null).await;
    assert_fail(status, &body, 403, 400);

    let (status, updated) = axios(
        &app,
        Method::PUT,
        "/cart/update",
        &buyer,
        json!({"item_id": item, "quantity": 4}),
    )
    .await;
    assert_ok(status, &updated);
    assert_eq!(updated["data"]["quantity"], 4);
    let (status, removed) = axios(
        &app,
        Method::PUT,
        "/cart/update",
        &buyer,
        json!({"item_id": item, "quantity": 0}),
    )
    .await;
    assert_ok(status, &removed);
    assert_eq!(
        axios(&app, Method::GET, "/cart", &buyer, Value::Null)
            .await
            .1["data"]["shops"],
        json!([])
    );
    axios(
        &app,
        Method::POST,
        "/cart/add",
        &buyer,
        json!({"product_id": tea}),
    )
    .await;
    let item = axios(&app, Method::GET, "/cart", &buyer, Value::Null)
        .await
        .1["data"]["shops"][0]["items"][0]["item_id"]
        .clone();
    let (status, body) = axios(
        &app,
        Method::DELETE,
        "/cart/delete",
        &buyer,
        json!({"item_id": item}),
    )
    .await;
    assert_ok(status, &body);
    assert_eq!(
        axios(&app, Method::GET, "/cart", &buyer, Value::Null)
            .await
            .1["data"]["shops"],
        json!([])
    );
    app.stop().await;
}

#[tokio::test]
async fn categories_are_listed_and_pick_a_shops_products() {
    let app = spawn_app().await;
    let (status, all) = app.get("/shop/shop/category_list/", None).await;
    assert_ok(status, &all);
    assert_eq!(all["data"]["categories"].as_array().unwrap().len(), 10);
    assert_eq!(all["data"]["categories"][0]["id"], 1);
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let food = json!({"name": "饼干", "price": "9.90", "stock_quantity": 5, "category": 5});
    let (status, body) = add_product(&app, &seller, shop, food).await;
    assert_ok(status, &body);
    assert_eq!(body["data"]["category"], 5);
    let (status, _) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "无类", "price": "1", "stock_quantity": 1}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = add_product(
        &app,
        &seller,
        shop,
        json!({"name": "x", "price": "1", "category": 11}),
    )
    .await;
    assert_fail(status, &body, 400, 300);

    let (_, picked) = app
        .get(
            &format!("/shop/shop/{shop}/products/?page=1&category=5"),
            None,
        )
        .await;
    assert_eq!(picked["data"]["count"], 1, "{picked}");
    assert_eq!(picked["data"]["products"][0]["name"], "饼干");
    let (_, of_shop) = app
        .get(&format!("/shop/shop/{shop}/category_list/"), None)
        .await;
    assert_eq!(
        of_shop["data"]["categories"],
        json!([{"id": 5, "name": "食品饮料"}])
    );
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_takes_the_original_servers_field_names_too() {
    let app = spawn_app().await;
    let token = user(&app, "customer", "buyer@example.com").await;
    let (status, body) = axios(
        &app,
        reqwest::Method::POST,
        "/user/change-password",
        &token,
        json!({"old_password": PASSWORD, "password": "brand-new-9", "password_confirm": "brand-new-9"}),
    )
    .await;
    assert_ok(status, &body);
    assert_eq!(login(&app, "buyer@example.com", "brand-new-9").await.0, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_sellers_profile_names_their_shop() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (_, profile) = app.get("/shop/user/profile/", Some(&seller)).await;
    assert_eq!(profile["data"]["shop"], shop, "{profile}");
    let buyer = user(&app, "customer", "buyer@example.com").await;
    let (_, profile) = app.get("/shop/user/profile/", Some(&buyer)).await;
    assert_eq!(profile["data"]["shop"], Value::Null, "{profile}");
    app.stop().await;
}

#[tokio::test]
async fn under_compat_the_shop_list_is_a_page_with_its_totals() {
    let app = common::spawn_app_with(&["--compat", "shop"]).await;
    for n in 0..11 {
        seller_with_shop(&app, &format!("seller{n}@example.com")).await;
    }
    let (status, first) = app.get("/shop/shop/", None).await;
    assert_ok(status, &first);
    let data = &first["data"];
    assert_eq!(
        (
            &data["count"],
            &data["total_count"],
            &data["total_page"],
            &data["cur_page"]
        ),
        (&json!(11), &json!(11), &json!(2), &json!(1))
    );
    assert_eq!(data["shops"].as_array().unwrap().len(), 10);
    assert!(data["next"].as_str().unwrap().ends_with("page=2"), "{data}");
    let (_, second) = app.get("/shop/shop/?page=2", None).await;
    assert_eq!(second["data"]["shops"].as_array().unwrap().len(), 1);
    assert_eq!(second["data"]["next"], Value::Null);
    app.stop().await;
}
