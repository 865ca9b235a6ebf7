//! Scheduled backups over a real server: copies taken while every domain
//! writes hold every write acknowledged before they began and pass the
//! checks, the oldest beyond the kept number go, the console lists and
//! serves them, and a folder that cannot be written is reported without
//! stopping the server.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{OPERATOR_TOKEN, TestApp, spawn_app_with};
use serde_json::{Value, json};

/// The second a backup's name carries, as `YYYYMMDD-HHMMSS`.
fn stamp(unix: i64) -> String {
    onebox::clock::format_unix(
        unix,
        time::macros::format_description!("[year][month][day]-[hour][minute][second]"),
        "?",
    )
}

/// One acknowledged write: the second it was acknowledged, the table and
/// column to find it by, and its value.
type Acknowledged = (String, &'static str, &'static str, String);

/// The request that writes row `n` in one domain, and where it lands.
fn write_of(domain: &str, n: usize) -> (String, Value, &'static str, &'static str, String) {
    let name = format!("bk{n}{domain}");
    match domain {
        "parking" => (
            "/parking/api/user/new".into(),
            json!({"username": name, "password": "password1", "email": "b@b"}),
            "parking_users",
            "username",
            name,
        ),
        "rental" => (
            "/rental/operation/register".into(),
            json!({"username": name, "password": "password1", "name": "张三", "id_type": "身份证",
                   "id_number": "110101199001011234", "phone": "13800000000", "city": "北京"}),
            "rental_users",
            "username",
            name,
        ),
        "family" => (
            "/family/api/v1/user_manage/register/".into(),
            json!({"username": name, "password": "password1", "pwdagain": "password1"}),
            "family_users",
            "username",
            name,
        ),
        _ => (
            "/shop/user/register/customer".into(),
            json!({"name": name, "phone": "13800000000", "email": format!("{name}@example.com"), "password": "password1"}),
            "shop_users",
            "email",
            format!("{name}@example.com"),
        ),
    }
}

/// Writers in four domains until `stop`; each write recorded once its
/// answer says it was done.
fn start_writers(
    app: &TestApp,
    stop: Arc<AtomicBool>,
) -> (
    Arc<Mutex<Vec<Acknowledged>>>,
    Vec<tokio::task::JoinHandle<()>>,
) {
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let tasks = ["parking", "rental", "family", "shop"]
        .into_iter()
        .map(|domain| {
            let (client, base, stop, acknowledged) = (
                app.client.clone(),
                app.base.clone(),
                stop.clone(),
                acknowledged.clone(),
            );
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let (path, body, table, column, key) = write_of(domain, n);
                    let answer = client
                        .post(format!("{base}{path}"))
                        .json(&body)
                        .send()
                        .await;
                    let Ok(answer) = answer else { continue };
                    let ok = answer.status() == 200
                        && answer.json::<Value>().await.is_ok_and(|b| {
                            b["code"] == 200 || b["state"] == 1 || b["success"] == true
                        });
                    if ok {
                        let at = stamp(onebox::clock::now());
                        acknowledged.lock().unwrap().push((at, table, column, key));
                    }
                }
            })
        })
        .collect();
    (acknowledged, tasks)
}

async fn overview(app: &TestApp) -> Value {
    let (status, body) = app.get("/_/api/overview", Some(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_taken_during_writes_hold_every_earlier_write_and_only_the_newest_are_kept() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("backups");
    let app = spawn_app_with(&[
        "--backup-dir",
        dir.to_str().unwrap(),
        "--backup-every",
        "1s",
        "--backup-keep",
        "2",
    ])
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let (acknowledged, writers) = start_writers(&app, stop.clone());
    tokio::time::sleep(Duration::from_millis(3600)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 20,
        "only {} writes",
        acknowledged.len()
    );

    let backups = overview(&app).await["backups"].clone();
    assert_eq!(backups["last_error"], Value::Null, "{backups}");
    let kept: Vec<String> = backups["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kept.len(), 2, "the newest two: {backups}");
    let on_disk = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(on_disk, 2, "no partial copy or older backup is left");

    for name in &kept {
        // As `onebox restore` would take it: checked, then copied in.
        let restored = folder.path().join(format!("restored-{name}"));
        onebox::db::restore(&dir.join(name), &restored).unwrap();
        assert_eq!(onebox::db::check(&restored).unwrap(), Vec::<String>::new());
        let began = name.trim_start_matches("onebox-").trim_end_matches(".db");
        let conn = rusqlite::Connection::open(&restored).unwrap();
        let mut checked = 0;
        for (at, table, column, key) in &acknowledged {
            if at.as_str() >= began {
                continue;
            }
            let found: bool = conn
                .query_row(
                    &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} = ?1)"),
                    [key],
                    |row| row.get(0),
                )
                .unwrap();
            assert!(
                found,
                "{key} in {table}, acknowledged at {at}, is missing from {name}"
            );
            checked += 1;
        }
        assert!(checked > 0, "{name} began before any write");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_console_serves_a_kept_backup_and_nothing_else_on_the_disk() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("backups");
    let app = spawn_app_with(&[
        "--demo",
        "--backup-dir",
        dir.to_str().unwrap(),
        "--backup-every",
        "1s",
    ])
    .await;
    let name = loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if let Some(first) = overview(&app).await["backups"]["kept"][0]["name"].as_str() {
            break first.to_string();
        }
    };
    let download = app
        .client
        .get(app.url(&format!("/_/api/backups/{name}")))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(
        download
            .bytes()
            .await
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    std::fs::write(folder.path().join("secret.txt"), "secret").unwrap();
    for other in ["..%2Fsecret.txt", "secret.txt", "onebox-1.db"] {
        let (status, _) = app
            .get(&format!("/_/api/backups/{other}"), Some(OPERATOR_TOKEN))
            .await;
        assert_eq!(status, 404, "{other}");
    }
    // Without the operator token the console is absent.
    let (status, _) = app.get(&format!("/_/api/backups/{name}"), None).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn a_backup_folder_that_cannot_be_written_is_reported_and_serving_goes_on() {
    let folder = tempfile::tempdir().unwrap();
    // A file where the folder should be: no backup can be written there.
    let blocked = folder.path().join("not-a-folder");
    std::fs::write(&blocked, "x").unwrap();
    let app = spawn_app_with(&[
        "--backup-dir",
        blocked.to_str().unwrap(),
        "--backup-every",
        "1s",
    ])
    .await;
    let backups = loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let backups = overview(&app).await["backups"].clone();
        if !backups["last_error"].is_null() {
            break backups;
        }
    };
    assert!(backups["last_error_at"].is_string(), "{backups}");
    assert_eq!(backups["kept"], json!([]));
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    let (status, body) = app
        .post(
            "/parking/api/user/new",
            json!({"username": "still", "password": "password1", "email": "s@s"}),
            None,
        )
        .await;
    assert_eq!((status, &body["code"]), (200, &json!(200)), "{body}");
    app.stop().await;
}

#[test]
fn a_backup_period_under_a_second_is_refused() {
    let refused =
        onebox::cli::ServeArgs::from_args(["--backup-dir", "backups", "--backup-every", "0s"])
            .expect_err("refused");
    assert!(
        refused.to_string().contains("at least one second"),
        "{refused}"
    );
}
