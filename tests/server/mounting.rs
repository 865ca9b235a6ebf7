//! Health, the landing page, the domains served and `--root`.

use super::*;

#[tokio::test]
async fn health_and_the_landing_page_answer() {
    let app = spawn_app().await;
    let (status, body) = app.get("/healthz", None).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));

    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    for name in ["parking", "labs", "rental", "family", "shop"] {
        assert!(
            html.contains(&format!("id=\"{name}\"")),
            "landing page misses {name}"
        );
    }
    assert!(html.contains("/parking/api/parkinglot/list"));
    assert!(html.contains("demo1234"));
    // It says what is switched on, and links the console.
    assert!(html.contains("Demo data: <strong>off</strong>"), "{html}");
    assert!(html.contains("captcha on"), "{html}");
    assert!(html.contains("<a href=\"/_/\">"), "{html}");
    let css = app
        .client
        .get(app.url("/assets/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    let (status, body) = app.get("/no/such/thing", None).await;
    assert_eq!(status, 404);
    assert!(body["error"].as_str().unwrap().contains("not found"));
    app.stop().await;

    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Demo data: <strong>on</strong>"), "{html}");
    assert!(html.contains("Captcha off"), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn domains_not_chosen_are_not_served() {
    let app = spawn_app_with(&["--domains", "parking"]).await;
    let (status, _) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!(status, 200);
    let (status, _) = app.get("/labs/lab/get/all", None).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn root_mounts_a_domain_at_the_seeds_original_paths() {
    let app = spawn_app_with(&["--root", "parking"]).await;
    onebox::domains::parking::add_lot(&app.db_path, "parkinglot1", 3, 100).unwrap();
    let (status, body) = app.get("/api/parkinglot/list", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"][0]["name"], "parkinglot1");
    let (_, body) = app
        .post(
            "/api/user/new",
            json!({"username": "u", "password": "password1", "email": "u@u"}),
            None,
        )
        .await;
    assert_eq!(body["code"], 200);
    // The prefixed paths and the server routes still work.
    let (status, _) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!(status, 200);
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    // Unknown root paths answer in parking's envelope.
    let (status, body) = app.get("/api/nothing", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 404);
    app.stop().await;
}

#[tokio::test]
async fn root_shop_answers_the_seeds_own_paths_that_begin_with_shop() {
    let app = spawn_app_with(&["--root", "shop", "--demo"]).await;
    // The seed's `GET /shop/` and `/shop/{id}/info/` are shop's own paths,
    // not the `/shop` prefix with `/` and `/{id}/info/` under it.
    let (status, body) = app.get("/shop/", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 0);
    let (status, body) = app.get("/shop/1/info/", None).await;
    assert_eq!((status, &body["code"]), (200, &json!(0)), "{body}");
    assert_eq!(body["data"]["id"], 1);
    let (status, body) = app.get("/shop/products?page=1", None).await;
    assert_eq!((status, &body["code"]), (200, &json!(0)), "{body}");
    // The prefixed spelling still works, and an unknown path is shop's 404.
    let (status, body) = app.get("/shop/shop/1/info/", None).await;
    assert_eq!((status, &body["data"]["id"]), (200, &json!(1)));
    let (status, body) = app.get("/shop/nothing/here", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["success"], false);
    app.stop().await;
}
