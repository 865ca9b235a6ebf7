//! Delays, shutdown, slow or oversized requests and a full database.

use super::*;

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
