//! Houses and demands: lists filtered, ordered and paged, changed and deleted by their owner, with uploaded images.

use super::*;

/// Five houses of one owner, newest last: h1 北京海淀 一居 40 m² floor 3
/// 3000; h2 北京朝阳 二居 80 m² floor 10 with a lift 6000; h3 青岛 三居
/// 120 m² floor 20 with a lift 4000; h4 上海 五居 200 m² floor 1 20000;
/// h5 北京海淀 两居 60.5 m² floor 6 with a lift 4500.5.
async fn five_houses() -> (TestApp, String, [i64; 5]) {
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
    (app, owner, [h1, h2, h3, h4, h5])
}

#[tokio::test]
async fn house_lists_come_newest_first_and_filter_by_every_documented_key() {
    let (app, _owner, [h1, h2, h3, h4, h5]) = five_houses().await;
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
    app.stop().await;
}

#[tokio::test]
async fn house_lists_order_by_price_and_area_both_ways_and_combine_with_filters() {
    let (app, _owner, [h1, h2, h3, h4, h5]) = five_houses().await;
    let list = |query: Value| house_ids(&app, "/gethouselist", query);
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
    app.stop().await;
}

#[tokio::test]
async fn totals_of_full_pages_are_the_same_from_sqlite_and_from_the_copy() {
    let (app, _owner, [_, _, _, _, _]) = five_houses().await;
    let list = |query: Value| house_ids(&app, "/gethouselist", query);
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
    app.stop().await;
}

#[tokio::test]
async fn house_lists_page_by_a_zero_based_seq_in_pages_of_ten() {
    let (app, _owner, [h1, _, h3, h4, _]) = five_houses().await;
    let list = |query: Value| house_ids(&app, "/gethouselist", query);
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
    app.stop().await;
}

#[tokio::test]
async fn a_listed_house_carries_both_ids_its_tags_and_absolute_image_links() {
    let (app, _owner, [_, _, _, _, h5]) = five_houses().await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_form_body_filters_house_lists_like_json() {
    let (app, _owner, [h1, _, _, _, h5]) = five_houses().await;
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
    app.stop().await;
}

#[tokio::test]
async fn bad_list_filters_are_refused_not_ignored() {
    let (app, _owner, [_, _, _, _, _]) = five_houses().await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_change_to_the_houses_shows_in_the_next_total_at_once() {
    let (app, owner, [h1, _, _, _, _]) = five_houses().await;
    let list = |query: Value| house_ids(&app, "/gethouselist", query);
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

/// An owner's house (二居, 80 m², fifth floor, lift, 5000 a month) and
/// demand (一居 at 3000) in 北京市海淀区, and another user.
struct Listed {
    app: TestApp,
    owner: String,
    other: String,
    house: i64,
    demand: i64,
}

async fn listed() -> Listed {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let other = user(&app, "other").await;
    let house = add_house(
        &app,
        &owner,
        house("北京市海淀区", "二居", json!(80), 5, 1, json!(5000)),
    )
    .await;
    let demand = add_demand(&app, &owner, demand("北京市海淀区", "一居", 5, 1, 3000)).await;
    Listed {
        app,
        owner,
        other,
        house,
        demand,
    }
}

#[tokio::test]
async fn a_house_is_shown_with_every_field_and_an_unknown_one_is_refused() {
    let Listed { app, house: h, .. } = listed().await;
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
}

#[tokio::test]
async fn only_its_owner_changes_a_house() {
    let Listed {
        app,
        owner,
        other,
        house: h,
        ..
    } = listed().await;
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
}

#[tokio::test]
async fn only_its_owner_changes_a_demand() {
    let Listed {
        app,
        owner,
        other,
        demand: d,
        ..
    } = listed().await;
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
}

#[tokio::test]
async fn each_user_lists_only_the_houses_they_published_and_the_demands_they_asked() {
    let Listed {
        app,
        owner,
        other,
        house: h,
        demand: d,
    } = listed().await;
    let body = call(&app, "/data/user-published", json!({}), Some(&owner)).await;
    assert_eq!(
        body["data"],
        json!([{"house_id": h, "id": h, "name": "小区二居", "location": "北京市海淀区小区1单元", "rental": 5000, "state": "待租"}])
    );
    assert_eq!(
        call(&app, "/data/user-published", json!({}), Some(&other)).await["data"],
        json!([])
    );
    let body = call(&app, "/data/user-asked", json!({}), Some(&owner)).await;
    assert_eq!(body["data"][0]["id"], d);
    assert_eq!(body["data"][0]["description"], "想租");
}

#[tokio::test]
async fn only_their_owner_deletes_a_house_or_a_demand() {
    let Listed {
        app,
        owner,
        other,
        house: h,
        demand: d,
    } = listed().await;
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
}

#[tokio::test]
async fn every_kind_of_bad_listing_is_refused_and_none_is_written() {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
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
