//! What browsers are told: CORS, cookies across sites, nosniff and caching, files and the outbox.

use super::*;

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
