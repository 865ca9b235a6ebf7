//! Shops and invitation codes: created, listed and shown; codes admit sellers within their limits.

use super::*;

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
