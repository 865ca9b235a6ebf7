//! Help, the operator commands (add-lot, add-admin, check) and start-up errors.

use super::*;

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
    for (domain, command) in [
        ("shop", "generate-products"),
        ("rental", "generate-houses"),
        ("family", "generate-bills"),
    ] {
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
    let log = stop_and_read_log(child);
    assert!(log.contains("DEBUG"), "debug logging was on: {log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a log file: {log}");
    assert!(!log.contains("ERROR"), "a hang-up is not an error: {log}");
}

/// What the server logs on its way from start to a clean stop, with
/// `RUST_LOG` set to `filter` (unset when `None`).
fn log_of_a_run(filter: Option<&str>) -> String {
    use std::io::{Read, Write};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("log.db");
    let mut command = binary();
    command
        .args(["--db", db.to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(filter) = filter {
        command.env("RUST_LOG", filter);
    }
    let mut child = command.spawn().unwrap();
    let addr = common::listening_address(&mut child);
    // One answer, so the server is past start-up and minds its signals.
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop_and_read_log(child)
}

/// SIGTERM to a server started with its standard error piped; what it
/// logged, once it has stopped cleanly.
fn stop_and_read_log(mut child: std::process::Child) -> String {
    use std::io::Read;
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
    assert!(child.wait().unwrap().success(), "{log}");
    log
}

#[test]
fn rust_log_takes_a_level_or_targets_and_info_is_the_default() {
    let stopping = "shutting down: finishing in-flight requests";
    for unset_or_info in [None, Some(""), Some("info"), Some("onebox=loud")] {
        let log = log_of_a_run(unset_or_info);
        assert!(log.contains(stopping), "RUST_LOG={unset_or_info:?}: {log}");
    }
    let log = log_of_a_run(Some("warn"));
    assert!(!log.contains(stopping), "RUST_LOG=warn: {log}");
    let log = log_of_a_run(Some("warn,onebox::server=info"));
    assert!(log.contains(stopping), "a target's own level: {log}");
}
