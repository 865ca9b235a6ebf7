//! The database handle's own tests: schema versions, snapshots, lookups
//! and the writer's rollback.

use super::*;

#[test]
fn schema_sections_are_numbered_one_to_the_current_version() {
    let numbers: Vec<i64> = schema_sections().iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
}

#[test]
fn an_older_database_gets_the_sections_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = Connection::open(&path).unwrap();
    conn.execute_batch(&schema_sections()[0].1).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute(
        "INSERT INTO parking_lots (name, capacity, price_cents) VALUES ('A', 3, 500)",
        [],
    )
    .unwrap();
    migrate(&mut conn).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let lots: i64 = conn
        .query_row("SELECT count(*) FROM parking_lots", [], |row| row.get(0))
        .unwrap();
    assert_eq!(lots, 1);
    conn.query_row("SELECT count(*) FROM labs_users", [], |row| {
        row.get::<_, i64>(0)
    })
    .unwrap();
}

#[tokio::test]
async fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db"), Synchronous::Normal).unwrap();
    let result: Result<(), Error> = db
        .write(|tx| {
            tx.execute(
                "INSERT INTO parking_lots (name, capacity, price_cents) VALUES ('a', 1, 1)",
                [],
            )?;
            Err(Error::Other("changed my mind".into()))
        })
        .await;
    assert!(result.is_err());
    let count: i64 = db
        .read(|conn| {
            Ok::<_, Error>(conn.query_row("SELECT count(*) FROM parking_lots", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert_eq!(count, 0);
    db.close().await;
}

/// Hears what each committed write staged, as a list of words.
#[derive(Default)]
struct Listener {
    heard: Mutex<Vec<Vec<&'static str>>>,
}

impl CommitObserver for Listener {
    fn committed(&self, staged: &mut Staged) {
        if let Some(words) = staged.take::<Vec<&'static str>>() {
            self.heard.lock().unwrap().push(words);
        }
    }
}

#[tokio::test]
async fn what_a_write_stages_reaches_the_observers_only_if_it_commits() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db"), Synchronous::Normal).unwrap();
    let listener = Arc::new(Listener::default());
    db.observe(vec![listener.clone()]);
    let stage = |write: &Write, word| write.stage(|words: &mut Vec<&str>| words.push(word));
    db.write(move |write| {
        stage(write, "kept");
        stage(write, "and this");
        Ok::<_, Error>(())
    })
    .await
    .unwrap();
    let refused: Result<(), Error> = db
        .write(move |write| {
            stage(write, "rolled back");
            Err(Error::Other("changed my mind".into()))
        })
        .await;
    assert!(refused.is_err());
    db.write(|_| Ok::<_, Error>(())).await.unwrap();
    assert_eq!(
        *listener.heard.lock().unwrap(),
        vec![vec!["kept", "and this"]]
    );
    db.close().await;
}

#[tokio::test]
async fn a_read_sees_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let db = Db::open(&path, Synchronous::Normal).unwrap();
    let (before, after) = db
        .read(move |conn| {
            let count = |conn: &Connection| {
                conn.query_row("SELECT count(*) FROM parking_lots", [], |r| {
                    r.get::<_, i64>(0)
                })
            };
            let before = count(conn)?;
            // Another connection commits between the two statements.
            Connection::open(&path)?.execute(
                "INSERT INTO parking_lots (name, capacity, price_cents) VALUES ('a', 1, 1)",
                [],
            )?;
            Ok::<_, Error>((before, count(conn)?))
        })
        .await
        .unwrap();
    assert_eq!((before, after), (0, 0));
    let now: i64 = db
        .read(|conn| {
            Ok::<_, Error>(conn.query_row("SELECT count(*) FROM parking_lots", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert_eq!(now, 1);
    db.close().await;
}

#[tokio::test]
async fn a_lookup_runs_on_the_calling_thread_when_a_reader_is_free() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db"), Synchronous::Normal).unwrap();
    let caller = std::thread::current().id();
    let ran_on = db
        .lookup(|_| Ok::<_, Error>(std::thread::current().id()))
        .await
        .unwrap();
    assert_eq!(ran_on, caller);
    db.close().await;
}

#[tokio::test]
async fn a_lookup_waits_off_the_async_threads_while_every_reader_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db"), Synchronous::Normal).unwrap();
    let held: Vec<_> = (0..READERS)
        .map(|_| db.inner.readers.get().unwrap())
        .collect();
    let caller = std::thread::current().id();
    let waiting = db.lookup(|conn| {
        let lots: i64 = conn.query_row("SELECT count(*) FROM parking_lots", [], |r| r.get(0))?;
        Ok::<_, Error>((std::thread::current().id(), lots))
    });
    let release = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(held);
    };
    let ((ran_on, lots), ()) = tokio::join!(async { waiting.await.unwrap() }, release);
    assert_ne!(ran_on, caller);
    assert_eq!(lots, 0);
    db.close().await;
}

#[test]
fn a_lookup_snapshot_that_would_wait_for_a_lock_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    // Another process holds the file exclusively: no reader can start.
    let holder = Connection::open(&path).unwrap();
    holder
        .execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (x);
             PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);",
        )
        .unwrap();
    let reader = Connection::open(&path).unwrap();
    reader.busy_timeout(BUSY_TIMEOUT).unwrap();
    let asked = std::time::Instant::now();
    assert!(!snapshot_now(&reader));
    assert!(asked.elapsed() < BUSY_TIMEOUT, "it waited for the lock");
    assert!(
        reader.is_autocommit(),
        "a refused snapshot leaves nothing open"
    );
    drop(holder);
    assert!(snapshot_now(&reader));
    assert!(!reader.is_autocommit());
    end_snapshot(&reader);
    assert!(reader.is_autocommit());
    // The connection waits for locks again in every other read.
    let waits: i64 = reader
        .query_row("PRAGMA busy_timeout", [], |row| row.get(0))
        .unwrap();
    assert_eq!(waits, BUSY_TIMEOUT.as_millis() as i64);
}

#[tokio::test]
async fn a_database_from_a_newer_onebox_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let refused = Db::open(&path, Synchronous::Normal).err().unwrap();
    assert!(
        refused.to_string().contains("newer than this onebox"),
        "{refused}"
    );
}

#[tokio::test]
async fn readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db"), Synchronous::Normal).unwrap();
    let result: Result<usize, Error> = db
        .read(|conn| {
            Ok(conn.execute(
                "INSERT INTO parking_lots (name, capacity, price_cents) VALUES ('a', 1, 1)",
                [],
            )?)
        })
        .await;
    assert!(result.is_err());
    db.close().await;
}
