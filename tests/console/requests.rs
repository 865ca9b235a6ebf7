//! The request log, its live feed and the line per request.

use super::*;
use common::TestApp;

/// A failed parking login (HTTP 200 with parking's own code, which is
/// returned), rental's test route with a token in its query, an unknown
/// shop path and a wrong method on a labs route.
async fn four_requests(app: &TestApp) -> i64 {
    let (status, body) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "nobody", "password": "wrong-password"}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let parking_code = body["code"].as_i64().unwrap();
    assert_ne!(parking_code, 200);
    app.get("/rental/test?token=secret-value&page=2", None)
        .await;
    app.get("/shop/no/such/api", None).await;
    app.send(reqwest::Method::DELETE, "/labs/user/login", None, None)
        .await;
    parking_code
}

/// The console's request list, with `query`.
async fn logged(app: &TestApp, query: &str) -> Value {
    let (status, list) = app
        .get(&format!("/_/api/requests{query}"), Some(OPERATOR_TOKEN))
        .await;
    assert_eq!(status, 200, "{list}");
    list
}

#[tokio::test]
async fn each_entry_has_its_domain_method_status_and_the_domains_own_code() {
    let app = spawn_app().await;
    let parking_code = four_requests(&app).await;
    let all = logged(&app, "").await.as_array().unwrap().clone();
    assert!(all.len() >= 3);
    assert!(
        all.iter()
            .all(|e| !e["path"].as_str().unwrap().starts_with("/_/")),
        "the console's own requests are not logged: {all:?}"
    );
    let login = all
        .iter()
        .find(|e| e["path"] == "/parking/api/user/login")
        .expect("the login is logged");
    assert_eq!(login["domain"], "parking");
    assert_eq!(login["method"], "POST");
    assert_eq!(login["status"], 200);
    assert_eq!(login["outcome"], parking_code);
    assert!(login["latency_ms"].as_f64().unwrap() >= 0.0);
    let rental = all.iter().find(|e| e["domain"] == "rental").unwrap();
    assert_eq!(rental["outcome"], 1);
    app.stop().await;
}

#[tokio::test]
async fn secrets_in_queries_and_bodies_never_reach_the_log() {
    let app = spawn_app().await;
    four_requests(&app).await;
    let all = logged(&app, "").await;
    let rental = all
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["domain"] == "rental")
        .unwrap();
    assert_eq!(rental["path"], "/rental/test?token=***&page=2");
    let text = all.to_string();
    assert!(!text.contains("secret-value"));
    assert!(!text.contains("wrong-password"));
    app.stop().await;
}

#[tokio::test]
async fn the_log_filters_by_domain_and_by_status_class() {
    let app = spawn_app().await;
    four_requests(&app).await;
    let shop = logged(&app, "?domain=shop").await;
    let shop = shop.as_array().unwrap();
    assert_eq!(shop.len(), 1);
    assert_eq!(shop[0]["status"], 404);
    assert_eq!(
        shop[0]["outcome"], 404,
        "an unrouted answer has its code too"
    );
    let missing = logged(&app, "?status=4xx").await;
    assert!(
        missing
            .as_array()
            .unwrap()
            .iter()
            .all(|e| [404, 405].contains(&e["status"].as_i64().unwrap()))
    );
    let labs = logged(&app, "?domain=labs").await;
    assert_eq!(labs[0]["status"], 405, "{labs}");
    assert_eq!(labs[0]["outcome"], 300, "{labs}");
    app.stop().await;
}

#[tokio::test]
async fn since_pages_the_log_and_a_since_that_is_not_an_id_is_400() {
    let app = spawn_app().await;
    four_requests(&app).await;
    let newest = logged(&app, "").await[0]["id"].as_u64().unwrap();
    assert_eq!(logged(&app, &format!("?since={newest}")).await, json!([]));
    let (status, refused) = app
        .get("/_/api/requests?since=yesterday", Some(OPERATOR_TOKEN))
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["error"].as_str().unwrap().contains("since"));
    app.stop().await;
}

#[tokio::test]
async fn the_live_feed_sends_each_request_as_it_is_answered() {
    let app = spawn_app().await;
    let mut feed = app
        .client
        .get(app.url("/_/api/requests/stream"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    // The feed is open once its headers arrive; ask for something now.
    app.get("/labs/user/type", None).await;
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = feed.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("/labs/user/type") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "{seen}");
    assert!(seen.contains("event:request"), "{seen}");
    let data = seen
        .lines()
        .find_map(|line| line.strip_prefix("data:"))
        .unwrap();
    let entry: Value = serde_json::from_str(data).unwrap();
    assert_eq!(entry["domain"], "labs");
    assert_eq!(entry["outcome"], 200);
    app.stop().await;
}

#[tokio::test]
async fn the_live_feed_resumes_from_last_event_id() {
    use common::sse::Stream;
    let app = spawn_app().await;
    app.get("/labs/user/type", None).await;
    app.get("/shop/shop/list", None).await;
    let (_, kept) = app
        .send(
            reqwest::Method::GET,
            "/_/api/requests",
            None,
            Some(OPERATOR_TOKEN),
        )
        .await;
    let kept = kept.as_array().expect("the kept entries").clone();
    let labs_id = kept
        .iter()
        .find(|e| e["path"] == "/labs/user/type")
        .and_then(|e| e["id"].as_u64())
        .expect("the labs request is kept");
    let last = (labs_id - 1).to_string();
    let mut feed = Stream::open(
        &app.client,
        &app.url("/_/api/requests/stream"),
        &[
            ("authorization", &format!("Bearer {OPERATOR_TOKEN}")),
            ("last-event-id", &last),
        ],
    )
    .await;
    assert!(feed.is_stream());
    let first = feed.next().await;
    assert_eq!((first.event.as_str(), first.id), ("request", Some(labs_id)));
    assert_eq!(first.data["path"], "/labs/user/type");
    assert_eq!(feed.next().await.data["path"], "/shop/shop/list");
    // Then live, with nothing sent twice.
    app.get("/parking/api/parkinglot/list", None).await;
    let live = feed.next().await;
    assert_eq!(live.data["path"], "/parking/api/parkinglot/list");
    assert!(live.id > Some(labs_id + 1));
    app.stop().await;
}
