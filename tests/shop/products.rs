//! Products: added with images, changed and deleted by their sellers; pages, search, sorting and categories.

use super::*;

/// `seller` adds "oppo A11 pro max" (19.90, 2 in stock) with a PNG in the
/// same multipart request.
async fn add_with_image(app: &TestApp, seller: &str, shop: i64) -> (u16, Value) {
    let form = Form::new()
        .text("name", "oppo A11 pro max")
        .text("description", "安卓手机")
        .text("price", "19.90")
        .text("stock_quantity", "2")
        .part("image", Part::bytes(PNG.to_vec()).file_name("屏幕截图.png"));
    let response = app
        .client
        .post(app.url(&format!("/shop/shop/{shop}/product/add")))
        .bearer_auth(seller)
        .multipart(form)
        .send()
        .await
        .unwrap();
    common::json_of(response).await
}

/// `token` uploads `bytes` as the multipart field `file`.
async fn upload(app: &TestApp, token: &str, bytes: &[u8]) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(bytes.to_vec()).file_name("p.png"));
    app.client
        .post(app.url("/shop/upload"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_product_is_added_with_its_image_in_the_same_multipart_request() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (status, created) = add_with_image(&app, &seller, shop).await;
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
    app.stop().await;
}

#[tokio::test]
async fn an_image_uploaded_first_is_named_by_its_link() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (status, uploaded) = common::json_of(upload(&app, &seller, PNG).await).await;
    assert_ok(status, &uploaded);
    let url = uploaded["data"]["url"].as_str().unwrap().to_string();
    let (status, linked) = add_product(&app, &seller, shop, json!({"name": "苹果手机", "description": "Iphone 16", "price": 9999.98, "stock_quantity": 999, "image": url})).await;
    assert_ok(status, &linked);
    assert_eq!(linked["data"]["image"], url.as_str());
    assert_eq!(linked["data"]["price"], "9999.98");
    app.stop().await;
}

#[tokio::test]
async fn a_browsers_form_data_uploads_and_adds_a_product_with_fields_beside_the_file() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    // A boundary with capitals, as Chromium frames FormData.
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
    app.stop().await;
}

#[tokio::test]
async fn a_product_added_without_stock_or_image_is_sold_out_and_has_no_image() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
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
    app.stop().await;
}

#[tokio::test]
async fn uploads_refuse_what_is_not_an_image_and_any_customer() {
    let app = spawn_app().await;
    let (seller, _) = seller_with_shop(&app, "seller@example.com").await;
    let customer = user(&app, "customer", "c@example.com").await;
    let (status, body) = common::json_of(upload(&app, &seller, b"not an image").await).await;
    assert_fail(status, &body, 400, 300);
    assert_eq!(upload(&app, &customer, PNG).await.status(), 403);
    app.stop().await;
}

#[tokio::test]
async fn adding_refuses_bad_fields_customers_other_shops_sellers_and_unknown_shops() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (stranger, _) = seller_with_shop(&app, "stranger@example.com").await;
    let customer = user(&app, "customer", "c@example.com").await;
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
    app.stop().await;
}

#[tokio::test]
async fn an_update_changes_the_fields_sent_for_the_shops_sellers_only() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (stranger, _) = seller_with_shop(&app, "stranger@example.com").await;
    let (_, created) = add_with_image(&app, &seller, shop).await;
    let product = &created["data"];
    let product_id = product["id"].as_i64().unwrap();

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
    app.stop().await;
}

#[tokio::test]
async fn a_product_deleted_by_its_seller_is_gone_from_its_page_and_the_list() {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (stranger, _) = seller_with_shop(&app, "stranger@example.com").await;
    let (_, created) = add_with_image(&app, &seller, shop).await;
    let product_id = created["data"]["id"].as_i64().unwrap();
    add_product(
        &app,
        &seller,
        shop,
        json!({"name": "无图商品", "price": "1"}),
    )
    .await;

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
    assert_eq!(list["data"]["count"], 1, "the other product");
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

/// A seller's shop of 23 products, added dearest first (30.50 down to
/// 8.50), five of them 红色杯子; another shop of four.
struct Shelf {
    app: TestApp,
    seller: String,
    shop: i64,
}

async fn shelf() -> Shelf {
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
    Shelf { app, seller, shop }
}

impl Shelf {
    /// A page of the seller's shop with `query`.
    async fn page(&self, query: &str) -> (u16, Value) {
        let path = format!("/shop/shop/{}/products?{query}", self.shop);
        self.app.get(&path, None).await
    }

    /// How many of the seller's products a search for 红色 finds.
    async fn red_count(&self) -> Value {
        self.page("q=红色").await.1["data"]["count"].clone()
    }
}

#[tokio::test]
async fn product_pages_link_to_the_next_and_list_oldest_first() {
    let at = shelf().await;
    let (_, first) = at.page("").await;
    assert_eq!(first["message"], "查询返回成功");
    assert_eq!(first["data"]["count"], 23);
    assert_eq!(
        first["data"]["next"],
        format!("{}/shop/shop/{}/products?page=2", at.app.base, at.shop)
    );
    let ids = walk(&at.app, &format!("/shop/shop/{}/products", at.shop)).await;
    assert_eq!(ids.len(), 23);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first: {ids:?}");
    let all = walk(&at.app, "/shop/shop/products/").await;
    assert_eq!(all.len(), 27);
}

#[tokio::test]
async fn product_pages_sort_by_price_both_ways_and_keep_the_ordering_in_their_links() {
    let at = shelf().await;
    let shop = at.shop;
    let ids = walk(&at.app, &format!("/shop/shop/{shop}/products")).await;
    let by_price = walk(
        &at.app,
        &format!("/shop/shop/{shop}/products?ordering=-price"),
    )
    .await;
    assert_eq!(by_price.len(), 23);
    assert_eq!(by_price[0], ids[0], "the dearest was added first");
    let (_, cheapest) = at.page("ordering=price&page=3").await;
    assert_eq!(cheapest["data"]["products"].as_array().unwrap().len(), 3);
    assert_eq!(cheapest["data"]["products"][2]["price"], "30.50");
    assert!(
        cheapest["data"]["previous"]
            .as_str()
            .unwrap()
            .contains("ordering=price")
    );
}

#[tokio::test]
async fn a_search_matches_names_and_descriptions_literally_and_follows_changes_at_once() {
    let at = shelf().await;
    let (_, found) = at.page("q=红色").await;
    assert_eq!(found["data"]["count"], 5);
    let (_, none) = at.app.get("/shop/shop/products?q=%25", None).await;
    assert_eq!(none["data"]["count"], 0, "% is matched literally");

    // Renaming a product out of a search shows in its count at once, and
    // a new description brings it back.
    let red = found["data"]["products"][0]["id"].as_i64().unwrap();
    let update = format!("/shop/shop/{}/product/{red}/update", at.shop);
    let (status, body) = at
        .app
        .post(
            &update,
            json!({"name": "蓝色改名", "description": "蓝"}),
            Some(&at.seller),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(at.red_count().await, 4);
    let (status, body) = at
        .app
        .post(
            &update,
            json!({"description": "其实是红色的"}),
            Some(&at.seller),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(at.red_count().await, 5);
}

#[tokio::test]
async fn a_page_past_the_end_a_bad_page_or_ordering_and_an_unknown_shop_are_refused() {
    let at = shelf().await;
    let (status, body) = at.page("page=4").await;
    assert_fail(status, &body, 404, 300);
    for bad in ["page=0", "page=x", "ordering=name"] {
        let (status, body) = at.page(bad).await;
        assert_fail(status, &body, 400, 300);
    }
    let (status, body) = at.app.get("/shop/shop/999/products", None).await;
    assert_fail(status, &body, 404, 300);
}

#[tokio::test]
async fn a_new_product_shows_in_the_count_at_once() {
    let at = shelf().await;
    assert_eq!(at.page("").await.1["data"]["count"], 23);
    add_product(
        &at.app,
        &at.seller,
        at.shop,
        json!({"name": "新品", "price": "1", "stock_quantity": 1}),
    )
    .await;
    let (_, after) = at.page("").await;
    assert_eq!(after["data"]["count"], 24);
    at.app.stop().await;
}

/// One product as the far-page tests expect it: (id, shop, price in
/// cents, name).
type Listed = (i64, i64, i64, String);

/// 1,025 products in two shops, enough for far pages, whose prices
/// repeat (so ties are broken by id as the orderings say) and a third of
/// whose names hold 红色; a customer to buy.
struct Catalogue {
    app: TestApp,
    seller: String,
    shop: i64,
    customer: String,
    /// Sorted by id.
    products: Vec<Listed>,
}

async fn catalogue() -> Catalogue {
    let app = spawn_app().await;
    let (seller, shop) = seller_with_shop(&app, "seller@example.com").await;
    let (other, other_shop) = seller_with_shop(&app, "other@example.com").await;
    let customer = user(&app, "customer", "buyer@example.com").await;
    let mut products: Vec<Listed> = Vec::new();
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
    Catalogue {
        app,
        seller,
        shop,
        customer,
        products,
    }
}

impl Catalogue {
    /// First, second, middle, last-but-one, last and past-the-end pages of
    /// the seller's shop, of all shops and of the shop searched for 红色,
    /// in each of the four orderings, against `products` (with one of
    /// `sold` sold). Twice: once as the index walk answers, then once the
    /// background has remembered each list's order.
    async fn check_every_list(&self, products: &[Listed], sold: Option<i64>) {
        self.check_once(products, sold).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        self.check_once(products, sold).await;
    }

    async fn check_once(&self, products: &[Listed], sold: Option<i64>) {
        let shop = self.shop;
        let lists = [
            (format!("/shop/shop/{shop}/products"), Some(shop), ""),
            ("/shop/shop/products".to_string(), None, ""),
            (format!("/shop/shop/{shop}/products"), Some(shop), "红色"),
        ];
        for (path, in_shop, q) in &lists {
            for ordering in ["id", "-id", "price", "-price"] {
                let mut want: Vec<&Listed> = products
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
                    let (status, body) = self.app.get(&url, None).await;
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
                        .map(|p| (p.0, p.2.to_string(), if Some(p.0) == sold { 4 } else { 5 }))
                        .collect();
                    assert_eq!(got, expected, "{url}");
                }
            }
        }
    }

    /// The index of the first of the seller's own products from `index`
    /// on: ids are given in the order the adds finish, so the product at
    /// an index may be the other shop's.
    fn own_from(&self, products: &[Listed], index: usize) -> usize {
        (index..products.len())
            .find(|&i| products[i].1 == self.shop)
            .expect("a product of the seller's shop")
    }

    async fn seller_posts(&self, path: String, body: Value) {
        let (status, answer) = self.app.post(&path, body, Some(&self.seller)).await;
        assert_ok(status, &answer);
    }
}

/// Far pages are cut from the list's remembered order, read in the
/// background after the first far page: they answer what the index walk
/// answers, and a sale's stock shows in every page of every ordering and
/// filter at once.
#[tokio::test]
async fn far_pages_show_a_sales_stock_before_and_after_the_order_is_remembered() {
    let catalogue = catalogue().await;
    let sold = catalogue.products[700].0;
    let (status, body) = catalogue
        .app
        .post(
            "/shop/order/create",
            json!({"product_id": sold, "quantity": 1}),
            Some(&catalogue.customer),
        )
        .await;
    assert_ok(status, &body);
    catalogue
        .check_every_list(&catalogue.products, Some(sold))
        .await;
}

/// A new price and a delete show in the next far page at once, before and
/// after the order is remembered.
#[tokio::test]
async fn far_pages_show_a_new_price_and_a_delete_before_and_after_the_order_is_remembered() {
    let catalogue = catalogue().await;
    let shop = catalogue.shop;
    let mut products = catalogue.products.clone();
    catalogue.check_every_list(&products, None).await;

    let moved_at = catalogue.own_from(&products, 300);
    let moved = products[moved_at].0;
    catalogue
        .seller_posts(
            format!("/shop/shop/{shop}/product/{moved}/update"),
            json!({"price": "7.00"}),
        )
        .await;
    products[moved_at].2 = 700;
    let gone_at = catalogue.own_from(&products, 900);
    let gone = products[gone_at].0;
    catalogue
        .seller_posts(
            format!("/shop/shop/{shop}/product/{gone}/delete"),
            json!({}),
        )
        .await;
    products.remove(gone_at);
    catalogue.check_every_list(&products, None).await;
    catalogue.app.stop().await;
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
