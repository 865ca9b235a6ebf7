//! Resets of one domain or all, to demo data or empty, beside writes.

use super::*;

#[tokio::test]
async fn a_reset_brings_one_domain_back_to_its_demo_data_and_leaves_the_others() {
    let app = common::spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let demo = row_counts(&app);
    let accounts = |domain: &str| format!("{domain}_users");
    for domain in DOMAINS {
        assert!(register_account(&app, domain, "newcomer").await, "{domain}");
        assert_eq!(account_count(&app, &accounts(domain), "newcomer"), 1);
    }
    // A parking session from before the reset.
    let (_, login) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "demo", "password": "demo1234"}),
            None,
        )
        .await;
    let token = login["data"]["token"].as_str().unwrap().to_string();
    let (_, info) = app.get("/parking/api/user/info/demo", Some(&token)).await;
    assert_eq!(info["code"], 200, "{info}");

    for (n, domain) in DOMAINS.into_iter().enumerate() {
        let (status, done) = console_post(
            &app,
            "/_/api/reset",
            json!({"domain": domain, "demo": true}),
        )
        .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["reset"][0]["domain"], domain, "{done}");
        assert_eq!(done["reset"][0]["demo"], true);
        assert!(done["reset"][0]["removed"].as_u64().unwrap() > 0);
        assert_eq!(done["reset"].as_array().unwrap().len(), 1);
        // Its account made before is gone; its demo login works.
        assert_eq!(
            account_count(&app, &accounts(domain), "newcomer"),
            0,
            "{domain}"
        );
        let login = demo_login(&app, domain).await;
        assert!(succeeded(domain, &login), "{domain}: {login}");
        // Its tables hold exactly the demo rows again.
        let now = row_counts(&app);
        for (table, count) in &now {
            let of_domain =
                table.starts_with(&format!("{domain}_")) || table.ends_with(&format!("/{domain}"));
            if of_domain {
                assert_eq!(
                    demo.get(table),
                    Some(count),
                    "{table} after resetting {domain}"
                );
            }
        }
        // The domains not reset yet still have their accounts.
        for later in &DOMAINS[n + 1..] {
            assert_eq!(
                account_count(&app, &accounts(later), "newcomer"),
                1,
                "{later}"
            );
        }
    }
    // The session from before ended with its domain's reset.
    let (_, info) = app.get("/parking/api/user/info/demo", Some(&token)).await;
    assert_ne!(info["code"], 200, "{info}");
    app.stop().await;
}

#[tokio::test]
async fn a_reset_to_empty_clears_every_domain_and_what_was_remembered() {
    let app = common::spawn_app_with(&["--demo"]).await;
    // Remembered answers (the shop's product list) must not outlive it.
    let (_, before) = app.get("/shop/shop/products", None).await;
    assert!(before.to_string().contains("\"id\""), "{before}");
    let (_, lots) = app.get("/parking/api/parkinglot/list", None).await;
    assert!(!lots["data"].as_array().unwrap().is_empty(), "{lots}");

    let (status, done) = console_post(&app, "/_/api/reset", json!({"demo": false})).await;
    assert_eq!(status, 200, "{done}");
    let names: Vec<&str> = done["reset"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["domain"].as_str().unwrap())
        .collect();
    assert_eq!(names, DOMAINS);
    assert!(
        done["reset"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["demo"] == false)
    );
    for (table, count) in row_counts(&app) {
        assert_eq!(count, 0, "{table} is not empty");
    }
    let sessions: i64 = app
        .db()
        .query_row("SELECT count(*) FROM sessions", [], |row| row.get(0))
        .unwrap();
    assert_eq!(sessions, 0);
    let (_, lots) = app.get("/parking/api/parkinglot/list", None).await;
    assert_eq!(lots["data"], json!([]), "{lots}");
    let (_, after) = app.get("/shop/shop/products", None).await;
    assert!(!after.to_string().contains("\"id\""), "{after}");
    // And back: the demo logins work again.
    let (status, _) = console_post(&app, "/_/api/reset", json!({})).await;
    assert_eq!(status, 200);
    for domain in ["parking", "rental", "family", "shop"] {
        let login = demo_login(&app, domain).await;
        assert!(succeeded(domain, &login), "{domain}: {login}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_reset_refuses_what_it_cannot_do_and_changes_nothing() {
    let app = common::spawn_app_with(&["--demo", "--domains", "parking,shop"]).await;
    let before = row_counts(&app);
    for (body, status, says) in [
        (json!({"domain": "nope"}), 404, "no domain named nope"),
        (json!({"domain": "labs"}), 404, "no domain named labs"),
        (json!({"demo": "yes"}), 400, "demo"),
    ] {
        let (got, answer) = console_post(&app, "/_/api/reset", body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["error"].as_str().unwrap().contains(says), "{answer}");
    }
    let broken = app
        .client
        .post(app.url("/_/api/reset"))
        .bearer_auth(OPERATOR_TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    // Without the token it is not there at all.
    let (status, _) = app.post("/_/api/reset", json!({}), None).await;
    assert_eq!(status, 404);
    assert_eq!(row_counts(&app), before);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resets_racing_with_writes_never_break_the_data() {
    let app = common::spawn_app_with(&["--demo"]).await;
    let demo = row_counts(&app);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|n| tokio::spawn(race(n, app.client.clone(), app.base.clone(), stop.clone())))
        .collect();
    for n in 0..6 {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let (status, done) = console_post(&app, "/_/api/reset", json!({"demo": n % 3 != 1})).await;
        assert_eq!(status, 200, "{done}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut answers = Vec::new();
    for writer in writers {
        answers.extend(writer.await.unwrap());
    }
    assert!(
        answers.len() > 20,
        "the writers hardly ran: {}",
        answers.len()
    );
    for (path, status, answer) in &answers {
        assert!(*status < 500, "{path}: {status} {answer}");
        let domain = &path[1..path[1..].find('/').unwrap() + 1];
        let envelope = match domain {
            "shop" => answer.get("code").is_some() && answer.get("success").is_some(),
            _ => answer.get("code").is_some() && answer.get("msg").is_some(),
        };
        assert!(envelope, "{path}: {answer}");
    }
    let problems: Vec<String> = app
        .db()
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    // Quiet again, a last reset gives exactly the demo rows.
    let (status, _) = console_post(&app, "/_/api/reset", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(row_counts(&app), demo);
    app.stop().await;
}

/// One writer racing the resets until `stop`: shop registrations, logins
/// and orders, each beside a parking registration; every answer.
async fn race(
    n: usize,
    client: reqwest::Client,
    base: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Vec<(&'static str, u16, Value)> {
    let mut answers = Vec::new();
    let mut token: Option<String> = None;
    let mut i = 0;
    let call = |path: &str, body: Value, token: Option<&String>| {
        let mut request = client.post(format!("{base}{path}")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        i += 1;
        let (path, body) = match (i % 3, &token) {
            (0, _) => (
                "/shop/user/register/customer",
                json!({"name": "racer", "phone": "13800000000",
                       "email": format!("racer{n}-{i}@example.com"), "password": "secret123"}),
            ),
            (_, None) => (
                "/shop/user/login",
                json!({"email": "customer@example.com", "password": "customer1234"}),
            ),
            (_, Some(_)) => ("/shop/order/create", json!({"product_id": 1 + i % 5})),
        };
        let (status, answer) =
            common::json_of(call(path, body, token.as_ref()).await.unwrap()).await;
        if path == "/shop/user/login" {
            token = answer["data"]["token"].as_str().map(str::to_string);
        } else if status == 401 {
            token = None;
        }
        answers.push((path, status, answer));
        // Parking's reservation, under the same resets.
        let parking = json!({"username": format!("racer{n}x{i}"), "password": "secret123",
                             "email": format!("racer{n}x{i}@example.com")});
        let (status, answer) =
            common::json_of(call("/parking/api/user/new", parking, None).await.unwrap()).await;
        answers.push(("/parking/api/user/new", status, answer));
    }
    answers
}
