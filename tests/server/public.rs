//! A front-end's folder served beside the API, and nothing outside it.

use super::*;

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
