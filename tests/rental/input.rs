//! Bad input and routing in rental's envelope, the demo data, and the original front-end's requests (axios, Qs bodies).

use super::*;

#[tokio::test]
async fn bodies_that_cannot_be_read_fail_in_the_envelope_with_http_200() {
    let app = spawn_app().await;
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
        let request = app
            .client
            .post(app.url("/rental/operation/login"))
            .header("content-type", content_type)
            .body(body);
        let (status, body) = common::json_of(request.send().await.unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(body["success"], false);
        assert_failed(&body, part);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_field_of_the_wrong_type_or_a_missing_one_is_named() {
    let app = spawn_app().await;
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
    app.stop().await;
}

#[tokio::test]
async fn the_test_route_answers_both_methods_and_unknown_routes_are_404_and_405() {
    let app = spawn_app().await;
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
    app.stop().await;
}

#[tokio::test]
async fn ten_wrong_passwords_lock_the_account_for_a_while() {
    let app = spawn_app().await;
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
