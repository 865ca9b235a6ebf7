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

/// A started binary, the lines it prints, and its address.
struct Printing {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    base: String,
}

impl Printing {
    fn start(db: &std::path::Path, extra: &[&str]) -> Printing {
        let (child, lines) = start_printing(db, extra);
        let listening = line_with(&lines, "onebox listening on").unwrap();
        let base = listening
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .to_string();
        Printing { child, lines, base }
    }

    /// The status of the console's request list with `token`.
    async fn console_status(&self, token: &str) -> u16 {
        reqwest::Client::new()
            .get(format!("{}/_/api/requests", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn get_healthz(&self) {
        reqwest::get(format!("{}/healthz", self.base))
            .await
            .unwrap();
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a new file once and stops it; the token its banner showed.
async fn token_of_a_first_start(db: &std::path::Path) -> String {
    let first = Printing::start(db, &[]);
    let console = line_with(&first.lines, "console:").unwrap();
    let token = console
        .split("token=")
        .nth(1)
        .expect("a new token is shown")
        .trim()
        .to_string();
    first.kill();
    token
}

#[tokio::test]
async fn the_banner_of_a_new_file_names_it_and_shows_a_token_that_opens_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("class.db");
    let first = Printing::start(&db, &[]);
    let database = line_with(&first.lines, "database:").unwrap();
    assert!(database.contains(&db.display().to_string()), "{database}");
    assert!(database.ends_with("(created)"), "{database}");
    assert!(
        line_with(&first.lines, "API docs:")
            .unwrap()
            .ends_with("/docs/")
    );
    let console = line_with(&first.lines, "console:").unwrap();
    let token = console
        .split("token=")
        .nth(1)
        .expect("a new token is shown");
    assert_eq!(first.console_status(token.trim()).await, 200);
    first.kill();
}

#[tokio::test]
async fn each_request_is_a_line_on_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let server = Printing::start(&dir.path().join("class.db"), &[]);
    server.get_healthz().await;
    let line = line_with(&server.lines, "GET /healthz").unwrap();
    assert!(
        line.starts_with("GET /healthz 200 ") && line.ends_with("ms"),
        "{line}"
    );
    server.kill();
}

#[tokio::test]
async fn the_token_is_kept_as_a_digest_and_a_restart_does_not_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("class.db");
    let token = token_of_a_first_start(&db).await;
    let stored: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT value FROM settings WHERE name = 'operator_token_sha256'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored.contains(&token) && stored.len() == 64);

    let second = Printing::start(&db, &["--quiet"]);
    assert!(
        line_with(&second.lines, "database:")
            .unwrap()
            .ends_with("(opened)")
    );
    let console = line_with(&second.lines, "console:").unwrap();
    assert!(!console.contains("token="), "{console}");
    assert_eq!(
        second.console_status(&token).await,
        200,
        "the kept token still works"
    );
    second.kill();
}

#[tokio::test]
async fn a_quiet_server_prints_no_request_lines() {
    let dir = tempfile::tempdir().unwrap();
    let server = Printing::start(&dir.path().join("class.db"), &["--quiet"]);
    // An unquiet server prints one within milliseconds.
    server.get_healthz().await;
    assert!(line_within(&server.lines, "GET /healthz", Duration::from_secs(1)).is_none());
    server.kill();
}

#[tokio::test]
async fn a_new_token_from_the_command_line_works_at_once_and_the_old_one_stops() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("class.db");
    let token = token_of_a_first_start(&db).await;
    let server = Printing::start(&db, &["--quiet"]);
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
    assert_eq!(server.console_status(&renewed).await, 200);
    assert_eq!(server.console_status(&token).await, 404);
    server.kill();
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
