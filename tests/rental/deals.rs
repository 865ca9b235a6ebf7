//! Requests and deals: applying, offering, accepting and rejecting, and twenty racing accepts.

use super::*;

/// An owner with two houses (in 青岛 at 4000 a month, in 北京), a tenant
/// and a rival, on a server taking 12.5% commission.
struct Street {
    app: TestApp,
    owner: String,
    tenant: String,
    rival: String,
    house: i64,
    other_house: i64,
}

async fn street() -> Street {
    let app = spawn_app_with(&["--commission-rate", "12.5"]).await;
    let owner = user(&app, "owner").await;
    let tenant = user(&app, "tenant").await;
    let rival = user(&app, "rival").await;
    let house_id = add_house(
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
    Street {
        app,
        owner,
        tenant,
        rival,
        house: house_id,
        other_house,
    }
}

/// `token` asks to rent `house_id` for three months from 1/1/2027.
async fn apply(app: &TestApp, token: &str, house_id: i64) -> Value {
    call(app, "/operation/apply-house/", json!({"house_id": house_id, "period": 3, "start_date": "1/1/2027", "end_date": "4/1/2027"}), Some(token)).await
}

async fn decide(app: &TestApp, action: &str, id: i64, token: &str) -> Value {
    call(
        app,
        &format!("/action/{action}-notification"),
        json!({"id": id}),
        Some(token),
    )
    .await
}

/// The street after the owner accepted the tenant's request for the house.
async fn street_with_a_deal() -> Street {
    let street = street().await;
    let request = assert_ok(&apply(&street.app, &street.tenant, street.house).await)["id"]
        .as_i64()
        .unwrap();
    assert_ok(&decide(&street.app, "accept", request, &street.owner).await);
    street
}

#[tokio::test]
async fn a_request_is_refused_twice_for_ones_own_house_an_unknown_one_or_bad_dates() {
    let Street {
        app,
        owner,
        tenant,
        house: h,
        ..
    } = street().await;
    assert_ok(&apply(&app, &tenant, h).await);
    assert_failed(&apply(&app, &tenant, h).await, "已经发出过");
    assert_failed(&apply(&app, &owner, h).await, "自己的房屋");
    assert_failed(&apply(&app, &tenant, 999).await, "不存在");
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
    app.stop().await;
}

#[tokio::test]
async fn the_owner_and_no_one_else_sees_the_requests_for_their_houses() {
    let Street {
        app,
        owner,
        tenant,
        rival,
        house: h,
        other_house,
    } = street().await;
    let r1 = assert_ok(&apply(&app, &tenant, h).await)["id"]
        .as_i64()
        .unwrap();
    assert_ok(&apply(&app, &rival, h).await);
    assert_ok(&apply(&app, &rival, other_house).await);

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
    app.stop().await;
}

#[tokio::test]
async fn only_the_addressee_decides_a_request_and_only_once() {
    let Street {
        app,
        owner,
        tenant,
        rival,
        house: h,
        other_house,
    } = street().await;
    let r1 = assert_ok(&apply(&app, &tenant, h).await)["id"]
        .as_i64()
        .unwrap();
    let r3 = assert_ok(&apply(&app, &rival, other_house).await)["id"]
        .as_i64()
        .unwrap();

    assert_failed(
        &decide(&app, "accept", r1, &tenant).await,
        "没有这个待处理的请求",
    );
    assert_failed(
        &decide(&app, "reject", r1, &rival).await,
        "没有这个待处理的请求",
    );
    assert_ok(&decide(&app, "reject", r3, &owner).await);
    assert_failed(
        &decide(&app, "accept", r3, &owner).await,
        "没有这个待处理的请求",
    );
    app.stop().await;
}

#[tokio::test]
async fn accepting_lets_the_house_and_rejects_its_other_requests() {
    let Street {
        app,
        owner,
        tenant,
        rival,
        house: h,
        other_house,
    } = street().await;
    let r1 = assert_ok(&apply(&app, &tenant, h).await)["id"]
        .as_i64()
        .unwrap();
    let r2 = assert_ok(&apply(&app, &rival, h).await)["id"]
        .as_i64()
        .unwrap();
    let r3 = assert_ok(&apply(&app, &rival, other_house).await)["id"]
        .as_i64()
        .unwrap();
    assert_ok(&decide(&app, "reject", r3, &owner).await);

    assert_ok(&decide(&app, "accept", r1, &owner).await);
    assert_failed(
        &decide(&app, "accept", r2, &owner).await,
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
    assert_failed(&apply(&app, &rival, h).await, "已出租");
    app.stop().await;
}

#[tokio::test]
async fn both_sides_and_no_one_else_see_a_deal_with_its_commission() {
    let Street {
        app,
        owner,
        tenant,
        rival,
        ..
    } = street_with_a_deal().await;
    // Commission 12.5% of 4000.
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
    app.stop().await;
}

#[tokio::test]
async fn deals_filter_by_dates_including_the_end_day_and_by_location() {
    let Street { app, owner, .. } = street_with_a_deal().await;
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
    app.stop().await;
}

#[tokio::test]
async fn city_statistics_count_the_deals_and_add_up_their_commission() {
    let Street { app, .. } = street_with_a_deal().await;
    let body = call(&app, "/data/city-statistics/", json!({}), None).await;
    assert_eq!(
        body,
        json!({"state": 1, "data": [{"city_name": "青岛", "total_count": 1, "total_commission": 500}]})
    );
    app.stop().await;
}

#[tokio::test]
async fn an_admin_made_by_the_cli_sees_every_deal() {
    let Street { app, .. } = street_with_a_deal().await;
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
