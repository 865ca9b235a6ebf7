//! The overview's counts, and faults set for a domain.

use super::*;

#[tokio::test]
async fn the_overview_counts_each_domain_and_the_server() {
    let app = common::spawn_app_with(&["--demo"]).await;
    parking_login(&app, "demo1234").await;
    let (status, overview) = app.get("/_/api/overview", Some(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200);
    let domains = overview["domains"].as_array().unwrap();
    assert_eq!(domains.len(), 5);
    for domain in domains {
        assert!(domain["accounts"].as_i64().unwrap() >= 1, "{domain}");
        assert!(domain["tables"].as_object().unwrap().len() >= 2, "{domain}");
    }
    let parking = domains.iter().find(|d| d["domain"] == "parking").unwrap();
    assert_eq!(parking["sessions"], 1);
    let lots: i64 = app
        .db()
        .query_row("SELECT count(*) FROM parking_lots", [], |r| r.get(0))
        .unwrap();
    assert_eq!(parking["tables"]["parking_lots"], lots);
    assert!(overview["database"]["bytes"].as_u64().unwrap() > 0);
    assert!(
        overview["database"]["path"]
            .as_str()
            .unwrap()
            .ends_with("test.db")
    );
    assert!(overview["requests"].as_u64().unwrap() >= 1);
    assert_eq!(overview["server_errors"], 0);
    assert_eq!(overview["last_backup"], Value::Null);
    let backup = app
        .client
        .get(app.url("/_/api/backup"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(backup.status(), 200);
    let (_, after) = app.get("/_/api/overview", Some(OPERATOR_TOKEN)).await;
    assert!(
        after["last_backup"].as_str().unwrap().ends_with('Z'),
        "{after}"
    );
    app.stop().await;
}

#[tokio::test]
async fn faults_slow_a_domain_and_fail_its_answers_in_its_own_envelope() {
    let app = common::spawn_app_with(&["--fault", "rental:delay=150"]).await;
    let (status, faults) = app.get("/_/api/faults", Some(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200);
    let rental = faults
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["domain"] == "rental")
        .unwrap();
    assert_eq!(
        (rental["delay_ms"].as_u64(), rental["error_rate"].as_f64()),
        (Some(150), Some(0.0))
    );
    let started = std::time::Instant::now();
    let (status, body) = app.post("/rental/test", json!({}), None).await;
    assert_eq!((status, body["state"].as_i64()), (200, Some(1)));
    assert!(started.elapsed() >= Duration::from_millis(150));

    // Every shop answer fails with shop's own server-error envelope.
    let put = |body: Value| {
        let app = &app;
        async move {
            let response = app
                .client
                .put(app.url("/_/api/faults"))
                .bearer_auth(OPERATOR_TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            common::json_of(response).await
        }
    };
    let (status, _) = put(json!({"domain": "shop", "error_rate": 1})).await;
    assert_eq!(status, 200);
    let (status, failed) = app.get("/shop/shop", None).await;
    assert_eq!(status, 500);
    assert_eq!(failed["success"], false, "{failed}");
    assert!(failed["code"].is_i64(), "{failed}");
    let (status, labs) = app.get("/labs/lab/get/all", None).await;
    assert_eq!(status, 200, "other domains answer as usual: {labs}");
    let (_, requests) = app
        .get("/_/api/requests?status=5xx", Some(OPERATOR_TOKEN))
        .await;
    assert_eq!(requests[0]["domain"], "shop");
    // Turned off, shop answers again.
    let (status, faults) = put(json!({"domain": "shop", "error_rate": 0, "delay_ms": 0})).await;
    assert_eq!(status, 200, "{faults}");
    assert_eq!(app.get("/shop/shop", None).await.0, 200);

    for (body, status) in [
        (json!({"domain": "nosuch", "error_rate": 0.5}), 404),
        (json!({"domain": "shop", "error_rate": 1.5}), 400),
        (json!({"domain": "shop", "delay_ms": 999999}), 400),
        (json!({"domain": "shop", "delay_ms": "slow"}), 400),
        (json!({"error_rate": 0.5}), 400),
    ] {
        let (got, answer) = put(body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["error"].is_string(), "{body}: {answer}");
    }
    app.stop().await;
    for bad in ["shop", "shop:errors=2", "nosuch:delay=1"] {
        let output = binary()
            .args(["serve", "--listen", "127.0.0.1:0", "--fault", bad])
            .arg("--db")
            .arg(tempfile::tempdir().unwrap().path().join("x.db"))
            .output()
            .unwrap();
        assert!(!output.status.success(), "{bad}");
    }
}
