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

/// A shop's owner, another shop's owner, a customer and a seller with no
/// shop yet.
struct Invitations {
    app: TestApp,
    owner: String,
    shop: i64,
    other_owner: String,
    customer: String,
    newcomer: String,
}

const JOIN: &str = "/shop/shop/join_by_code";

async fn invitations() -> Invitations {
    let app = spawn_app().await;
    let (owner, shop) = seller_with_shop(&app, "owner@example.com").await;
    let (other_owner, _) = seller_with_shop(&app, "other@example.com").await;
    let customer = user(&app, "customer", "c@example.com").await;
    let newcomer = user(&app, "seller", "new@example.com").await;
    Invitations {
        app,
        owner,
        shop,
        other_owner,
        customer,
        newcomer,
    }
}

impl Invitations {
    /// `token` asks for a code to the shop; the answer.
    async fn create(&self, body: Value, token: &str) -> (u16, Value) {
        let path = format!("/shop/shop/{}/create_invitation_code", self.shop);
        self.app.post(&path, body, Some(token)).await
    }

    /// The owner's code with the defaults (one use, no expiry).
    async fn code(&self) -> String {
        let (status, made) = self.create(json!({}), &self.owner).await;
        assert_ok(status, &made);
        made["data"]["code"].as_str().unwrap().to_string()
    }

    async fn join(&self, code: &str, token: &str) -> (u16, Value) {
        self.app
            .post(JOIN, json!({"invitation_code": code}), Some(token))
            .await
    }
}

#[tokio::test]
async fn only_the_shops_own_seller_makes_codes_and_a_bad_limit_is_refused() {
    let at = invitations().await;
    let (status, body) = at.create(json!({}), &at.customer).await;
    assert_fail(status, &body, 403, 400);
    let (status, body) = at.create(json!({}), &at.other_owner).await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = at.create(json!({}), &at.newcomer).await;
    assert_fail(status, &body, 403, 301);
    let (status, body) = at
        .app
        .post(
            "/shop/shop/999/create_invitation_code",
            json!({}),
            Some(&at.owner),
        )
        .await;
    assert_fail(status, &body, 404, 300);
    for bad in [
        json!({"usage_limit": 0}),
        json!({"usage_limit": "many"}),
        json!({"expires_in_days": -1}),
    ] {
        let (status, body) = at.create(bad, &at.owner).await;
        assert_fail(status, &body, 400, 300);
    }
}

#[tokio::test]
async fn a_code_is_sixteen_letters_or_digits_for_one_use_unless_told_otherwise() {
    let at = invitations().await;
    let (status, made) = at.create(json!({}), &at.owner).await;
    assert_ok(status, &made);
    assert_eq!(made["message"], "邀请码生成成功");
    let code = made["data"]["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 16);
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(made["data"]["shop"], at.shop);
    assert_eq!(made["data"]["is_active"], true);
    assert_eq!(made["data"]["expires_at"], Value::Null);
    assert_eq!(
        (
            made["data"]["usage_limit"].clone(),
            made["data"]["usage_count"].clone()
        ),
        (json!(1), json!(0))
    );
    let (_, timed) = at
        .create(
            json!({"expires_in_days": "7", "usage_limit": "3"}),
            &at.owner,
        )
        .await;
    assert!(timed["data"]["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(timed["data"]["usage_limit"], 3);
}

#[tokio::test]
async fn only_a_seller_without_the_shop_joins_and_only_by_a_known_code() {
    let at = invitations().await;
    let code = at.code().await;
    let (status, body) = at.join(&code, &at.customer).await;
    assert_fail(status, &body, 403, 400);
    let (status, body) = at.join(&code, &at.other_owner).await;
    assert_fail(status, &body, 400, 300);
    let (status, body) = at.join("ABCD1234", &at.newcomer).await;
    assert_fail(status, &body, 400, 302);
    let (status, body) = at.app.post(JOIN, json!({}), Some(&at.newcomer)).await;
    assert_fail(status, &body, 400, 302);
}

#[tokio::test]
async fn a_seller_who_joins_by_code_manages_the_shop() {
    let at = invitations().await;
    let code = at.code().await;
    let (status, joined) = at.join(&code, &at.newcomer).await;
    assert_ok(status, &joined);
    let emails: Vec<&str> = joined["data"]["sellers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["owner@example.com", "new@example.com"]);
    let (status, body) = add_product(
        &at.app,
        &at.newcomer,
        at.shop,
        json!({"name": "笔", "price": "2.50", "stock_quantity": 10}),
    )
    .await;
    assert_ok(status, &body);
}

#[tokio::test]
async fn a_used_up_or_expired_code_is_refused() {
    let at = invitations().await;
    let code = at.code().await;
    let (status, joined) = at.join(&code, &at.newcomer).await;
    assert_ok(status, &joined);
    let late = user(&at.app, "seller", "late@example.com").await;
    let (status, body) = at.join(&code, &late).await;
    assert_fail(status, &body, 400, 302);
    let (_, timed) = at
        .create(
            json!({"expires_in_days": "7", "usage_limit": "3"}),
            &at.owner,
        )
        .await;
    let timed_code = timed["data"]["code"].as_str().unwrap();
    at.app
        .db_writer()
        .execute(
            "UPDATE shop_invitations SET expires_us = 1 WHERE code = ?1",
            [timed_code],
        )
        .unwrap();
    let (status, body) = at.join(timed_code, &late).await;
    assert_fail(status, &body, 400, 302);
    at.app.stop().await;
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
