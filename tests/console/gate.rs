//! The token gate, the sign-in cookie, the start-up banner and the kept token.

use super::*;

#[tokio::test]
async fn every_console_path_is_absent_without_the_token() {
    let app = spawn_app().await;
    let upper = OPERATOR_TOKEN.to_uppercase();
    for path in [
        "/_/".to_string(),
        "/_/requests".into(),
        "/_/api/requests".into(),
        "/_/api/requests/stream".into(),
        "/_/outbox.json?token=wrong".into(),
        format!("/_/api/requests?token={upper}"),
    ] {
        let answer = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(answer.status(), 404, "{path}");
        let wrong = app
            .client
            .get(app.url(&path))
            .bearer_auth("not-the-token")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 404, "{path} with a wrong token");
    }
    let (status, _) = app.get("/_/api/requests", Some(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_cleans_the_address() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .get(app.url(&format!("/_/?token={OPERATOR_TOKEN}")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.headers()["location"], "/_/");
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_string();
    for part in ["onebox_operator=", "HttpOnly", "SameSite=Strict", "Path=/_"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let pair = cookie.split(';').next().unwrap().to_string();
    let page = client
        .get(app.url("/_/requests"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("requests.js"));
    let home = client
        .get(app.url("/_/"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("onebox console"));
    // A write from another site's page is refused even with the cookie.
    let forged = client
        .post(app.url("/_/api/requests"))
        .header("cookie", &pair)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn the_banner_names_the_file_and_the_token_is_kept_as_a_digest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("class.db");
    let (mut first, lines) = start_printing(&db, &[]);
    let listening = line_with(&lines, "onebox listening on").unwrap();
    let base = listening
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let database = line_with(&lines, "database:").unwrap();
    assert!(database.contains(&db.display().to_string()), "{database}");
    assert!(database.ends_with("(created)"), "{database}");
    assert!(line_with(&lines, "API docs:").unwrap().ends_with("/docs/"));
    let console = line_with(&lines, "console:").unwrap();
    let token = console
        .split("token=")
        .nth(1)
        .expect("a new token is shown")
        .trim()
        .to_string();
    let client = reqwest::Client::new();
    let status = async |base: &str, token: &str| {
        client
            .get(format!("{base}/_/api/requests"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status(&base, &token).await, 200);
    // One line per request on standard output.
    client.get(format!("{base}/healthz")).send().await.unwrap();
    let line = line_with(&lines, "GET /healthz").unwrap();
    assert!(
        line.starts_with("GET /healthz 200 ") && line.ends_with("ms"),
        "{line}"
    );
    let _ = first.kill();
    let _ = first.wait();

    let stored: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT value FROM settings WHERE name = 'operator_token_sha256'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored.contains(&token) && stored.len() == 64);

    let (mut second, lines) = start_printing(&db, &["--quiet"]);
    let listening = line_with(&lines, "onebox listening on").unwrap();
    let base = listening
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    assert!(
        line_with(&lines, "database:")
            .unwrap()
            .ends_with("(opened)")
    );
    let console = line_with(&lines, "console:").unwrap();
    assert!(!console.contains("token="), "{console}");
    assert_eq!(
        status(&base, &token).await,
        200,
        "the kept token still works"
    );
    // Quiet: no request lines (an unquiet server prints one within
    // milliseconds).
    client.get(format!("{base}/healthz")).send().await.unwrap();
    assert!(line_within(&lines, "GET /healthz", Duration::from_secs(1)).is_none());

    // A new token from the command line works at once; the old one stops.
    let output = binary()
        .args(["operator-token", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let renewed = printed
        .split_whitespace()
        .nth(2)
        .expect("operator token: T")
        .to_string();
    assert_eq!(status(&base, &renewed).await, 200);
    assert_eq!(status(&base, &token).await, 404);
    let _ = second.kill();
    let _ = second.wait();
}

#[tokio::test]
async fn the_flag_token_is_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("flag.db");
    let server = RunningBinary::start(&db, &["--admin-token", "for-this-run"]);
    let answer = reqwest::Client::new()
        .get(server.url("/_/api/requests"))
        .bearer_auth("for-this-run")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    server.kill();
    let kept: Option<String> = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT value FROM settings", [], |r| r.get(0))
        .ok();
    assert!(kept.is_none_or(|digest| !digest.contains("for-this-run")));
}
