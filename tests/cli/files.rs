//! `reset` and `restore` on the file, refused while a server has it.

use super::*;

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
