//! The rental domain over real HTTP: accounts, listings with every filter
//! and ordering, uploads, the request → deal flow with its owner checks,
//! statistics, bad input, and 20 accepts racing for one house.

mod common;

use common::{TestApp, assert_no_secrets, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const PASSWORD: &str = "secret-pass-1";

fn assert_ok(body: &Value) -> &Value {
    assert_eq!(body["state"], 1, "expected success: {body}");
    assert!(body.get("error_msg").is_none(), "{body}");
    body
}

fn assert_failed(body: &Value, part: &str) {
    assert_eq!(body["state"], 0, "{body}");
    let message = body["error_msg"].as_str().unwrap_or_default();
    assert!(message.contains(part), "{part:?} not in {body}");
}

/// POST with an optional session token; HTTP 200 expected.
async fn call(app: &TestApp, path: &str, body: Value, token: Option<&str>) -> Value {
    let (status, body) = app.post(&format!("/rental{path}"), body, token).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn user_fields(username: &str) -> Value {
    json!({"username": username, "password": PASSWORD, "name": "张三", "id_type": "身份证",
           "id_number": "110101199001011234", "phone": "13800000000", "city": "北京"})
}

/// Registers and logs in; returns the session token (the cookie's value).
async fn user(app: &TestApp, username: &str) -> String {
    let body = call(app, "/operation/register", user_fields(username), None).await;
    assert_eq!(body, json!({"state": 1, "success": true}));
    login(app, username, PASSWORD).await
}

async fn login(app: &TestApp, username: &str, password: &str) -> String {
    let response = app
        .client
        .post(app.url("/rental/operation/login"))
        .json(&json!({"username": username, "password": password}))
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
    let (_, body) = common::json_of(response).await;
    let token = cookie
        .strip_prefix("onebox_rental=")
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string();
    // The token also at the top level, for browsers that refuse the cookie.
    assert_eq!(body, json!({"state": 1, "success": true, "token": token}));
    token
}

fn house(district: &str, kind: &str, area: Value, floor: i64, elevator: i64, cost: Value) -> Value {
    json!({"district": district, "community": "小区", "unit": "1单元", "type": kind, "area": area,
           "floor": floor, "elevator": elevator, "description": "描述", "imgs": ["/files/1"],
           "deposit": 1000, "pay_method": "月", "cost": cost, "tag": "独卫_近地铁"})
}

async fn add_house(app: &TestApp, token: &str, fields: Value) -> i64 {
    let body = call(app, "/data/addhouse", fields, Some(token)).await;
    assert_ok(&body)["house_id"].as_i64().unwrap()
}

fn demand(district: &str, kind: &str, floor: i64, elevator: i64, cost: i64) -> Value {
    json!({"district": district, "community": "小区", "type": kind, "floor": floor, "elevator": elevator,
           "description": "想租", "deposit": 1000, "pay_method": "月", "cost": cost})
}

async fn add_demand(app: &TestApp, token: &str, fields: Value) -> i64 {
    let body = call(app, "/data/addrental", fields, Some(token)).await;
    assert_ok(&body)["rental_id"].as_i64().unwrap()
}

/// The ids a list answers, in order, and its total.
async fn house_ids(app: &TestApp, path: &str, query: Value) -> (Vec<i64>, i64) {
    let body = call(app, path, query, None).await;
    let items = assert_ok(&body)["houses"].as_array().unwrap();
    let ids = items.iter().map(|h| h["id"].as_i64().unwrap()).collect();
    (ids, body["total"].as_i64().unwrap())
}

#[tokio::test]
async fn accounts_register_log_in_and_change_their_details() {
    let app = spawn_app().await;
    let body = call(
        &app,
        "/query/user-exist",
        json!({"username": "alice"}),
        None,
    )
    .await;
    assert_eq!(body, json!({"state": 1, "exist": false}));
    let token = user(&app, "alice").await;
    let body = call(
        &app,
        "/query/user-exist",
        json!({"username": "alice"}),
        None,
    )
    .await;
    assert_eq!(body["exist"], true);

    let body = call(&app, "/operation/register", user_fields("alice"), None).await;
    assert_eq!(
        body,
        json!({"state": 0, "success": false, "error_msg": "用户名已存在"})
    );
    let mut bad_phone = user_fields("bob");
    bad_phone["phone"] = json!("1380000");
    let body = call(&app, "/operation/register", bad_phone, None).await;
    assert_eq!(body["success"], false);
    assert_failed(&body, "11 位");
    let mut missing = user_fields("bob");
    missing.as_object_mut().unwrap().remove("city");
    assert_failed(
        &call(&app, "/operation/register", missing, None).await,
        "city",
    );
    let mut short = user_fields("bob");
    short["password"] = json!("short");
    assert_failed(
        &call(&app, "/operation/register", short, None).await,
        "at least 8",
    );

    let body = call(&app, "/data/user-info", json!({}), Some(&token)).await;
    assert_ok(&body);
    assert_eq!(body["username"], "alice");
    assert_eq!(body["register_city"], "北京");
    assert_eq!(body["grade"], "普通用户");
    assert_eq!(body["phone"], "13800000000");
    let date = body["register_time"].as_str().unwrap();
    assert!(
        date.split('/').count() == 3 && !date.contains("/0"),
        "{date}"
    );
    assert_no_secrets(&body, &[PASSWORD]);
    assert_failed(
        &call(&app, "/data/user-info", json!({}), None).await,
        "请先登录",
    );

    let body = call(
        &app,
        "/operation/login",
        json!({"username": "alice", "password": "wrong-pass"}),
        None,
    )
    .await;
    assert_eq!(
        body,
        json!({"state": 0, "success": false, "error_msg": "用户名或密码错误"})
    );

    assert_ok(
        &call(
            &app,
            "/modify/phone",
            json!({"phone": "13912345678"}),
            Some(&token),
        )
        .await,
    );
    assert_failed(
        &call(
            &app,
            "/modify/phone",
            json!({"phone": "139123456789"}),
            Some(&token),
        )
        .await,
        "11 位",
    );
    let body = call(&app, "/data/user-info", json!({}), Some(&token)).await;
    assert_eq!(body["phone"], "13912345678");

    let other = login(&app, "alice", PASSWORD).await;
    assert_ok(
        &call(
            &app,
            "/modify/password",
            json!({"password": "new-password-2"}),
            Some(&token),
        )
        .await,
    );
    assert_failed(
        &call(&app, "/data/user-info", json!({}), Some(&other)).await,
        "请先登录",
    );
    assert_ok(&call(&app, "/data/user-info", json!({}), Some(&token)).await);
    login(&app, "alice", "new-password-2").await;

    let response = app
        .client
        .post(app.url("/rental/operation/logout"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let cleared = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cleared.starts_with("onebox_rental=;") && cleared.contains("Max-Age=0"),
        "logout clears the cookie: {cleared}"
    );
    assert_ok(&common::json_of(response).await.1);
    assert_failed(
        &call(&app, "/data/user-info", json!({}), Some(&token)).await,
        "请先登录",
    );
    app.stop().await;
}

#[tokio::test]
async fn house_lists_filter_order_and_page_as_documented() {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let h1 = add_house(
        &app,
        &owner,
        house("北京市海淀区学院路", "一居", json!(40), 3, 0, json!(3000)),
    )
    .await;
    let h2 = add_house(
        &app,
        &owner,
        house("北京市朝阳区望京", "二居", json!(80), 10, 1, json!(6000)),
    )
    .await;
    let h3 = add_house(
        &app,
        &owner,
        house("山东省青岛市崂山区", "三居", json!(120), 20, 1, json!(4000)),
    )
    .await;
    let h4 = add_house(
        &app,
        &owner,
        house("上海浦东新区", "五居", json!(200), 1, 0, json!(20000)),
    )
    .await;
    let h5 = add_house(
        &app,
        &owner,
        house(
            "北京市海淀区西土城路",
            "两居",
            json!("60.5"),
            6,
            1,
            json!("4500.5"),
        ),
    )
    .await;
    let list = |query: Value| house_ids(&app, "/gethouselist", query);

    assert_eq!(
        list(json!({})).await,
        (vec![h5, h4, h3, h2, h1], 5),
        "newest first"
    );
    assert_eq!(
        list(json!({"district": "北京"})).await,
        (vec![h5, h2, h1], 3)
    );
    assert_eq!(list(json!({"district": "海淀"})).await, (vec![h5, h1], 2));
    assert_eq!(
        list(json!({"range_of_prices": [4000, 6000]})).await,
        (vec![h5, h3, h2], 3)
    );
    assert_eq!(list(json!({"range_of_prices": "4000,6000"})).await.1, 3);
    assert_eq!(
        list(json!({"range_of_area": [50, 100]})).await,
        (vec![h5, h2], 2)
    );
    assert_eq!(
        list(json!({"range_of_area": [null, 60]})).await,
        (vec![h1], 1)
    );
    assert_eq!(
        list(json!({"range_of_floor": [5, 15]})).await,
        (vec![h5, h2], 2)
    );
    assert_eq!(list(json!({"house_type": 2})).await, (vec![h5, h2], 2));
    assert_eq!(list(json!({"house_type": 4})).await, (vec![h4], 1));
    assert_eq!(list(json!({"house_type": 1})).await, (vec![h1], 1));
    assert_eq!(list(json!({"elevator": 1})).await, (vec![h5, h3, h2], 3));
    assert_eq!(list(json!({"elevator": 2})).await, (vec![h4, h1], 2));
    assert_eq!(
        list(json!({"orderby": 1})).await.0,
        vec![h1, h3, h5, h2, h4]
    );
    assert_eq!(
        list(json!({"orderby": 2})).await.0,
        vec![h4, h2, h5, h3, h1]
    );
    assert_eq!(
        list(json!({"orderby": 3})).await.0,
        vec![h1, h5, h2, h3, h4]
    );
    assert_eq!(
        list(json!({"orderby": 4})).await.0,
        vec![h4, h3, h2, h5, h1]
    );
    assert_eq!(
        list(json!({"district": "北京", "elevator": 1, "orderby": 2, "range_of_floor": [0, 50]}))
            .await,
        (vec![h2, h5], 2)
    );
    // Totals of full pages are counted: by SQLite first, then by the
    // in-memory copy built meanwhile (each round uses filters not seen
    // before, with a floor range that matches every house).
    let expected = [
        (json!({}), 5),
        (json!({"district": "北京"}), 3),
        (json!({"range_of_prices": [4000, 6000]}), 3),
        (json!({"range_of_area": [50, 100]}), 2),
        (json!({"house_type": 2, "elevator": 1}), 2),
        (json!({"elevator": 2, "range_of_area": [null, 60]}), 1),
        (json!({"district": "海淀", "orderby": 4}), 2),
    ];
    for round in 0..3 {
        for (filters, total) in &expected {
            let mut query = filters.clone();
            query["page_size"] = json!(1);
            query["range_of_floor"] = json!([-5 - round, 100 + round]);
            assert_eq!(list(query).await.1, *total, "round {round}: {filters}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Pages: 0-based seq.
    assert_eq!(
        list(json!({"seq": 0, "page_size": 2, "orderby": 1})).await,
        (vec![h1, h3], 5)
    );
    assert_eq!(
        list(json!({"seq": 2, "page_size": 2, "orderby": 1})).await,
        (vec![h4], 5)
    );
    assert_eq!(list(json!({"seq": 3, "page_size": 2})).await, (vec![], 5));
    assert_eq!(
        list(json!({"seq": "1"})).await,
        (vec![], 5),
        "pages of 10 by default"
    );

    // The item shape: both ids, tags as an array, absolute image links.
    let body = call(
        &app,
        "/gethouselist",
        json!({"house_type": 2, "orderby": 1}),
        None,
    )
    .await;
    let item = &body["houses"][0];
    assert_eq!(item["house_id"], h5);
    assert_eq!(item["tag"], json!(["独卫", "近地铁"]));
    assert_eq!(item["area"], 60.5);
    assert_eq!(item["price"], 4500.5);
    assert_eq!(item["elevator"], 1);
    assert_eq!(item["house_type"], 2);
    assert_eq!(item["img"], format!("{}/files/1", app.base));

    // Form bodies work like JSON.
    let (_, body) = app
        .post_form(
            "/rental/gethouselist",
            &[("district", "海淀"), ("orderby", "2")],
            None,
        )
        .await;
    let ids: Vec<i64> = body["houses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![h5, h1]);

    // Bad filters are refused, not ignored.
    for (query, part) in [
        (json!({"orderby": 5}), "orderby"),
        (json!({"house_type": -1}), "house_type"),
        (json!({"elevator": 3}), "elevator"),
        (json!({"range_of_prices": [6000, 4000]}), "range_of_prices"),
        (json!({"range_of_area": "abc"}), "range_of_area"),
        (json!({"range_of_floor": [1, 2, 3]}), "range_of_floor"),
        (json!({"seq": -1}), "seq"),
        (json!({"page_size": 1000}), "page_size"),
    ] {
        assert_failed(&call(&app, "/gethouselist", query, None).await, part);
    }

    // A change to the houses shows in the next total at once.
    add_house(
        &app,
        &owner,
        house("北京市西城区", "一居", json!(30), 2, 0, json!(2500)),
    )
    .await;
    assert_eq!(list(json!({"district": "北京"})).await.1, 4);
    assert_ok(&call(&app, "/delete/house/", json!({"id": h1}), Some(&owner)).await);
    assert_eq!(list(json!({"district": "北京"})).await.1, 3);
    app.stop().await;
}

/// Pages of a search answer the same whether SQLite walks its index or
/// they are cut from the copy of the houses held in memory (built after
/// the first list), and a change shows in the next page at once.
#[tokio::test]
async fn every_page_of_every_ordering_is_the_same_from_sqlite_and_from_the_copy() {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    // (id, cost, area, district): costs and areas repeat, so ties are
    // broken by id as the seed's orderings say.
    let mut houses: Vec<(i64, i64, i64, &str)> = Vec::new();
    for n in 0..23i64 {
        let (cost, area) = (1000 + n * 7 % 5 * 500, 30 + n * 11 % 4 * 20);
        let district = ["北京市海淀区", "北京市朝阳区", "上海浦东新区"][(n % 3) as usize];
        let fields = house(district, "一居", json!(area), 3, 0, json!(cost));
        houses.push((add_house(&app, &owner, fields).await, cost, area, district));
    }
    let expected =
        |houses: &[(i64, i64, i64, &str)], orderby: i64, district: &str, prices: (i64, i64)| {
            let mut found: Vec<_> = houses
                .iter()
                .filter(|h| h.3.contains(district) && (prices.0..=prices.1).contains(&h.1))
                .copied()
                .collect();
            match orderby {
                1 | 2 => found.sort_by_key(|h| (h.1, h.0)),
                3 | 4 => found.sort_by_key(|h| (h.2, h.0)),
                _ => found.sort_by_key(|h| -h.0),
            }
            if orderby == 2 || orderby == 4 {
                found.reverse();
            }
            found.into_iter().map(|h| h.0).collect::<Vec<i64>>()
        };
    let searches = [
        ("", (0, 100_000)),
        ("海淀", (0, 100_000)),
        ("北京", (1500, 2500)),
    ];
    let every_page = |houses: Vec<(i64, i64, i64, &'static str)>| {
        let app = &app;
        async move {
            for (district, prices) in searches {
                for orderby in 0..=4 {
                    let want = expected(&houses, orderby, district, prices);
                    for seq in 0..8 {
                        let query = json!({"district": district, "orderby": orderby, "seq": seq, "page_size": 4,
                                           "range_of_prices": [prices.0, prices.1]});
                        let page: Vec<i64> = want.iter().skip(seq * 4).take(4).copied().collect();
                        assert_eq!(
                            house_ids(app, "/gethouselist", query.clone()).await,
                            (page, want.len() as i64),
                            "{query}"
                        );
                    }
                }
            }
        }
    };
    every_page(houses.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    every_page(houses.clone()).await;

    // A new price moves the house in the very next page, copy or not.
    let (moved, _, area, district) = houses[4];
    let mut changed = house(district, "一居", json!(area), 3, 0, json!(99_000));
    changed["house_id"] = json!(moved);
    assert_ok(&call(&app, "/modify/house", changed, Some(&owner)).await);
    houses[4].1 = 99_000;
    every_page(houses.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    every_page(houses).await;
    app.stop().await;
}

#[tokio::test]
async fn demand_lists_filter_and_order_and_leave_out_closed_demands() {
    let app = spawn_app().await;
    let tenant = user(&app, "tenant").await;
    let owner = user(&app, "owner").await;
    let d1 = add_demand(&app, &tenant, demand("北京市海淀区", "一居", 3, 0, 3000)).await;
    let d2 = add_demand(&app, &tenant, demand("北京市朝阳区", "二居", 8, 1, 6000)).await;
    let d3 = add_demand(&app, &tenant, demand("上海浦东新区", "三居", 12, 1, 4500)).await;
    let list = |query: Value| house_ids(&app, "/getrentallist", query);
    assert_eq!(list(json!({})).await, (vec![d3, d2, d1], 3));
    assert_eq!(list(json!({"district": "北京"})).await, (vec![d2, d1], 2));
    assert_eq!(list(json!({"orderby": 1})).await.0, vec![d1, d3, d2]);
    assert_eq!(list(json!({"orderby": 2})).await.0, vec![d2, d3, d1]);
    assert_eq!(list(json!({"house_type": 3})).await.0, vec![d3]);
    assert_eq!(list(json!({"elevator": 2})).await.0, vec![d1]);
    assert_eq!(list(json!({"range_of_floor": [5, 10]})).await.0, vec![d2]);
    assert_failed(
        &call(&app, "/getrentallist", json!({"orderby": 3}), None).await,
        "orderby",
    );
    let body = call(&app, "/getrentallist", json!({"house_type": 2}), None).await;
    assert_eq!(body["houses"][0]["rental_id"], d2);
    assert_eq!(body["houses"][0]["price"], 6000);

    let body = call(&app, "/data/rental-info", json!({"rental_id": d2}), None).await;
    assert_ok(&body);
    assert_eq!(body["district"], "北京市朝阳区");
    assert_eq!(body["cost"], 6000);
    assert_eq!(body["rental_state"], "未成交");
    assert_failed(
        &call(&app, "/data/rental-info", json!({"rental_id": 999}), None).await,
        "不存在",
    );

    // An accepted offer closes the demand: it leaves the list.
    let house_id = add_house(
        &app,
        &owner,
        house("北京市朝阳区", "二居", json!(70), 8, 1, json!(5800)),
    )
    .await;
    let body = call(
        &app,
        "/operation/provide-house/",
        json!({"house_id": house_id, "rental_id": d2}),
        Some(&owner),
    )
    .await;
    let request = assert_ok(&body)["id"].as_i64().unwrap();
    let body = call(
        &app,
        "/query/provide-notification",
        json!({}),
        Some(&tenant),
    )
    .await;
    assert_eq!(body["data"][0]["id"], request);
    assert_eq!(body["data"][0]["username"], "owner");
    assert_eq!(body["data"][0]["rental_id"], d2);
    assert_eq!(body["data"][0]["location"], "北京市朝阳区小区1单元");
    assert_ok(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": request}),
            Some(&tenant),
        )
        .await,
    );
    assert_eq!(list(json!({})).await, (vec![d3, d1], 2));
    let body = call(&app, "/data/user-asked", json!({}), Some(&tenant)).await;
    let states: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["未成交", "已成交", "未成交"]);
    app.stop().await;
}

#[tokio::test]
async fn houses_and_demands_are_changed_and_deleted_by_their_owner_only() {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let other = user(&app, "other").await;
    let h = add_house(
        &app,
        &owner,
        house("北京市海淀区", "二居", json!(80), 5, 1, json!(5000)),
    )
    .await;
    let d = add_demand(&app, &owner, demand("北京市海淀区", "一居", 5, 1, 3000)).await;

    let body = call(&app, "/data/house-info", json!({"house_id": h}), None).await;
    assert_ok(&body);
    for (key, value) in [
        ("district", json!("北京市海淀区")),
        ("community", json!("小区")),
        ("unit", json!("1单元")),
        ("type", json!("二居")),
        ("area", json!(80)),
        ("floor", json!(5)),
        ("elevator", json!(1)),
        ("deposit", json!(1000)),
        ("pay_method", json!("月")),
        ("cost", json!(5000)),
        ("house_state", json!("待租")),
    ] {
        assert_eq!(body[key], value, "{key}: {body}");
    }
    assert_eq!(body["imgs"], json!([format!("{}/files/1", app.base)]));
    assert_failed(
        &call(&app, "/data/house-info", json!({"house_id": 999}), None).await,
        "不存在",
    );
    assert_failed(
        &call(&app, "/data/house-info", json!({}), None).await,
        "house_id",
    );

    let mut changed = house("北京市海淀区", "三居", json!(100), 6, 0, json!(7000));
    changed["house_id"] = json!(h);
    assert_failed(
        &call(&app, "/modify/house", changed.clone(), Some(&other)).await,
        "自己发布",
    );
    assert_failed(
        &call(&app, "/modify/house", changed.clone(), None).await,
        "请先登录",
    );
    assert_ok(&call(&app, "/modify/house", changed, Some(&owner)).await);
    let body = call(&app, "/data/house-info", json!({"house_id": h}), None).await;
    assert_eq!(
        (
            body["type"].clone(),
            body["cost"].clone(),
            body["elevator"].clone()
        ),
        (json!("三居"), json!(7000), json!(0))
    );

    let mut changed = demand("上海浦东新区", "二居", 2, 0, 4000);
    changed["rental_id"] = json!(d);
    assert_failed(
        &call(&app, "/modify/rental", changed.clone(), Some(&other)).await,
        "自己发布",
    );
    assert_ok(&call(&app, "/modify/rental", changed, Some(&owner)).await);
    assert_eq!(
        call(&app, "/data/rental-info", json!({"rental_id": d}), None).await["district"],
        "上海浦东新区"
    );

    let body = call(&app, "/data/user-published", json!({}), Some(&owner)).await;
    assert_eq!(
        body["data"],
        json!([{"house_id": h, "id": h, "name": "小区三居", "location": "北京市海淀区小区1单元", "rental": 7000, "state": "待租"}])
    );
    assert_eq!(
        call(&app, "/data/user-published", json!({}), Some(&other)).await["data"],
        json!([])
    );
    let body = call(&app, "/data/user-asked", json!({}), Some(&owner)).await;
    assert_eq!(body["data"][0]["id"], d);
    assert_eq!(body["data"][0]["description"], "想租");

    assert_failed(
        &call(&app, "/delete/house/", json!({"id": h}), Some(&other)).await,
        "自己发布",
    );
    assert_failed(
        &call(&app, "/delete/demand/", json!({"id": d}), Some(&other)).await,
        "自己发布",
    );
    assert_ok(&call(&app, "/delete/demand/", json!({"id": d}), Some(&owner)).await);
    assert_failed(
        &call(&app, "/data/rental-info", json!({"rental_id": d}), None).await,
        "不存在",
    );
    assert_ok(&call(&app, "/delete/house/", json!({"id": h}), Some(&owner)).await);
    assert_failed(
        &call(&app, "/delete/house/", json!({"id": h}), Some(&owner)).await,
        "不存在",
    );

    // Every kind of bad listing.
    for (field, value, part) in [
        ("district", json!(""), "district"),
        ("type", json!(null), "type"),
        ("area", json!("lots"), "area"),
        ("floor", json!(999), "floor"),
        ("elevator", json!(5), "elevator"),
        ("pay_method", json!("周"), "pay_method"),
        ("cost", json!(0), "cost"),
        ("imgs", json!({"a": 1}), "imgs"),
        (
            "tag",
            json!(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]),
            "tag",
        ),
    ] {
        let mut fields = house("北京市", "一居", json!(30), 1, 0, json!(1000));
        fields[field] = value;
        assert_failed(
            &call(&app, "/data/addhouse", fields, Some(&owner)).await,
            part,
        );
    }
    let count: i64 = app
        .db()
        .query_row("SELECT count(*) FROM rental_houses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "no refused listing was written");
    app.stop().await;
}

#[tokio::test]
async fn uploads_keep_images_byte_for_byte_and_refuse_the_rest() {
    let app = spawn_app_with(&["--max-upload", "64KiB"]).await;
    let token = user(&app, "owner").await;
    let png: Vec<u8> = {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(&[
            0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77,
            0x53, 0xde,
        ]);
        bytes.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]);
        bytes
    };
    let upload = |bytes: Vec<u8>, name: &'static str, token: Option<String>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        let mut request = app
            .client
            .post(app.url("/rental/data/uploadfile/"))
            .multipart(reqwest::multipart::Form::new().part("file", part));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { common::json_of(request.send().await.unwrap()).await }
    };
    let (status, body) = upload(png.clone(), "house.png", Some(token.clone())).await;
    assert_eq!(status, 200);
    let url = assert_ok(&body)["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/files/", app.base)), "{url}");
    let served = app.client.get(&url).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(
        served.bytes().await.unwrap().to_vec(),
        png,
        "served back byte for byte"
    );

    // From a browser's FormData: a boundary with capitals.
    let (content_type, multipart) = common::browser_multipart(&[], ("file", "blob.png", &png));
    let response = app
        .client
        .post(app.url("/rental/data/uploadfile/"))
        .bearer_auth(&token)
        .header("content-type", content_type)
        .body(multipart)
        .send()
        .await
        .unwrap();
    let (_, body) = common::json_of(response).await;
    let browser_url = assert_ok(&body)["url"].as_str().unwrap().to_string();
    let served = app.client.get(&browser_url).send().await.unwrap();
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);

    let (_, body) = upload(
        b"just some text, honestly".to_vec(),
        "photo.jpg",
        Some(token.clone()),
    )
    .await;
    assert_failed(&body, "not an image");
    let (_, body) = upload(vec![0xFF; 100 * 1024], "big.jpg", Some(token.clone())).await;
    assert_failed(&body, "larger than the limit");
    let (_, body) = upload(png.clone(), "house.png", None).await;
    assert_failed(&body, "请先登录");
    let body = call(
        &app,
        "/data/uploadfile/",
        json!({"file": "x"}),
        Some(&token),
    )
    .await;
    assert_failed(&body, "file");
    let files: i64 = app
        .db()
        .query_row("SELECT count(*) FROM files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(files, 2);

    // The uploaded URL works as a house photo.
    let mut fields = house("北京市", "一居", json!(30), 1, 0, json!(1000));
    fields["imgs"] = json!([url]);
    let id = add_house(&app, &token, fields).await;
    let body = call(&app, "/data/house-info", json!({"house_id": id}), None).await;
    assert_eq!(body["imgs"], json!([url]));
    app.stop().await;
}

#[tokio::test]
async fn applying_accepting_and_rejecting_make_deals_for_the_addressee_only() {
    let app = spawn_app_with(&["--commission-rate", "12.5"]).await;
    let owner = user(&app, "owner").await;
    let tenant = user(&app, "tenant").await;
    let rival = user(&app, "rival").await;
    let h = add_house(
        &app,
        &owner,
        house("山东省青岛市崂山区", "二居", json!(80), 5, 1, json!(4000)),
    )
    .await;
    let other_house = add_house(
        &app,
        &owner,
        house("北京市海淀区", "一居", json!(40), 2, 0, json!(3000)),
    )
    .await;
    let apply = |token: String, house_id: i64| {
        let app = &app;
        async move {
            call(app, "/operation/apply-house/", json!({"house_id": house_id, "period": 3, "start_date": "1/1/2027", "end_date": "4/1/2027"}), Some(&token)).await
        }
    };
    let r1 = assert_ok(&apply(tenant.clone(), h).await)["id"]
        .as_i64()
        .unwrap();
    assert_failed(&apply(tenant.clone(), h).await, "已经发出过");
    let r2 = assert_ok(&apply(rival.clone(), h).await)["id"]
        .as_i64()
        .unwrap();
    let r3 = assert_ok(&apply(rival.clone(), other_house).await)["id"]
        .as_i64()
        .unwrap();
    assert_failed(&apply(owner.clone(), h).await, "自己的房屋");
    assert_failed(&apply(tenant.clone(), 999).await, "不存在");
    for (fields, part) in [
        (
            json!({"house_id": h, "period": 0, "start_date": "1/1/2027", "end_date": "4/1/2027"}),
            "period",
        ),
        (
            json!({"house_id": h, "period": 3, "start_date": "2027-01-01", "end_date": "4/1/2027"}),
            "start_date",
        ),
        (
            json!({"house_id": h, "period": 3, "start_date": "4/1/2027", "end_date": "1/1/2027"}),
            "早于",
        ),
        (
            json!({"period": 3, "start_date": "1/1/2027", "end_date": "4/1/2027"}),
            "house_id",
        ),
    ] {
        assert_failed(
            &call(&app, "/operation/apply-house/", fields, Some(&tenant)).await,
            part,
        );
    }

    let body = call(&app, "/query/apply-notification", json!({}), Some(&owner)).await;
    let items = body["data"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[2]["id"], r1);
    assert_eq!(items[2]["username"], "tenant");
    assert_eq!(items[2]["location"], "山东省青岛市崂山区小区1单元");
    assert_eq!(items[2]["start_date"], "1/1/2027");
    assert_eq!(items[2]["status"], "待处理");
    assert_eq!(
        call(&app, "/query/apply-notification", json!({}), Some(&tenant)).await["data"],
        json!([])
    );

    // Only the addressee decides.
    assert_failed(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": r1}),
            Some(&tenant),
        )
        .await,
        "没有这个待处理的请求",
    );
    assert_failed(
        &call(
            &app,
            "/action/reject-notification",
            json!({"id": r1}),
            Some(&rival),
        )
        .await,
        "没有这个待处理的请求",
    );
    assert_ok(
        &call(
            &app,
            "/action/reject-notification",
            json!({"id": r3}),
            Some(&owner),
        )
        .await,
    );
    assert_failed(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": r3}),
            Some(&owner),
        )
        .await,
        "没有这个待处理的请求",
    );

    let body = call(
        &app,
        "/action/accept-notification",
        json!({"id": r1}),
        Some(&owner),
    )
    .await;
    assert_ok(&body);
    assert_failed(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": r2}),
            Some(&owner),
        )
        .await,
        "没有这个待处理的请求",
    );
    let body = call(&app, "/query/apply-notification", json!({}), Some(&owner)).await;
    let status_of = |id: i64| {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(
        (status_of(r1), status_of(r2), status_of(r3)),
        (json!("已接受"), json!("已拒绝"), json!("已拒绝"))
    );
    let info = call(&app, "/data/house-info", json!({"house_id": h}), None).await;
    assert_eq!(info["house_state"], "已租");
    assert_eq!(
        house_ids(&app, "/gethouselist", json!({})).await,
        (vec![other_house], 1)
    );
    assert_failed(
        &call(&app, "/delete/house/", json!({"id": h}), Some(&owner)).await,
        "已出租",
    );
    assert_failed(&apply(rival.clone(), h).await, "已出租");

    // The deal: both sides see it, others do not; commission 12.5% of 4000.
    let expected = json!({"owner": "owner", "user": "tenant", "location": "山东省青岛市崂山区小区1单元", "rental": 4000, "commission": 500, "city": "青岛"});
    for token in [&owner, &tenant] {
        let body = call(&app, "/data/deal-details/", json!({}), Some(token)).await;
        let deals = body["data"].as_array().unwrap();
        assert_eq!(deals.len(), 1);
        for (key, value) in expected.as_object().unwrap() {
            assert_eq!(&deals[0][key], value, "{key}");
        }
        let date = deals[0]["date"].as_str().unwrap();
        let parts: Vec<&str> = date.split('/').collect();
        assert_eq!(parts.len(), 3, "m/d/yyyy: {date}");
        assert!(
            !parts[0].starts_with('0') && !parts[1].starts_with('0'),
            "not zero-padded: {date}"
        );
        assert_eq!(parts[2].len(), 4, "{date}");
    }
    assert_eq!(
        call(&app, "/data/deal-details/", json!({}), Some(&rival)).await["data"],
        json!([])
    );
    assert_failed(
        &call(&app, "/data/deal-details/", json!({}), None).await,
        "请先登录",
    );
    let today = call(&app, "/data/deal-details/", json!({}), Some(&owner)).await["data"][0]["date"]
        .as_str()
        .unwrap()
        .to_string();
    let filtered = |filter: Value| {
        let app = &app;
        let owner = owner.clone();
        async move {
            call(app, "/data/deal-details/", filter, Some(&owner)).await["data"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(
        filtered(json!({"start_date": today, "end_date": today})).await,
        1,
        "the end day is included"
    );
    assert_eq!(
        filtered(json!({"start_date": "1/1/1970", "end_date": "1/7/2019"})).await,
        0
    );
    assert_eq!(filtered(json!({"location": "青岛市"})).await, 1);
    assert_eq!(filtered(json!({"location": "北京市"})).await, 0);
    assert_failed(
        &call(
            &app,
            "/data/deal-details/",
            json!({"start_date": "yesterday"}),
            Some(&owner),
        )
        .await,
        "mm/dd/yyyy",
    );

    let body = call(&app, "/data/city-statistics/", json!({}), None).await;
    assert_eq!(
        body,
        json!({"state": 1, "data": [{"city_name": "青岛", "total_count": 1, "total_commission": 500}]})
    );

    // An admin (made by the CLI) sees every deal.
    onebox::domains::rental::add_admin(&app.db_path, "boss", "boss-password-1", 8).unwrap();
    let admin = login(&app, "boss", "boss-password-1").await;
    assert_eq!(
        call(&app, "/data/user-info", json!({}), Some(&admin)).await["grade"],
        "管理员"
    );
    assert_eq!(
        call(&app, "/data/deal-details/", json!({}), Some(&admin)).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn offers_to_demands_follow_the_same_rules() {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let tenant = user(&app, "tenant").await;
    let stranger = user(&app, "stranger").await;
    let h = add_house(
        &app,
        &owner,
        house("北京市海淀区", "二居", json!(80), 5, 1, json!(5000)),
    )
    .await;
    let d = add_demand(&app, &tenant, demand("北京市海淀区", "二居", 5, 1, 5000)).await;
    let provide = |token: &str, house_id: i64, rental_id: i64| {
        let (app, token) = (&app, token.to_string());
        async move {
            call(
                app,
                "/operation/provide-house/",
                json!({"house_id": house_id, "rental_id": rental_id}),
                Some(&token),
            )
            .await
        }
    };
    assert_failed(&provide(&stranger, h, d).await, "自己发布");
    assert_failed(&provide(&tenant, h, d).await, "自己发布");
    let d_own = add_demand(&app, &owner, demand("北京市", "一居", 1, 0, 1000)).await;
    assert_failed(&provide(&owner, h, d_own).await, "自己的求租");
    let request = assert_ok(&provide(&owner, h, d).await)["id"]
        .as_i64()
        .unwrap();
    assert_failed(&provide(&owner, h, d).await, "已经发出过");
    assert_failed(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": request}),
            Some(&owner),
        )
        .await,
        "没有这个待处理的请求",
    );
    assert_ok(
        &call(
            &app,
            "/action/reject-notification",
            json!({"id": request}),
            Some(&tenant),
        )
        .await,
    );
    let again = assert_ok(&provide(&owner, h, d).await)["id"]
        .as_i64()
        .unwrap();
    assert_ok(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": again}),
            Some(&tenant),
        )
        .await,
    );
    assert_eq!(
        call(&app, "/data/rental-info", json!({"rental_id": d}), None).await["rental_state"],
        "已成交"
    );
    assert_eq!(
        call(&app, "/data/house-info", json!({"house_id": h}), None).await["house_state"],
        "已租"
    );
    let body = call(&app, "/data/deal-details/", json!({}), Some(&tenant)).await;
    assert_eq!(body["data"][0]["user"], "tenant");
    assert_eq!(body["data"][0]["commission"], 500, "10% by default");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_accepts_racing_for_one_house_make_one_deal() {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let h = add_house(
        &app,
        &owner,
        house("北京市海淀区", "二居", json!(80), 5, 1, json!(5000)),
    )
    .await;
    let mut requests = Vec::new();
    for n in 0..20 {
        let tenant = user(&app, &format!("tenant{n}")).await;
        let body = call(
            &app,
            "/operation/apply-house/",
            json!({"house_id": h, "period": 12, "start_date": "1/1/2027", "end_date": "1/1/2028"}),
            Some(&tenant),
        )
        .await;
        requests.push(assert_ok(&body)["id"].as_i64().unwrap());
    }
    let accepts = requests.iter().map(|id| {
        let request = app
            .client
            .post(app.url("/rental/action/accept-notification"))
            .bearer_auth(&owner)
            .json(&json!({"id": id}));
        async move { common::json_of(request.send().await.unwrap()).await.1 }
    });
    let bodies = futures_util::future::join_all(accepts).await;
    assert_eq!(
        bodies.iter().filter(|b| b["state"] == 1).count(),
        1,
        "{bodies:?}"
    );
    let db = app.db();
    let deals: i64 = db
        .query_row(
            "SELECT count(*) FROM rental_deals WHERE house_id = ?1",
            [h],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(deals, 1);
    let state: String = db
        .query_row("SELECT state FROM rental_houses WHERE id = ?1", [h], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(state, "已租");
    let (accepted, pending): (i64, i64) = db
        .query_row(
            "SELECT sum(state = 'accepted'), sum(state = 'pending') FROM rental_requests WHERE house_id = ?1",
            [h],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((accepted, pending), (1, 0));
    app.stop().await;
}

#[tokio::test]
async fn bad_input_and_routing_get_the_rental_envelope() {
    let app = spawn_app().await;
    let raw = |content_type: &'static str, body: Vec<u8>| {
        let request = app
            .client
            .post(app.url("/rental/operation/login"))
            .header("content-type", content_type)
            .body(body);
        async move { common::json_of(request.send().await.unwrap()).await }
    };
    for (content_type, body, part) in [
        (
            "application/json",
            b"{\"username\": ".to_vec(),
            "malformed JSON",
        ),
        ("application/json", b"\"text\"".to_vec(), "object"),
        ("text/xml", b"<a/>".to_vec(), "unsupported content type"),
        (
            "application/json",
            vec![b' '; 2 * 1024 * 1024],
            "larger than the limit",
        ),
    ] {
        let (status, body) = raw(content_type, body).await;
        assert_eq!(status, 200);
        assert_eq!(body["success"], false);
        assert_failed(&body, part);
    }
    assert_failed(
        &call(
            &app,
            "/operation/login",
            json!({"username": {"x": 1}, "password": "p"}),
            None,
        )
        .await,
        "username must be a string",
    );
    assert_failed(
        &call(&app, "/operation/login", json!({"password": "p"}), None).await,
        "username",
    );

    let (status, body) = app.get("/rental/test", None).await;
    assert_eq!((status, body), (200, json!({"state": 1})));
    assert_eq!(
        call(&app, "/test/", json!({}), None).await,
        json!({"state": 1})
    );
    let (status, body) = app.get("/rental/nothing/here", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["state"], 0);
    let response = app
        .client
        .get(app.url("/rental/gethouselist"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(common::json_of(response).await.1["state"], 0);

    user(&app, "alice").await;
    for _ in 0..10 {
        call(
            &app,
            "/operation/login",
            json!({"username": "alice", "password": "wrong-password"}),
            None,
        )
        .await;
    }
    let body = call(
        &app,
        "/operation/login",
        json!({"username": "alice", "password": PASSWORD}),
        None,
    )
    .await;
    assert_failed(&body, "登录失败次数过多");
    app.stop().await;
}

#[tokio::test]
async fn demo_data_has_houses_with_photos_deals_and_statistics() {
    let app = spawn_app_with(&["--demo"]).await;
    let (ids, total) = house_ids(&app, "/gethouselist", json!({})).await;
    assert_eq!(total, 6, "eight houses, two let");
    assert_eq!(ids.len(), 6);
    let body = call(&app, "/gethouselist", json!({"district": "上海"}), None).await;
    assert_eq!(body["total"], 2);
    let img = body["houses"][0]["img"].as_str().unwrap().to_string();
    let photo = app.client.get(&img).send().await.unwrap();
    assert_eq!(photo.headers()["content-type"], "image/png");
    let body = call(&app, "/data/city-statistics/", json!({}), None).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let owner = login(&app, "owner", "owner1234").await;
    let body = call(&app, "/query/apply-notification", json!({}), Some(&owner)).await;
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "待处理")
    );
    let admin = login(&app, "admin", "admin1234").await;
    assert_eq!(
        call(&app, "/data/deal-details/", json!({}), Some(&admin)).await["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    login(&app, "tenant", "tenant1234").await;
    app.stop().await;
}

#[tokio::test]
async fn array_fields_come_the_jquery_way_the_qs_way_or_repeated() {
    let app = spawn_app().await;
    let token = user(&app, "owner").await;
    // jQuery's `$.post(url, {tag: [...], imgs: [...]})`.
    let body = "district=%E5%8C%97%E4%BA%AC%E5%B8%82&community=c&unit=u&type=%E4%B8%80%E5%B1%85\
        &area=30&floor=2&elevator=1&description=d&deposit=100&pay_method=%E6%9C%88&cost=1200\
        &tag%5B%5D=%E7%8B%AC%E5%8D%AB&tag%5B%5D=%E8%BF%91%E5%9C%B0%E9%93%81\
        &imgs%5B%5D=%2Ffiles%2F1&imgs%5B%5D=%2Ffiles%2F2";
    let response = app
        .client
        .post(app.url("/rental/data/addhouse"))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let (_, added) = common::json_of(response).await;
    let id = assert_ok(&added)["house_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{added}"));
    let info = call(&app, "/data/house-info", json!({"house_id": id}), None).await;
    assert_eq!(info["tag"], json!(["独卫", "近地铁"]), "{info}");
    assert_eq!(info["imgs"].as_array().unwrap().len(), 2, "{info}");
    let stored: String = app
        .db()
        .query_row("SELECT tags FROM rental_houses WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(stored.contains("近地铁"), "{stored}");

    // One more house, dearer, so the price range has something to leave out.
    let mut dear = house("北京市", "一居", json!(30), 1, 0, json!(5000));
    dear["tag"] = json!(["a", "b"]);
    add_house(&app, &token, dear).await;
    for range in [
        "range_of_prices%5B%5D=0&range_of_prices%5B%5D=2000",
        "range_of_prices%5B0%5D=0&range_of_prices%5B1%5D=2000",
        "range_of_prices=0&range_of_prices=2000",
        "range_of_prices=0,2000",
    ] {
        let (_, list) = app
            .post_form(
                &format!("/rental/gethouselist?{range}"),
                &[("seq", "0")],
                None,
            )
            .await;
        assert_eq!(list["total"], 1, "{range}: {list}");
        assert_eq!(list["houses"][0]["id"], id, "{range}");
    }
    app.stop().await;
}

#[tokio::test]
async fn events_tell_addressees_of_requests_senders_of_decisions_and_both_sides_of_deals() {
    use common::sse::Stream;
    use std::time::Duration;
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let tenant = user(&app, "tenant").await;
    let rival = user(&app, "rival").await;
    let stranger = user(&app, "stranger").await;
    let h = add_house(
        &app,
        &owner,
        house("山东省青岛市崂山区", "二居", json!(80), 5, 1, json!(4000)),
    )
    .await;
    let refused = Stream::open(&app.client, &app.url("/rental/events"), &[]).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "请先登录");
    let open = |token: &str| {
        let url = app.url(&format!("/rental/events?token={token}"));
        let client = app.client.clone();
        async move { Stream::open(&client, &url, &[]).await }
    };
    let mut owners = open(&owner).await;
    let mut tenants = open(&tenant).await;
    let mut rivals = open(&rival).await;
    let mut strangers = open(&stranger).await;

    let apply =
        json!({"house_id": h, "period": 3, "start_date": "1/1/2027", "end_date": "4/1/2027"});
    let r1 = assert_ok(
        &call(
            &app,
            "/operation/apply-house/",
            apply.clone(),
            Some(&tenant),
        )
        .await,
    )["id"]
        .as_i64()
        .unwrap();
    let r2 = assert_ok(&call(&app, "/operation/apply-house/", apply, Some(&rival)).await)["id"]
        .as_i64()
        .unwrap();
    for (id, from) in [(r1, "tenant"), (r2, "rival")] {
        let request = owners.next_named("request").await;
        assert_eq!(request.data["id"], id);
        assert_eq!(request.data["kind"], "apply");
        assert_eq!(request.data["username"], from);
        assert_eq!(request.data["status"], "待处理");
        assert_eq!(request.data["house_id"], h);
    }
    // Accepting one request rejects the other: each sender hears of theirs,
    // owner and tenant of the deal, the stranger of nothing.
    assert_ok(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": r1}),
            Some(&owner),
        )
        .await,
    );
    let accepted = tenants.next_named("request").await;
    assert_eq!(
        (
            accepted.data["id"].as_i64(),
            accepted.data["status"].as_str()
        ),
        (Some(r1), Some("已接受"))
    );
    assert_eq!(accepted.data["username"], "owner");
    let rejected = rivals.next_named("request").await;
    assert_eq!(
        (
            rejected.data["id"].as_i64(),
            rejected.data["status"].as_str()
        ),
        (Some(r2), Some("已拒绝"))
    );
    for stream in [&mut owners, &mut tenants] {
        let deal = stream.next_named("deal").await;
        assert_eq!(
            (deal.data["owner"].as_str(), deal.data["user"].as_str()),
            (Some("owner"), Some("tenant"))
        );
        assert_eq!(deal.data["location"], "山东省青岛市崂山区小区1单元");
    }
    assert!(
        rivals
            .drain(Duration::from_millis(300))
            .await
            .iter()
            .all(|e| e.event != "deal")
    );
    assert!(strangers.drain(Duration::from_millis(100)).await.is_empty());
    // Resuming from the start replays the tenant's decision and deal only.
    let mut resumed = Stream::open(
        &app.client,
        &app.url(&format!("/rental/events?token={tenant}")),
        &[("last-event-id", "0")],
    )
    .await;
    let replayed = resumed.drain(Duration::from_millis(300)).await;
    let names: Vec<&str> = replayed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["request", "deal"], "{replayed:?}");
    assert_eq!(replayed[0].data["id"], r1);
    // The stranger may hold 8 streams (one is open); the ninth is refused.
    let mut more = Vec::new();
    for _ in 0..7 {
        let stream = open(&stranger).await;
        assert!(stream.is_stream());
        more.push(stream);
    }
    let refused = open(&stranger).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "at most 8");
    drop(more);
    // Logging out ends the stream.
    assert_ok(&call(&app, "/operation/logout", json!({}), Some(&tenant)).await);
    assert_eq!(tenants.next_named("ended").await.event, "ended");
    assert!(tenants.closes_within(Duration::from_secs(2)).await);
    app.stop().await;
}

// ---- the original front-end's requests (Vue 2 + axios, Qs bodies, `/api/…/`)

/// What axios sends with `Qs.stringify`: a form, to a path with a trailing
/// slash.
async fn qs_post(app: &TestApp, path: &str, form: &str) -> Value {
    let response = app
        .client
        .post(app.url(&format!("/rental{path}/")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test]
async fn the_list_pages_any_values_list_every_house_and_its_min_max_keys_filter() {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    add_house(
        &app,
        &owner,
        house("北京市海淀区", "一居", json!(40), 3, 1, json!(2000)),
    )
    .await;
    add_house(
        &app,
        &owner,
        house("上海市徐汇区", "二居", json!(80), 12, 1, json!(4500)),
    )
    .await;
    // GoodsClassNav's first request: district 0, type 0 (不限), floors 0–100.
    let any = "seq=0&district=0&min_floor=0&max_floor=100&min_price=1000&max_price=5000\
               &house_type=0&elevator=1&orderby=0&max_area=100&min_area=10";
    let body = qs_post(&app, "/gethouselist", any).await;
    assert_eq!(
        assert_ok(&body)["houses"].as_array().unwrap().len(),
        2,
        "{body}"
    );
    let cheap = any.replace("max_price=5000", "max_price=3000");
    let body = qs_post(&app, "/gethouselist", &cheap).await;
    assert_eq!(body["houses"][0]["price"], 2000, "{body}");
    assert_eq!(body["houses"].as_array().unwrap().len(), 1, "{body}");
    // rentalList's request for demands, the same "any" values.
    let renter = user(&app, "renter").await;
    add_demand(&app, &renter, demand("北京市海淀区", "一居", 3, 1, 3000)).await;
    let demands = "seq=0&district=0&min_floor=0&max_floor=100&house_type=0&elevator=1&orderby=0";
    let body = qs_post(&app, "/getrentallist", demands).await;
    assert_eq!(
        assert_ok(&body)["houses"].as_array().unwrap().len(),
        1,
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn under_compat_rental_states_are_the_originals_three_digit_codes() {
    let app = spawn_app_with(&["--compat", "rental"]).await;
    let form = serde_urlencoded::to_string([
        ("username", "webuser"),
        ("password", PASSWORD),
        ("name", "张三"),
        ("id_type", "身份证"),
        ("id_number", "110101199001011234"),
        ("phone", "13800000000"),
        ("city", "北京"),
    ])
    .unwrap();
    // register-form.vue: 120 (or 100) goes on to log in; 221 says the name is taken.
    assert_eq!(
        qs_post(&app, "/operation/register", &form).await["state"],
        120
    );
    assert_eq!(
        qs_post(&app, "/operation/register", &form).await["state"],
        221
    );
    // login-form.vue: 110 (or 100) is in; 211 is a wrong password.
    let wrong = qs_post(
        &app,
        "/operation/login",
        "username=webuser&password=wrong-one",
    )
    .await;
    assert_eq!(
        (&wrong["state"], &wrong["success"]),
        (&json!(211), &json!(false))
    );
    let right = format!("username=webuser&password={PASSWORD}");
    assert_eq!(
        qs_post(&app, "/operation/login", &right).await["state"],
        110
    );
    assert_eq!(qs_post(&app, "/gethouselist", "seq=0").await["state"], 140);
    assert_eq!(
        qs_post(&app, "/data/addhouse", "district=x").await["state"],
        1,
        "001: not logged in"
    );
    app.stop().await;
}
