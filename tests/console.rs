//! The operator console under `/_/` over real HTTP: the token gate, the
//! sign-in cookie, the kept token, the request log and its live feed, the
//! start-up banner and the line per request.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use common::{OPERATOR_TOKEN, RunningBinary, binary, spawn_app};
use serde_json::{Value, json};

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
async fn the_request_log_has_each_domains_own_code_and_masks_secrets() {
    let app = spawn_app().await;
    // Parking answers HTTP 200 with its own code for a failed login.
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
    let (status, all) = app.get("/_/api/requests", Some(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200);
    let all = all.as_array().unwrap().clone();
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
    assert_eq!(rental["path"], "/rental/test?token=***&page=2");
    assert_eq!(rental["outcome"], 1);
    assert!(
        !serde_json::to_string(&all)
            .unwrap()
            .contains("secret-value")
    );
    assert!(
        !serde_json::to_string(&all)
            .unwrap()
            .contains("wrong-password")
    );

    let (_, shop) = app
        .get("/_/api/requests?domain=shop", Some(OPERATOR_TOKEN))
        .await;
    let shop = shop.as_array().unwrap();
    assert_eq!(shop.len(), 1);
    assert_eq!(shop[0]["status"], 404);
    assert_eq!(
        shop[0]["outcome"], 404,
        "an unrouted answer has its code too"
    );
    let (_, missing) = app
        .get("/_/api/requests?status=4xx", Some(OPERATOR_TOKEN))
        .await;
    assert!(
        missing
            .as_array()
            .unwrap()
            .iter()
            .all(|e| [404, 405].contains(&e["status"].as_i64().unwrap()))
    );
    let (_, labs) = app
        .get("/_/api/requests?domain=labs", Some(OPERATOR_TOKEN))
        .await;
    assert_eq!(labs[0]["status"], 405, "{labs}");
    assert_eq!(labs[0]["outcome"], 300, "{labs}");
    let newest = all[0]["id"].as_u64().unwrap();
    let (_, none) = app
        .get(
            &format!("/_/api/requests?since={newest}"),
            Some(OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(none, json!([]));
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

/// Starts the binary on `db` and returns it with every line it prints.
fn start_printing(
    db: &std::path::Path,
    extra: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = binary()
        .arg("serve")
        .arg("--db")
        .arg(db)
        .args(["--listen", "127.0.0.1:0", "--bcrypt-cost", "4"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}

/// The next line containing `needle`, waiting at most 10 s.
fn line_with(lines: &std::sync::mpsc::Receiver<String>, needle: &str) -> Option<String> {
    line_within(lines, needle, Duration::from_secs(10))
}

fn line_within(
    lines: &std::sync::mpsc::Receiver<String>,
    needle: &str,
    wait: Duration,
) -> Option<String> {
    let deadline = std::time::Instant::now() + wait;
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return Some(line),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
    None
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_pages_work_in_a_browser() {
    use common::chromium::{self, Browser};
    let Some(executable) = chromium::find() else {
        assert!(
            std::env::var_os("ONEBOX_REQUIRE_BROWSER").is_none(),
            "ONEBOX_REQUIRE_BROWSER is set but no chromium is on PATH"
        );
        println!("browser test skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let app = common::spawn_app_with(&["--demo"]).await;
    assert!(register_account(&app, "shop", "late").await);
    let base = app.base.clone();
    let client = app.client.clone();
    let runtime = tokio::runtime::Handle::current();
    let seen = tokio::task::spawn_blocking(move || {
        let mut browser = Browser::launch(&executable);
        // Signing in keeps the token in a cookie and lands on the console.
        let home = browser.open(&format!("{base}/_/?token={OPERATOR_TOKEN}"));
        let title = browser.evaluate(&home, "document.querySelector('h1').textContent");
        assert_eq!(title, json!("onebox console"));
        let soon = Duration::from_secs(10);
        browser.wait_for(
            &home,
            "document.querySelectorAll('#domains tr').length === 5 && \
             document.getElementById('summary').textContent.includes('requests')",
            soon,
        );
        assert_eq!(browser.evaluate(&home, "location.pathname"), json!("/_/"));
        // The landing page links the console, which the cookie opens.
        let landing = browser.open(&format!("{base}/"));
        browser.evaluate(&landing, "document.querySelector('a[href=\"/_/\"]').click(); true");
        browser.wait_for(
            &landing,
            "location.pathname === '/_/' && document.querySelector('h1')?.textContent === 'onebox console'",
            soon,
        );
        // The request page, with the cookie alone.
        let tab = browser.open(&format!("{base}/_/requests"));
        browser.wait_for(
            &tab,
            "document.getElementById('live').textContent === 'live'",
            soon,
        );
        runtime.block_on(async {
            client.get(format!("{base}/labs/user/type")).send().await.unwrap();
        });
        let row = "[...document.querySelectorAll('#rows tr')].some(tr => \
                   tr.textContent.includes('GET /labs/user/type') && tr.textContent.includes('labs'))";
        browser.wait_for(&tab, row, soon);
        // The data browser: pick a table, see its rows, secrets hidden.
        let data = browser.open(&format!("{base}/_/data"));
        browser.wait_for(
            &data,
            "document.getElementById('where').textContent.includes('rows')",
            soon,
        );
        browser.evaluate(
            &data,
            "const pick = document.getElementById('table'); pick.value = 'parking_users'; \
             pick.dispatchEvent(new Event('change')); true",
        );
        browser.wait_for(
            &data,
            "document.getElementById('where').textContent.startsWith('parking_users') && \
             [...document.querySelectorAll('#rows td')].some(td => td.textContent === 'demo') && \
             [...document.querySelectorAll('#rows td')].some(td => td.textContent === '(hidden)') && \
             ![...document.querySelectorAll('#rows td')].some(td => td.textContent.startsWith('$2'))",
            soon,
        );
        // A write from the console's own page passes the Origin check.
        let accounts = browser.open(&format!("{base}/_/accounts"));
        browser.evaluate(
            &accounts,
            "document.querySelector('#throttle button').click(); true",
        );
        browser.wait_for(
            &accounts,
            "document.getElementById('result').textContent.startsWith('cleared: ')",
            soon,
        );
        // Reset a domain from its page: the button waits for the checkbox.
        let reset = browser.open(&format!("{base}/_/reset"));
        browser.wait_for(
            &reset,
            "[...document.querySelectorAll('select[name=domain] option')].some(o => o.value === 'shop')",
            soon,
        );
        let armed = browser.evaluate(
            &reset,
            "(() => { const form = document.getElementById('reset'); \
             const before = form.querySelector('button').disabled; \
             form.domain.value = 'shop'; form.sure.click(); \
             const after = form.querySelector('button').disabled; \
             form.querySelector('button').click(); return [before, after]; })()",
        );
        assert_eq!(armed, json!([true, false]), "the reset button is armed by the checkbox");
        browser.wait_for(
            &reset,
            "document.getElementById('result').textContent.startsWith('shop: ') && \
             document.getElementById('result').textContent.includes('demo data back')",
            soon,
        );
        // Filtering by another domain hides it.
        browser.evaluate(
            &tab,
            "document.querySelector('select[name=domain]').value = 'shop'; \
             document.getElementById('filter').dispatchEvent(new Event('change')); true",
        );
        browser.evaluate(&tab, row)
    })
    .await
    .unwrap();
    assert_eq!(
        seen,
        json!(false),
        "the shop filter still shows the labs row"
    );
    assert_eq!(
        account_count(&app, "shop_users", "late"),
        0,
        "the reset page left the account made before it"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_data_browser_shows_every_table_but_no_secret() {
    let app = common::spawn_app_with(&["--demo", "--captcha", "off"]).await;
    // A live session and a mailed code, so their tables have rows.
    let (_, login) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "demo", "password": "demo1234"}),
            None,
        )
        .await;
    let session = login["data"]["token"].as_str().unwrap().to_string();
    app.post(
        "/labs/user/register/mail",
        json!({"email": "new@example.com"}),
        None,
    )
    .await;
    let mailed_code: String = common::outbox(&app).await[0]["body"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_string();

    let (status, tables) = app.get("/_/api/tables", Some(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200);
    let tables = tables.as_array().unwrap();
    let names: Vec<&str> = tables
        .iter()
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    for table in [
        "sessions",
        "files",
        "outbox",
        "settings",
        "parking_users",
        "labs_codes",
        "rental_houses",
        "family_bills",
        "shop_products",
    ] {
        assert!(names.contains(&table), "{table} not in {names:?}");
    }
    let sessions = tables.iter().find(|t| t["table"] == "sessions").unwrap();
    assert_eq!(sessions["domain"], "shared");
    assert!(sessions["rows"].as_i64().unwrap() >= 1);
    for table in tables {
        let name = table["table"].as_str().unwrap();
        let pages = {
            let (status, page) = app
                .get(&format!("/_/api/tables/{name}"), Some(OPERATOR_TOKEN))
                .await;
            assert_eq!(status, 200, "{name}: {page}");
            page["pages"].as_i64().unwrap()
        };
        for number in 1..=pages {
            let (_, page) = app
                .get(
                    &format!("/_/api/tables/{name}?page={number}"),
                    Some(OPERATOR_TOKEN),
                )
                .await;
            let text = page.to_string();
            assert!(
                !text.contains("$2b$") && !text.contains("$2y$"),
                "{name}: a bcrypt hash"
            );
            assert!(!text.contains(&session), "{name}: a session token");
            assert!(!text.contains(&mailed_code), "{name}: a mailed code");
            assert!(!text.contains(OPERATOR_TOKEN), "{name}: the operator token");
            for column in page["columns"].as_array().unwrap() {
                let column_name = column["name"].as_str().unwrap();
                let secret = column_name.contains("hash")
                    || ["code", "answer", "bytes"].contains(&column_name);
                if secret {
                    assert_eq!(column["hidden"], true, "{name}.{column_name}");
                    for row in page["rows"].as_array().unwrap() {
                        assert_eq!(row[column_name], "(hidden)", "{name}.{column_name}");
                    }
                }
            }
        }
    }

    // Search, sort and paging over the schema's own names only.
    let (_, users) = app
        .get(
            "/_/api/tables/parking_users?q=dem&sort=username&desc=true",
            Some(OPERATOR_TOKEN),
        )
        .await;
    assert!(users["total"].as_i64().unwrap() >= 1);
    assert!(
        users["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["username"].as_str().unwrap().contains("dem"))
    );
    let (_, none) = app
        .get(
            "/_/api/tables/parking_users?q=%25_nobody",
            Some(OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(none["total"], 0, "% and _ are searched as themselves");
    for (path, status) in [
        ("/_/api/tables/no_such_table", 404),
        ("/_/api/tables/parking_users;DROP%20TABLE%20x", 404),
        ("/_/api/tables/parking_users?sort=nope", 400),
        ("/_/api/tables/parking_users?sort=password_hash", 400),
        ("/_/api/tables/parking_users?page=0", 400),
        ("/_/api/tables/parking_users?page=x", 400),
    ] {
        let (got, body) = app.get(path, Some(OPERATOR_TOKEN)).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(body["error"].is_string(), "{path}: {body}");
    }
    let (_, far) = app
        .get("/_/api/tables/parking_users?page=99", Some(OPERATOR_TOKEN))
        .await;
    assert_eq!(far["rows"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn a_backup_downloads_as_a_database_that_opens() {
    let app = common::spawn_app_with(&["--demo"]).await;
    let answer = app
        .client
        .get(app.url("/_/api/backup"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/vnd.sqlite3");
    let disposition = answer.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"onebox-"),
        "{disposition}"
    );
    let bytes = answer.bytes().await.unwrap();
    let copy = app.dir.path().join("downloaded.db");
    std::fs::write(&copy, &bytes).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let count = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM parking_lots", [], |r| r.get(0))
            .unwrap()
    };
    assert!(count(&conn) > 0);
    assert_eq!(count(&conn), count(&app.db()));
    let absent = app
        .client
        .get(app.url("/_/api/backup"))
        .send()
        .await
        .unwrap();
    assert_eq!(absent.status(), 404);
    app.stop().await;
}

/// Parking's `code` for a login with these credentials.
async fn parking_login(app: &common::TestApp, password: &str) -> (i64, Option<String>) {
    let (_, body) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "demo", "password": password}),
            None,
        )
        .await;
    let token = body["data"]["token"].as_str().map(str::to_string);
    (body["code"].as_i64().unwrap(), token)
}

async fn console_post(app: &common::TestApp, path: &str, body: Value) -> (u16, Value) {
    app.post(path, body, Some(OPERATOR_TOKEN)).await
}

#[tokio::test]
async fn an_operator_can_reset_a_password_end_sessions_and_clear_lockouts() {
    let app = common::spawn_app_with(&["--demo"]).await;
    let (code, token) = parking_login(&app, "demo1234").await;
    assert_eq!(code, 200);
    let token = token.unwrap();
    let user_id: i64 = app
        .db()
        .query_row(
            "SELECT id FROM parking_users WHERE username = 'demo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let info = |token: String| {
        let app = &app;
        async move {
            app.get("/parking/api/user/info/demo", Some(&token)).await.1["code"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(info(token.clone()).await, 200);

    // A new password: the old one and the old session stop working.
    let path = format!("/_/api/accounts/parking/{user_id}/password");
    let (status, done) = console_post(&app, &path, json!({"password": "class-2026"})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["sessions_ended"], 1);
    assert_ne!(info(token).await, 200);
    assert_ne!(parking_login(&app, "demo1234").await.0, 200);
    let (code, token) = parking_login(&app, "class-2026").await;
    assert_eq!(code, 200);

    // Ending the sessions alone.
    let (status, done) = console_post(
        &app,
        &format!("/_/api/accounts/parking/{user_id}/logout"),
        json!({}),
    )
    .await;
    assert_eq!((status, done["sessions_ended"].as_i64()), (200, Some(1)));
    assert_ne!(info(token.unwrap()).await, 200);

    // Ten typos lock the account; clearing the counts lets it in again.
    for _ in 0..10 {
        parking_login(&app, "typo-typo").await;
    }
    let (_, locked) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "demo", "password": "class-2026"}),
            None,
        )
        .await;
    assert!(
        locked["msg"].as_str().unwrap().contains("minute"),
        "{locked}"
    );
    let (status, cleared) = console_post(&app, "/_/api/throttle/clear", json!({})).await;
    assert_eq!(status, 200);
    assert!(cleared["cleared"].as_i64().unwrap() >= 1);
    assert_eq!(parking_login(&app, "class-2026").await.0, 200);

    // Mistakes are 4xx with the reason, and change nothing.
    for (path, body, status) in [
        (
            format!("/_/api/accounts/parking/{user_id}/password"),
            json!({"password": "short"}),
            400,
        ),
        (
            format!("/_/api/accounts/parking/{user_id}/password"),
            json!({}),
            400,
        ),
        (
            "/_/api/accounts/parking/999999/password".to_string(),
            json!({"password": "long-enough-1"}),
            404,
        ),
        (
            "/_/api/accounts/nosuch/1/logout".to_string(),
            json!({}),
            404,
        ),
        (
            "/_/api/accounts/parking/999999/logout".to_string(),
            json!({}),
            404,
        ),
    ] {
        let (got, answer) = console_post(&app, &path, body).await;
        assert_eq!(got, status, "{path}: {answer}");
        assert!(answer["error"].is_string(), "{path}: {answer}");
    }
    assert_eq!(parking_login(&app, "class-2026").await.0, 200);
    // A page of another site cannot post here, token cookie or not.
    let forged = app
        .client
        .post(app.url("/_/api/throttle/clear"))
        .bearer_auth(OPERATOR_TOKEN)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn the_login_throttle_can_be_raised_or_turned_off() {
    let off = common::spawn_app_with(&["--demo", "--login-throttle", "off"]).await;
    for _ in 0..15 {
        parking_login(&off, "typo-typo").await;
    }
    assert_eq!(parking_login(&off, "demo1234").await.0, 200);
    off.stop().await;
    let strict = common::spawn_app_with(&["--demo", "--login-throttle", "2"]).await;
    for _ in 0..2 {
        parking_login(&strict, "typo-typo").await;
    }
    assert_ne!(parking_login(&strict, "demo1234").await.0, 200);
    strict.stop().await;
    for bad in ["0", "many", "-1"] {
        let output = binary()
            .args(["serve", &format!("--login-throttle={bad}")])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{bad}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("off"),
            "{bad}"
        );
    }
}

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

/// Whether `body` is the domain's own success envelope.
fn succeeded(domain: &str, body: &Value) -> bool {
    match domain {
        "parking" | "family" => body["code"] == 200,
        "labs" => body["status"] == 200,
        "rental" => body["state"] == 1,
        "shop" => body["code"] == 0,
        other => panic!("no domain {other}"),
    }
}

/// Makes an account named after `name` through the domain's own API.
async fn register_account(app: &common::TestApp, domain: &str, name: &str) -> bool {
    const PASSWORD: &str = "secret123";
    let (path, body) = match domain {
        "parking" => (
            "/parking/api/user/new",
            json!({"username": name, "password": PASSWORD, "email": format!("{name}@example.com")}),
        ),
        "labs" => {
            let email = format!("{name}@example.com");
            let (_, sent) = app
                .post("/labs/user/register/mail", json!({"email": email}), None)
                .await;
            assert!(succeeded("labs", &sent), "{sent}");
            let mail = common::outbox(app)
                .await
                .into_iter()
                .rev()
                .find(|m| m["to"] == email.as_str())
                .expect("the code was mailed");
            let code = common::code_in(mail["body"].as_str().unwrap()).unwrap();
            (
                "/labs/user/register/code",
                json!({"email": email, "code": code, "name": name, "password": PASSWORD,
                       "sid": name, "phone": "13800000000"}),
            )
        }
        "rental" => (
            "/rental/operation/register",
            json!({"username": name, "password": PASSWORD, "name": "张三", "id_type": "身份证",
                   "id_number": "110101199001011234", "phone": "13800000000", "city": "北京"}),
        ),
        "family" => (
            "/family/api/v1/user_manage/register/",
            json!({"username": name, "password": PASSWORD, "pwdagain": PASSWORD}),
        ),
        "shop" => (
            "/shop/user/register/customer",
            json!({"name": name, "phone": "13800000000", "email": format!("{name}@example.com"),
                   "password": PASSWORD}),
        ),
        other => panic!("no domain {other}"),
    };
    let (_, answer) = app.post(path, body, None).await;
    succeeded(domain, &answer)
}

/// Logs in as the domain's first demo user; the answer's body.
async fn demo_login(app: &common::TestApp, domain: &str) -> Value {
    let (path, body) = match domain {
        "parking" => (
            "/parking/api/user/login",
            json!({"username": "demo", "password": "demo1234"}),
        ),
        "labs" => (
            "/labs/user/login",
            json!({"sid": "admin", "password": "admin1234"}),
        ),
        "rental" => (
            "/rental/operation/login",
            json!({"username": "owner", "password": "owner1234"}),
        ),
        "family" => (
            "/family/api/v1/user_manage/login/",
            json!({"username": "parent", "password": "parent1234"}),
        ),
        "shop" => (
            "/shop/user/login",
            json!({"email": "customer@example.com", "password": "customer1234"}),
        ),
        other => panic!("no domain {other}"),
    };
    app.post(path, body, None).await.1
}

/// Accounts in `table` whose login name contains `name`.
fn account_count(app: &common::TestApp, table: &str, name: &str) -> i64 {
    let column = match table {
        "labs_users" => "sid",
        "shop_users" => "email",
        _ => "username",
    };
    app.db()
        .query_row(
            &format!("SELECT count(*) FROM {table} WHERE {column} LIKE '%' || ?1 || '%'"),
            [name],
            |row| row.get(0),
        )
        .unwrap()
}

/// Every table's row count, by name (the shared ones by domain).
fn row_counts(app: &common::TestApp) -> std::collections::BTreeMap<String, i64> {
    let conn = app.db();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('settings', 'sessions')")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for table in tables {
        if ["files", "outbox"].contains(&table.as_str()) {
            let mut by_domain = conn
                .prepare(&format!(
                    "SELECT domain, count(*) FROM {table} GROUP BY domain"
                ))
                .unwrap();
            for row in by_domain
                .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))
                .unwrap()
            {
                let (domain, n) = row.unwrap();
                counts.insert(format!("{table}/{domain}"), n);
            }
        } else {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get(0)
                })
                .unwrap();
            counts.insert(table, n);
        }
    }
    counts
}

const DOMAINS: [&str; 5] = ["parking", "labs", "rental", "family", "shop"];

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
    let mut writers = Vec::new();
    for n in 0..4 {
        let (client, base, stop) = (app.client.clone(), app.base.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut token: Option<String> = None;
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                i += 1;
                let call = |path: &str, body: Value, token: Option<&String>| {
                    let mut request = client.post(format!("{base}{path}")).json(&body);
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    request.send()
                };
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
                let (status, answer) = common::json_of(
                    call(
                        "/parking/api/user/new",
                        json!({"username": format!("racer{n}x{i}"), "password": "secret123",
                               "email": format!("racer{n}x{i}@example.com")}),
                        None,
                    )
                    .await
                    .unwrap(),
                )
                .await;
                answers.push(("/parking/api/user/new", status, answer));
            }
            answers
        }));
    }
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
