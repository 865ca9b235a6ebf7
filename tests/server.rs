//! Server-wide behaviour: health, landing page, domain selection, --root,
//! CORS, operator pages, files, --delay and graceful shutdown.

mod common;

use std::time::{Duration, Instant};

use common::{OPERATOR_TOKEN, spawn_app, spawn_app_with};
use serde_json::json;

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

/// A folder like a front-end's build, with a secret beside it and a
/// symlink pointing out of it.
fn front_end_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let public = outside.path().join("public");
    std::fs::create_dir_all(public.join("static")).unwrap();
    std::fs::write(public.join("index.html"), "<h1>front-end</h1>").unwrap();
    std::fs::write(public.join("static/app.js"), "console.log(1);").unwrap();
    std::fs::create_dir_all(public.join("assets/js")).unwrap();
    std::fs::write(public.join("assets/js/jquery.js"), "var $;").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), public.join("link.txt")).unwrap();
    (outside, public)
}

#[tokio::test]
async fn a_public_folder_is_served_at_the_root_after_every_api_route() {
    let (_outside, public) = front_end_folder();
    let app = spawn_app_with(&["--public", public.to_str().unwrap(), "--root", "family"]).await;
    let home = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(
        home.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(home.text().await.unwrap(), "<h1>front-end</h1>");

    let script = app
        .client
        .get(app.url("/static/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let etag = script.headers()["etag"].clone();
    let again = app
        .client
        .get(app.url("/static/app.js"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let folder = app.client.get(app.url("/static")).send().await.unwrap();
    assert_eq!(
        folder.status(),
        404,
        "a folder without index.html lists nothing"
    );

    // The API still answers at its root paths and under its prefix.
    let (status, body) = app
        .post(
            "/api/v1/user_manage/login/",
            json!({"username": "x", "password": "y"}),
            None,
        )
        .await;
    assert_eq!((status, &body["code"]), (400, &json!(400)));
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_front_ends_own_assets_folder_is_served_beside_oneboxs_assets() {
    let (_outside, public) = front_end_folder();
    let app = spawn_app_with(&["--public", public.to_str().unwrap()]).await;
    let theirs = app
        .client
        .get(app.url("/assets/js/jquery.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 200);
    assert_eq!(theirs.text().await.unwrap(), "var $;");
    let ours = app
        .client
        .get(app.url("/assets/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(ours.status(), 200);
    assert!(
        ours.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let missing = app
        .client
        .get(app.url("/assets/none.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn nothing_outside_the_public_folder_is_reachable() {
    let (_outside, public) = front_end_folder();
    let app = spawn_app_with(&["--public", public.to_str().unwrap()]).await;
    let address = app.base.trim_start_matches("http://").to_string();
    for path in [
        "/../secret.txt",
        "/static/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/static%2f..%2f..%2fsecret.txt",
        "/link.txt",
    ] {
        // Sent as written: an HTTP client library would tidy the dots away.
        let raw = raw_get(&address, path).await;
        assert!(
            raw.starts_with("HTTP/1.1 404") || raw.starts_with("HTTP/1.1 400"),
            "{path}: {raw}"
        );
        assert!(!raw.contains("secret"), "{path}: {raw}");
    }
    app.stop().await;
}

async fn raw_get(address: &str, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let address = address.to_string();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn local_front_ends_on_any_port_may_call_with_credentials() {
    let app = spawn_app_with(&["--cors-origin", "https://class.example.edu"]).await;
    for origin in [
        "http://localhost:5173",
        "http://127.0.0.1:3000",
        "https://class.example.edu",
    ] {
        let reply = app
            .client
            .get(app.url("/parking/api/parkinglot/list"))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.headers()["access-control-allow-origin"], origin);
        assert_eq!(reply.headers()["access-control-allow-credentials"], "true");
    }
    let reply = app
        .client
        .get(app.url("/parking/api/parkinglot/list"))
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert!(reply.headers().get("access-control-allow-origin").is_none());

    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/parking/api/order/new"))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert!(
        preflight.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_outbox_is_only_shown_with_the_operator_token() {
    let app = spawn_app().await;
    app.server()
        .app
        .db
        .write(|tx| {
            onebox::outbox::record(
                tx,
                "labs",
                "a@example.com",
                "first",
                "code 111111",
                1_700_000_000,
            )?;
            onebox::outbox::record(
                tx,
                "labs",
                "b@example.com",
                "<second>",
                "code 222222",
                1_700_000_060,
            )
        })
        .await
        .unwrap();

    for path in ["/_/outbox", "/_/outbox.json", "/_/outbox.json?token=wrong"] {
        let reply = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(reply.status(), 404, "{path}");
        assert!(!reply.text().await.unwrap().contains("222222"));
    }
    let (status, mails) = app.get("/_/outbox.json", Some(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(mails[0]["to"], "b@example.com");
    assert_eq!(mails[0]["sent_at"], "2023-11-14T22:14:20Z");
    assert_eq!(mails[1]["subject"], "first");
    let html = app
        .client
        .get(app.url(&format!("/_/outbox?token={OPERATOR_TOKEN}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("&lt;second&gt;") && html.contains("code 111111"));
    app.stop().await;
}

#[tokio::test]
async fn uploaded_images_are_served_with_their_type_an_etag_and_nosniff() {
    let app = spawn_app().await;
    let png: Vec<u8> = [
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ]
    .into_iter()
    .chain(std::iter::repeat_n(7u8, 64))
    .collect();
    let stored = png.clone();
    let id = app
        .server()
        .app
        .db
        .write(move |tx| onebox::files::store(tx, "rental", &stored, 0))
        .await
        .unwrap();
    let text_refused = app
        .server()
        .app
        .db
        .write(|tx| onebox::files::store(tx, "rental", b"hello, I am a .jpg", 0))
        .await;
    assert!(matches!(
        text_refused,
        Err(onebox::files::FileError::NotAnImage)
    ));

    let reply = app
        .client
        .get(app.url(&onebox::files::path_of(id)))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.headers()["content-type"], "image/png");
    assert_eq!(reply.headers()["x-content-type-options"], "nosniff");
    let etag = reply.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(reply.bytes().await.unwrap().to_vec(), png);
    let again = app
        .client
        .get(app.url(&onebox::files::path_of(id)))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let (status, _) = app.get("/files/999999", None).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn delay_slows_api_answers_but_not_health() {
    let app = spawn_app_with(&["--delay", "300"]).await;
    let started = Instant::now();
    let (status, _) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_request_in_flight_finish() {
    let app = spawn_app_with(&["--delay", "500"]).await;
    let client = app.client.clone();
    let url = app.url("/parking/api/parkinglot/list");
    let in_flight =
        tokio::spawn(async move { client.get(url).send().await.map(|r| r.status().as_u16()) });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let base = app.base.clone();
    app.stop().await;
    assert_eq!(in_flight.await.unwrap().unwrap(), 200);
    // And the listener is closed.
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err());
}

#[tokio::test]
async fn openapi_lists_every_route_and_every_listed_route_is_served() {
    let app = spawn_app().await;
    let (status, document) = app.get("/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.0.3");
    let paths = document["paths"].as_object().expect("paths");

    // Every endpoint of every domain is an operation, and nothing else is
    // but the four server-wide routes.
    let mut expected = 4;
    for domain in onebox::domains::ALL {
        for endpoint in (domain.endpoints)() {
            expected += 1;
            let path = format!("/{}{}", domain.name, endpoint.path);
            let operation = &paths[&path][endpoint.method.to_lowercase()];
            assert_eq!(operation["tags"][0], domain.name, "{path}");
            assert!(operation["responses"]["200"].is_object(), "{path}");
        }
    }
    let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(operations, expected);

    // Each domain's section of /docs is its API notes, one source.
    for domain in onebox::domains::ALL {
        let tag = document["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == domain.name)
            .expect("a tag per domain");
        let description = tag["description"].as_str().unwrap();
        let notes_body = domain.notes.split_once('\n').unwrap().1.trim();
        assert!(description.starts_with(domain.title), "{}", domain.name);
        assert!(description.ends_with(notes_body), "{}", domain.name);
        assert!(
            notes_body.contains("curl"),
            "{}: a walk-through",
            domain.name
        );
    }

    // Every operation it lists is routed (whatever the answer to an empty
    // request), never the domain's "no such path" or a 405.
    for (path, methods) in paths {
        let concrete = path
            .replace("{username}", "demo")
            .replace("{status}", "4")
            .replace("{id}", "1")
            .replace("{pid}", "1");
        for method in methods.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(&concrete))
                .bearer_auth(common::OPERATOR_TOKEN)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body = String::from_utf8_lossy(&response.bytes().await.unwrap()).into_owned();
            assert_ne!(status, 405, "{method} {concrete}: {body}");
            for unrouted in [
                "没有这个接口",
                "no such API",
                "the landing page lists every API",
            ] {
                assert!(!body.contains(unrouted), "{method} {concrete}: {body}");
            }
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_docs_page_is_served_from_the_binary() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(response.status(), 301);
    assert_eq!(response.headers()["location"], "/docs/");
    let page = client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN: {html}"
    );
    let init = client
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"/openapi.json\""), "{init}");
    for file in ["swagger-ui-bundle.js", "swagger-ui.css"] {
        let response = client
            .get(app.url(&format!("/docs/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{file}");
        assert!(response.bytes().await.unwrap().len() > 10_000, "{file}");
    }
    app.stop().await;
}

/// Logs in with a domain's login route and returns the session token.
async fn demo_token(app: &common::TestApp, path: &str, body: serde_json::Value) -> String {
    let (status, answer) = app.post(path, body, None).await;
    assert_eq!(status, 200, "{path}: {answer}");
    [&answer["data"]["token"], &answer["token"]]
        .into_iter()
        .find_map(|v| v.as_str())
        .unwrap_or_else(|| panic!("{path}: no token in {answer}"))
        .to_string()
}

/// Whether an answer is its domain's success envelope.
fn succeeded(path: &str, body: &serde_json::Value) -> bool {
    match path.split('/').nth(1) {
        Some("parking") => body["code"] == 200,
        Some("labs") => body["status"] == 200,
        Some("rental") => body["state"] == 1,
        Some("family") => body["code"] == 200 || body.is_array(),
        Some("shop") => body["success"] == true,
        _ => false,
    }
}

#[tokio::test]
async fn every_request_example_in_the_api_document_is_accepted_as_sent() {
    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let (_, doc) = app.get("/openapi.json", None).await;
    let mut examples = Vec::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let content = &operation["requestBody"]["content"]["application/json"];
            if let Some(example) = content.get("example") {
                examples.push((method.to_uppercase(), path.clone(), example.clone()));
            }
        }
    }
    assert!(examples.len() >= 30, "only {} examples", examples.len());
    // Deletions last, so a message is changed before it is deleted.
    examples.sort_by_key(|(method, _, _)| method == "DELETE");

    let parking = demo_token(
        &app,
        "/parking/api/user/login",
        json!({"username": "demo", "password": "demo1234"}),
    )
    .await;
    let student = demo_token(
        &app,
        "/labs/user/login",
        json!({"sid": "20160030", "password": "student1234"}),
    )
    .await;
    let lab_leader = demo_token(
        &app,
        "/labs/user/login",
        json!({"sid": "20160001", "password": "leader1234"}),
    )
    .await;
    let owner = demo_token(
        &app,
        "/rental/operation/login",
        json!({"username": "owner", "password": "owner1234"}),
    )
    .await;
    let tenant = demo_token(
        &app,
        "/rental/operation/login",
        json!({"username": "tenant", "password": "tenant1234"}),
    )
    .await;
    let family_login = json!({"username": "parent", "password": "parent1234"});
    let parent = demo_token(
        &app,
        "/family/api/v1/user_manage/login/",
        family_login.clone(),
    )
    .await;
    let leaving = demo_token(&app, "/family/api/v1/user_manage/login/", family_login).await;
    let mut loners = Vec::new();
    for name in ["founder", "applicant"] {
        let body = json!({"username": name, "password": "password123", "pwdagain": "password123"});
        loners.push(demo_token(&app, "/family/api/v1/user_manage/register/", body).await);
    }
    let shop_login = |email: &str, password: &str| json!({"email": email, "password": password});
    let customer = demo_token(
        &app,
        "/shop/user/login",
        shop_login("customer@example.com", "customer1234"),
    )
    .await;
    let customer2 = demo_token(
        &app,
        "/shop/user/login",
        shop_login("customer2@example.com", "customer1234"),
    )
    .await;
    let seller1 = demo_token(
        &app,
        "/shop/user/login",
        shop_login("seller1@example.com", "seller1234"),
    )
    .await;
    let seller3 = demo_token(
        &app,
        "/shop/user/login",
        shop_login("seller3@example.com", "seller1234"),
    )
    .await;
    let new_seller = json!({"name": "新商家", "phone": "13700000002", "email": "new@example.com", "password": "password123"});
    assert!(succeeded(
        "/shop",
        &app.post("/shop/user/register/seller", new_seller, None)
            .await
            .1
    ));
    let founder_seller = demo_token(
        &app,
        "/shop/user/login",
        shop_login("new@example.com", "password123"),
    )
    .await;

    for (method, path, mut example) in examples {
        let token: Option<&str> = match path.as_str() {
            "/parking/api/order/new" => Some(&parking),
            "/labs/project/create" => Some(&student),
            "/labs/bulletin/create" => Some(&lab_leader),
            "/rental/data/addhouse" | "/rental/data/addrental" | "/rental/data/deal-details" => {
                Some(&owner)
            }
            "/rental/operation/apply-house" => Some(&tenant),
            "/family/api/v1/family/familyManage" => Some(&loners[0]),
            "/family/api/v1/user_manage/about_family" => Some(&loners[1]),
            "/family/api/v1/user_manage/logout" => {
                // The seed sends the session in the body; this one is live.
                example["token"] = json!(leaving);
                None
            }
            p if p.starts_with("/family/") && !p.contains("register") && !p.contains("login") => {
                Some(&parent)
            }
            "/shop/user/change-password" => Some(&customer2),
            "/shop/order/create" | "/shop/cart/add" => Some(&customer),
            "/shop/shop/create" => Some(&founder_seller),
            "/shop/shop/join_by_code" => Some(&seller3),
            p if p.contains("create_invitation_code") => Some(&seller1),
            _ => None,
        };
        let url = path.replace("{id}", "1");
        let (status, body) = app
            .send(method.parse().unwrap(), &url, Some(example.clone()), token)
            .await;
        assert_eq!(status, 200, "{method} {path} {example}: {body}");
        assert!(
            succeeded(&path, &body),
            "{method} {path} {example} was refused: {body}"
        );
    }
    app.stop().await;
}

/// A documented path with its parameters filled in from the demo data.
fn demo_path(path: &str) -> String {
    path.replace("{username}", "demo")
        .replace("{status}", "4")
        .replace("{id}", "1")
        .replace("{pid}", "1")
}

#[tokio::test]
async fn head_answers_every_get_route_like_get_without_a_body() {
    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let (_, doc) = app.get("/openapi.json", None).await;
    let mut paths: Vec<String> = vec!["/".into(), "/healthz".into(), "/docs/".into()];
    for (path, operations) in doc["paths"].as_object().unwrap() {
        if operations.get("get").is_some() {
            paths.push(demo_path(path));
        }
    }
    assert!(paths.len() > 40, "{paths:?}");
    for path in paths {
        let get = app.client.get(app.url(&path)).send().await.unwrap();
        let head = app.client.head(app.url(&path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_ne!(head.status(), 405, "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn every_answer_is_nosniff_and_private_answers_are_never_stored() {
    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let answer = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
        let mut request = app.client.request(method, app.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move { request.send().await.unwrap() }
    };
    use reqwest::Method;
    let private = [
        answer(
            Method::POST,
            "/shop/user/login",
            Some(json!({"email": "customer@example.com", "password": "customer1234"})),
        )
        .await,
        answer(
            Method::POST,
            "/family/api/v1/user_manage/login/",
            Some(json!({"username": "parent", "password": "parent1234"})),
        )
        .await,
        answer(Method::GET, "/labs/user/login/code", None).await,
        answer(Method::GET, "/rental/gethouselist", None).await,
        answer(Method::GET, "/parking/api/nothing", None).await,
        answer(
            Method::GET,
            &format!("/_/outbox.json?token={OPERATOR_TOKEN}"),
            None,
        )
        .await,
        answer(Method::GET, "/_/outbox", None).await,
    ];
    for response in private {
        let url = response.url().path().to_string();
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{url}"
        );
        assert_eq!(response.headers()["cache-control"], "no-store", "{url}");
    }
    for path in ["/", "/healthz", "/openapi.json", "/files/1", "/nothing"] {
        let response = answer(Method::GET, path, None).await;
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
        if path != "/nothing" {
            assert_ne!(
                response
                    .headers()
                    .get("cache-control")
                    .map(|v| v.to_str().unwrap()),
                Some("no-store"),
                "{path} may be cached"
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_login_from_another_site_gets_a_partitioned_cookie_and_the_token() {
    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let logins = [
        (
            "/shop/user/login",
            json!({"email": "customer@example.com", "password": "customer1234"}),
        ),
        (
            "/labs/user/login",
            json!({"sid": "20160030", "password": "student1234"}),
        ),
        (
            "/rental/operation/login",
            json!({"username": "tenant", "password": "tenant1234"}),
        ),
    ];
    // (page origin, Host the API was called by, partitioned?)
    let cases = [
        ("http://localhost:5173", format!("127.0.0.1:{port}"), true),
        ("http://127.0.0.1:5173", format!("127.0.0.1:{port}"), false),
        ("http://localhost:5173", format!("localhost:{port}"), false),
    ];
    for (path, body) in &logins {
        for (origin, host, partitioned) in &cases {
            let response = app
                .client
                .post(app.url(path))
                .header("origin", *origin)
                .header("host", host)
                .json(body)
                .send()
                .await
                .unwrap();
            let cookie = response.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .to_string();
            assert_eq!(response.headers()["access-control-allow-origin"], *origin);
            if *partitioned {
                assert!(
                    cookie.contains("; SameSite=None; Secure; Partitioned"),
                    "{path} {cookie}"
                );
                assert!(!cookie.contains("Lax"), "{cookie}");
            } else {
                assert!(
                    cookie.contains("SameSite=Lax") && !cookie.contains("Partitioned"),
                    "{path} {cookie}"
                );
            }
            assert!(cookie.contains("HttpOnly"), "{cookie}");
            let (_, answer) = common::json_of(response).await;
            let token = answer["data"]["token"]
                .as_str()
                .or(answer["token"].as_str())
                .unwrap()
                .to_string();
            assert!(
                cookie.contains(&token),
                "{path}: the answer's token is the cookie's"
            );
        }
    }
    // Without an Origin (curl, a server-side client) the cookie is Lax.
    let response = app
        .client
        .post(app.url(logins[0].0))
        .json(&logins[0].1)
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("SameSite=Lax")
    );
    // The answer's token works as Bearer.
    let (_, answer) = common::json_of(response).await;
    let token = answer["data"]["token"].as_str().unwrap();
    let (status, profile) = app.get("/shop/user/profile", Some(token)).await;
    assert_eq!(
        (status, &profile["data"]["email"]),
        (200, &json!("customer@example.com"))
    );
    app.stop().await;
}

/// Sends `bytes` on a new connection and returns what comes back until the
/// server closes it or `within` passes (then `None`).
async fn exchange(addr: &str, bytes: &[u8], within: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut answer)).await {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_healthz_keeps_answering() {
    let app = spawn_app_with(&[
        "--max-connections",
        "20",
        "--header-timeout",
        "1s",
        "--body-timeout",
        "1s",
    ])
    .await;
    let addr = app.base.trim_start_matches("http://").to_string();
    // Sixty clients send half a request head and then nothing: three
    // times the connection cap.
    let mut slow = Vec::new();
    for _ in 0..60 {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        use tokio::io::AsyncWriteExt;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    let started = Instant::now();
    let fresh = reqwest::Client::new();
    let health = tokio::time::timeout(
        Duration::from_secs(10),
        fresh.get(app.url("/healthz")).send(),
    )
    .await
    .expect("healthz answered under the slow clients")
    .unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    // Every slow client was closed by the server.
    for mut stream in slow {
        use tokio::io::AsyncReadExt;
        let mut rest = Vec::new();
        let closed =
            tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
        assert!(closed.is_ok(), "a slow client was kept open");
    }
    // A body that trickles: the domain's own envelope says why.
    let trickle = exchange(
        &addr,
        b"POST /parking/api/user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"username\"",
        Duration::from_secs(5),
    )
    .await
    .expect("the trickling body was answered");
    assert!(trickle.contains("did not arrive within 1 s"), "{trickle}");
    assert!(trickle.contains("\"code\""), "{trickle}");
    app.stop().await;
}

#[tokio::test]
async fn oversized_request_heads_get_431_and_long_addresses_414() {
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let within = Duration::from_secs(5);
    let huge_header = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(200 * 1024)
    );
    let answer = exchange(&addr, huge_header.as_bytes(), within)
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let many: String = (0..200).map(|n| format!("X-H{n}: v\r\n")).collect();
    let many_headers = format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n");
    let answer = exchange(&addr, many_headers.as_bytes(), within)
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let long = format!("/parking/api/parkinglot/list?q={}", "a".repeat(9000));
    let (status, body) = app.get(&long, None).await;
    assert_eq!(status, 414, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("longer than"),
        "{body}"
    );
    // Just under the limit is served.
    let fine = format!("/parking/api/parkinglot/list?q={}", "a".repeat(7000));
    let (status, _) = app.get(&fine, None).await;
    assert_eq!(status, 200);
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_database_fails_writes_clearly_keeps_reads_and_recovers() {
    let app = spawn_app_with(&["--max-db-size", "600KiB", "--domains", "parking"]).await;
    let padding = "p".repeat(200);
    let mut registered = 0;
    let mut full = None;
    for n in 0..20_000 {
        let (status, body) = app
            .post(
                "/parking/api/user/new",
                json!({"username": format!("u{n}"), "password": "secret123",
                       "email": format!("{padding}{n}@example.com")}),
                None,
            )
            .await;
        if body["code"] == 200 {
            registered += 1;
        } else {
            full = Some((status, body));
            break;
        }
    }
    let (status, body) = full.expect("the database never filled");
    assert!(registered > 10, "{registered}");
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["code"], 500, "{body}");
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .contains("the database is full"),
        "{body}"
    );
    // Nothing half-written: exactly the acknowledged users are there.
    let kept: i64 = app
        .db()
        .query_row("SELECT count(*) FROM parking_users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, registered);
    // Reads go on.
    let (status, lots) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!((status, lots["code"].clone()), (200, json!(200)), "{lots}");
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    // Space freed (the console empties parking): writes work again, no restart.
    let (status, done) = app
        .post(
            "/_/api/reset",
            json!({"domain": "parking", "demo": false}),
            Some(OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    let (_, body) = app
        .post(
            "/parking/api/user/new",
            json!({"username": "after", "password": "secret123", "email": "after@example.com"}),
            None,
        )
        .await;
    assert_eq!(body["code"], 200, "{body}");
    app.stop().await;
}
