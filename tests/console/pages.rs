//! The console's pages in a browser, the data browser and backup downloads.

use super::*;

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
        let browser = &mut Browser::launch(&executable);
        in_browser::sign_in_and_follow_the_landing_page(browser, &base);
        let requests = in_browser::see_a_request_arrive_live(browser, &base, || {
            runtime.block_on(async {
                client
                    .get(format!("{base}/labs/user/type"))
                    .send()
                    .await
                    .unwrap();
            })
        });
        in_browser::see_a_table_with_its_secrets_hidden(browser, &base);
        in_browser::clear_the_login_throttle(browser, &base);
        in_browser::reset_the_shop(browser, &base);
        // Filtering by another domain hides the labs row.
        browser.evaluate(
            &requests,
            "document.querySelector('select[name=domain]').value = 'shop'; \
             document.getElementById('filter').dispatchEvent(new Event('change')); true",
        );
        browser.evaluate(&requests, in_browser::LABS_ROW)
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

/// The steps of the console's browser test, each on a page of its own.
mod in_browser {
    use std::time::Duration;

    use serde_json::json;

    use crate::common::OPERATOR_TOKEN;
    use crate::common::chromium::{Browser, Tab};

    const SOON: Duration = Duration::from_secs(10);

    /// A row of the request page for labs' `GET /labs/user/type`.
    pub const LABS_ROW: &str = "[...document.querySelectorAll('#rows tr')].some(tr => \
        tr.textContent.includes('GET /labs/user/type') && tr.textContent.includes('labs'))";

    /// Signing in keeps the token in a cookie and lands on the console;
    /// the landing page's link to the console then opens it.
    pub fn sign_in_and_follow_the_landing_page(browser: &mut Browser, base: &str) {
        let home = browser.open(&format!("{base}/_/?token={OPERATOR_TOKEN}"));
        let title = browser.evaluate(&home, "document.querySelector('h1').textContent");
        assert_eq!(title, json!("onebox console"));
        browser.wait_for(
            &home,
            "document.querySelectorAll('#domains tr').length === 5 && \
             document.getElementById('summary').textContent.includes('requests')",
            SOON,
        );
        assert_eq!(browser.evaluate(&home, "location.pathname"), json!("/_/"));
        let landing = browser.open(&format!("{base}/"));
        browser.evaluate(
            &landing,
            "document.querySelector('a[href=\"/_/\"]').click(); true",
        );
        browser.wait_for(
            &landing,
            "location.pathname === '/_/' && document.querySelector('h1')?.textContent === 'onebox console'",
            SOON,
        );
    }

    /// The request page, with the cookie alone, shows a request made
    /// while it is open; the page stays open for the filter.
    pub fn see_a_request_arrive_live(
        browser: &mut Browser,
        base: &str,
        make_request: impl FnOnce(),
    ) -> Tab {
        let tab = browser.open(&format!("{base}/_/requests"));
        browser.wait_for(
            &tab,
            "document.getElementById('live').textContent === 'live'",
            SOON,
        );
        make_request();
        browser.wait_for(&tab, LABS_ROW, SOON);
        tab
    }

    /// The data browser: pick a table, see its rows, secrets hidden.
    pub fn see_a_table_with_its_secrets_hidden(browser: &mut Browser, base: &str) {
        let data = browser.open(&format!("{base}/_/data"));
        browser.wait_for(
            &data,
            "document.getElementById('where').textContent.includes('rows')",
            SOON,
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
            SOON,
        );
    }

    /// A write from the console's own page passes the Origin check.
    pub fn clear_the_login_throttle(browser: &mut Browser, base: &str) {
        let accounts = browser.open(&format!("{base}/_/accounts"));
        browser.evaluate(
            &accounts,
            "document.querySelector('#throttle button').click(); true",
        );
        browser.wait_for(
            &accounts,
            "document.getElementById('result').textContent.startsWith('cleared: ')",
            SOON,
        );
    }

    /// Reset a domain from its page: the button waits for the checkbox.
    pub fn reset_the_shop(browser: &mut Browser, base: &str) {
        let reset = browser.open(&format!("{base}/_/reset"));
        browser.wait_for(
            &reset,
            "[...document.querySelectorAll('select[name=domain] option')].some(o => o.value === 'shop')",
            SOON,
        );
        let armed = browser.evaluate(
            &reset,
            "(() => { const form = document.getElementById('reset'); \
             const before = form.querySelector('button').disabled; \
             form.domain.value = 'shop'; form.sure.click(); \
             const after = form.querySelector('button').disabled; \
             form.querySelector('button').click(); return [before, after]; })()",
        );
        assert_eq!(
            armed,
            json!([true, false]),
            "the reset button is armed by the checkbox"
        );
        browser.wait_for(
            &reset,
            "document.getElementById('result').textContent.startsWith('shop: ') && \
             document.getElementById('result').textContent.includes('demo data back')",
            SOON,
        );
    }
}

#[tokio::test]
async fn the_data_browser_lists_every_table_by_domain() {
    let app = common::spawn_app_with(&["--demo"]).await;
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
}

#[tokio::test]
async fn no_page_of_any_table_shows_a_hash_a_session_a_mailed_code_or_the_operator_token() {
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

    let (_, tables) = app.get("/_/api/tables", Some(OPERATOR_TOKEN)).await;
    let tables = tables.as_array().unwrap();
    let sessions = tables.iter().find(|t| t["table"] == "sessions").unwrap();
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
}

/// Search, sort and paging over the schema's own names only.
#[tokio::test]
async fn the_data_browser_searches_sorts_and_pages_by_the_schemas_own_names_only() {
    let app = common::spawn_app_with(&["--demo"]).await;
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
