//! The operator console under `/_/` over real HTTP: the token gate, the
//! sign-in cookie, the kept token, the request log and its live feed, the
//! start-up banner and the line per request, its pages, accounts,
//! overview, faults and resets.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod gate;
mod overview;
mod pages;
mod requests;
mod resets;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use common::{OPERATOR_TOKEN, RunningBinary, binary, spawn_app};
use serde_json::{Value, json};

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
