//! The API document and the docs page, checked against the routes.

use super::*;

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
