//! Front-ends in a real browser: headless Chromium loads a page from one
//! origin that logs in to labs, rental and shop on another, makes a
//! logged-in call in each with the cookie alone, uploads an image with
//! `FormData` to shop and rental, uses the login answer's token as Bearer,
//! and listens with an `EventSource` for the shop's order events. Skipped,
//! with a printed line, where Chromium is not installed.

mod common;

use common::chromium::{self, Browser};
use common::spawn_app_with;
use serde_json::Value;
use warp::Filter;

const PAGE: &str = include_str!("common/browser_flows.html");

/// Serves the front-end page on 127.0.0.1, on a port of its own.
async fn page_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let page = warp::path!("flows").map(|| warp::reply::html(PAGE));
    let serving = tokio::spawn(warp::serve(page).incoming(listener).run());
    (port, serving)
}

/// The demo customer buys one of `product`.
async fn buy_one(client: &reqwest::Client, base: &str, product: &Value) {
    let login: Value = client
        .post(format!("{base}/shop/user/login"))
        .json(&serde_json::json!({"email": "customer@example.com", "password": "customer1234"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["token"]
        .as_str()
        .expect("the customer's token");
    let bought: Value = client
        .post(format!("{base}/shop/order/create"))
        .bearer_auth(token)
        .json(&serde_json::json!({"product_id": product}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bought["success"], true, "{bought}");
}

fn check_flows(page: &str, out: &Value) {
    let step = |name: &str| &out[name];
    assert_eq!(step("labsLogin")["status"], 200, "{page} labs login: {out}");
    assert_eq!(
        step("labsType")["data"]["role"],
        1,
        "{page}: labs forgot the login: {out}"
    );
    assert_eq!(step("rentalLogin")["state"], 1, "{page}: {out}");
    assert_eq!(
        step("rentalInfo")["state"],
        1,
        "{page}: rental forgot the login: {out}"
    );
    assert_eq!(step("shopLogin")["success"], true, "{page}: {out}");
    assert_eq!(
        step("shopProfile")["data"]["email"],
        "seller1@example.com",
        "{page}: shop forgot the login: {out}"
    );
    assert_eq!(step("shopUpload")["success"], true, "{page} upload: {out}");
    assert_eq!(
        step("shopAdd")["success"],
        true,
        "{page} product/add: {out}"
    );
    assert!(step("shopAdd")["data"]["image"].is_string(), "{out}");
    assert_eq!(
        step("rentalUpload")["state"],
        1,
        "{page} rental upload: {out}"
    );
    assert_eq!(
        step("shopBearer")["data"]["email"],
        "seller1@example.com",
        "{page}: the login answer's token as Bearer: {out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_on_another_origin_logs_in_calls_and_uploads() {
    let Some(executable) = chromium::find() else {
        // CI installs Chromium and sets this, so there it never skips.
        assert!(
            std::env::var_os("ONEBOX_REQUIRE_BROWSER").is_none(),
            "ONEBOX_REQUIRE_BROWSER is set but no chromium is on PATH"
        );
        println!("browser test skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let (page_port, page_serving) = page_server().await;
    let api = app.base.clone();
    // Cross-site (localhost page, 127.0.0.1 API) first, then same-site
    // (both on 127.0.0.1, other ports): cookies of the first are
    // partitioned under localhost and never reach the second.
    let pages = [
        format!("http://localhost:{page_port}/flows?api={api}"),
        format!("http://127.0.0.1:{page_port}/flows?api={api}"),
    ];
    let runtime = tokio::runtime::Handle::current();
    let (buyer, base) = (app.client.clone(), app.base.clone());
    let results = tokio::task::spawn_blocking(move || {
        let mut browser = Browser::launch(&executable);
        pages
            .iter()
            .map(|page| {
                let tab = browser.open(page);
                let out = browser.evaluate(&tab, "runFlows()");
                let mut out: Value = serde_json::from_str(out.as_str().expect("a JSON string"))
                    .expect("the flows' JSON");
                // The seller's page opens its event stream; a customer
                // buys the product it just added.
                assert_eq!(browser.evaluate(&tab, "openEvents()"), "open", "{page}");
                let product = out["shopAdd"]["data"]["id"].clone();
                runtime.block_on(buy_one(&buyer, &base, &product));
                let event = browser.evaluate(&tab, "nextOrder()");
                out["shopEvent"] = serde_json::from_str(event.as_str().unwrap_or("null"))
                    .expect("the event's JSON");
                (page.clone(), out)
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();

    for (page, out) in &results {
        check_flows(page, out);
        // The page on another origin got the order event, from the API.
        let event = &out["shopEvent"];
        assert_eq!(
            event["data"]["product"], out["shopAdd"]["data"]["id"],
            "{page}: {out}"
        );
        assert_eq!(event["data"]["shop"], 1, "{page}: {event}");
        assert_eq!(
            event["data"]["customer"]["email"], "customer@example.com",
            "{event}"
        );
        assert_eq!(event["origin"], api.as_str(), "{event}");
        assert!(
            event["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{event}"
        );
        // What the browser uploaded is stored and served back as a PNG.
        for url in [
            &out["shopUpload"]["data"]["url"],
            &out["shopAdd"]["data"]["image"],
            &out["rentalUpload"]["url"],
        ] {
            let url = url
                .as_str()
                .unwrap_or_else(|| panic!("no image url: {out}"));
            let served = app.client.get(url).send().await.unwrap();
            assert_eq!(served.headers()["content-type"], "image/png", "{url}");
            let bytes = served.bytes().await.unwrap();
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{url}");
        }
    }
    let added: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM shop_products WHERE name LIKE '浏览器商品%' AND image_id IS NOT NULL",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(added, 2, "one product with its image from each page");
    page_serving.abort();
    app.stop().await;
}

/// The folder of the project's own front-end page for `--public`.
fn public_page() -> String {
    format!("{}/tests/common/public", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_served_with_public_sends_the_original_front_ends_request_shapes() {
    let Some(executable) = chromium::find() else {
        assert!(
            std::env::var_os("ONEBOX_REQUIRE_BROWSER").is_none(),
            "ONEBOX_REQUIRE_BROWSER is set but no chromium is on PATH"
        );
        println!("browser test skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let folder = public_page();
    let family = spawn_app_with(&[
        "--root", "family", "--compat", "family", "--public", &folder,
    ])
    .await;
    let labs = spawn_app_with(&[
        "--root",
        "labs",
        "--demo",
        "--captcha",
        "off",
        "--public",
        &folder,
    ])
    .await;
    let other_origin = family.base.replace("127.0.0.1", "localhost");
    let (family_base, labs_base) = (family.base.clone(), labs.base.clone());
    let (family_out, labs_out) = tokio::task::spawn_blocking(move || {
        let mut browser = Browser::launch(&executable);
        let mut run = |base: &str, call: String| {
            let tab = browser.open(&format!("{base}/"));
            let out = browser.evaluate(&tab, &call);
            serde_json::from_str::<Value>(out.as_str().expect("a JSON string")).expect("JSON")
        };
        let family_out = run(
            &family_base,
            format!("runShapes('family', '{other_origin}')"),
        );
        let labs_out = run(&labs_base, "runShapes('labs')".to_string());
        (family_out, labs_out)
    })
    .await
    .unwrap();

    // reqwest's form labelled JSON registers and adds a bill (type 10 is
    // an expense); --compat family answers the statistics the charts draw.
    assert_eq!(family_out["register"]["body"]["code"], 200, "{family_out}");
    assert_eq!(
        family_out["bill"]["body"]["data"]["all_expend"], 30,
        "{family_out}"
    );
    assert_eq!(
        family_out["data"]["body"]["data"]["expend_projects"][0],
        "餐饮"
    );
    // The preflighted PUT from the other origin went through.
    assert_eq!(family_out["crossOrigin"]["status"], 200, "{family_out}");
    assert_eq!(
        family_out["crossOrigin"]["body"]["telephone"], "13800000000",
        "{family_out}"
    );

    // jQuery's form post logs in; the cookie alone carries the session to
    // the jqGrid lists.
    assert_eq!(labs_out["login"]["body"]["status"], 200, "{labs_out}");
    assert_eq!(labs_out["type"]["body"]["data"]["role"], 1, "{labs_out}");
    assert_eq!(labs_out["bulletins"]["body"]["status"], 200, "{labs_out}");
    assert!(
        labs_out["projects"]["body"]["data"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "{labs_out}"
    );
    assert!(
        labs_out["names"]["body"]["data"]
            .as_array()
            .is_some_and(|n| n.len() >= 2),
        "{labs_out}"
    );
    family.stop().await;
    labs.stop().await;
}
