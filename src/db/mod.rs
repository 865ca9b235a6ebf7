//! The SQLite file: schema, pragmas, and the two ways in.
//!
//! Reads run on a pool of query-only connections; every write runs on one
//! writer thread, one `BEGIN IMMEDIATE` transaction at a time. A single writer
//! path keeps write latency flat under load (writers racing for SQLite's lock
//! time out and retry) and makes read-modify-write checks (capacity, stock,
//! balances) serial by construction. Both run off the async threads.
//!
//! Every committed write bumps the generation of each table it changed
//! (SQLite's update hook names them), so remembered answers keyed by a
//! generation ([`crate::cache::Cache`]) cannot outlive the data they were
//! read from, whichever handler wrote. (The hook does not see `WITHOUT
//! ROWID` tables; none of them is cached.)

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

mod cached;
mod generations;
mod offline;
mod schema;
mod write;

pub use cached::CachedSql;

pub use generations::Generations;
use generations::{Touched, take_touched};
pub use offline::{backup, check, ensure_unused, open_existing, restore, write_for_cli};
use schema::migrate;
#[cfg(test)]
use schema::schema_sections;
use write::in_transaction;
pub use write::{Staged, Write};

/// The schema version this binary writes; recorded in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 9;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const READERS: u32 = 8;
const MMAP_BYTES: i64 = 256 * 1024 * 1024;

/// How much a commit survives: `Normal` survives a crash of the process,
/// `Full` also a power loss (an fsync at every commit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    #[default]
    Normal,
    Full,
}

type WriteJob = Box<dyn FnOnce(&mut Writer) + Send>;

/// The writer thread's connection, and what its commits changed.
struct Writer {
    conn: Connection,
    touched: Touched,
    generations: Arc<Generations>,
    observers: Observers,
}

impl Writer {
    /// After a write commits, before its answer goes out: the tables it
    /// touched get a new generation (whoever reads after the answer sees
    /// it), then the observers are told what it staged, in commit order.
    /// Not generic, so each kind of write shares one copy.
    fn committed(&self, mut staged: Staged) {
        let touched = take_touched(&self.touched);
        if !touched.is_empty() {
            self.generations.bump(&touched);
        }
        if !staged.is_empty() {
            for observer in self.observers.get().into_iter().flatten() {
                observer.committed(&mut staged);
            }
        }
    }
}

/// Told of each write that commits, in commit order, with what it staged
/// (the events hub publishes its events, the session layer wakes open
/// streams when sessions ended). Each takes its own kind of part.
pub trait CommitObserver: Send + Sync {
    fn committed(&self, staged: &mut Staged);
}

/// The observers, set once by whoever builds the app on this database.
type Observers = Arc<std::sync::OnceLock<Vec<Arc<dyn CommitObserver>>>>;

enum WriterMessage {
    Job(WriteJob),
    Close,
}

struct Inner {
    path: PathBuf,
    readers: r2d2::Pool<SqliteConnectionManager>,
    writer: mpsc::UnboundedSender<WriterMessage>,
    writer_thread: Mutex<Option<JoinHandle<()>>>,
    generations: Arc<Generations>,
    observers: Observers,
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

/// Runs `f` in one read transaction on `conn`: every statement it runs
/// sees the same snapshot (a check and the read it guards cannot straddle
/// a write).
fn in_snapshot<T, E, F>(conn: &Connection, f: F) -> Result<T, E>
where
    F: FnOnce(&Connection) -> Result<T, E>,
    E: From<Error>,
{
    // Cached statements: a read pays two steps, not two parses.
    conn.prepare_cached("BEGIN")
        .and_then(|mut begin| begin.execute([]))
        .map_err(Error::from)?;
    let result = f(conn);
    end_snapshot(conn);
    result
}

/// Opens a read transaction on `conn` and takes its snapshot at once,
/// without waiting for a lock: `false`, with nothing left open, where
/// SQLite would have waited (a recovery or an exclusive lock elsewhere).
/// Inside the snapshot a WAL reader never waits again.
fn snapshot_now(conn: &Connection) -> bool {
    let no_wait = conn.busy_timeout(Duration::ZERO).is_ok();
    let taken = no_wait
        && conn
            .prepare_cached("BEGIN")
            .and_then(|mut begin| begin.execute([]))
            .is_ok()
        && conn
            .prepare_cached("PRAGMA schema_version")
            .and_then(|mut first_read| first_read.query_row([], |row| row.get::<_, i64>(0)))
            .is_ok();
    let restored = conn.busy_timeout(BUSY_TIMEOUT).is_ok();
    if !(taken && restored) {
        end_snapshot(conn);
    }
    taken && restored
}

/// Ends a read transaction. Nothing to keep: a read-only transaction ends
/// the same either way; should the cached statement fail, it is ended
/// uncached (and ending none is harmless).
fn end_snapshot(conn: &Connection) {
    let ended = conn
        .prepare_cached("ROLLBACK")
        .and_then(|mut end| end.execute([]));
    if ended.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
}

fn apply_pragmas(conn: &Connection, synchronous: Synchronous) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    let sync = match synchronous {
        Synchronous::Normal => "NORMAL",
        Synchronous::Full => "FULL",
    };
    conn.pragma_update(None, "synchronous", sync)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Reads map the file instead of copying pages into each connection's
    // own cache, so the reader pool shares one copy of hot indexes.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    conn.set_prepared_statement_cache_capacity(cached::STATEMENT_CACHE);
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the database at `path` and starts its writer.
    pub fn open(path: &Path, synchronous: Synchronous) -> Result<Db> {
        Db::open_capped(path, synchronous, None)
    }

    /// [`Db::open`], with the file kept under `max_bytes` (`--max-db-size`):
    /// past it a write fails as on a full disk, and works again once rows
    /// are deleted (SQLite reuses their pages) or the cap is raised.
    pub fn open_capped(
        path: &Path,
        synchronous: Synchronous,
        max_bytes: Option<u64>,
    ) -> Result<Db> {
        let mut writer_conn = Connection::open(path)?;
        apply_pragmas(&writer_conn, synchronous)?;
        migrate(&mut writer_conn)?;
        if let Some(max_bytes) = max_bytes {
            let page: i64 = writer_conn.pragma_query_value(None, "page_size", |row| row.get(0))?;
            let pages = (max_bytes / page.max(1) as u64).max(1);
            writer_conn.pragma_update(None, "max_page_count", pages as i64)?;
        }

        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_init(move |conn| {
                apply_pragmas(conn, synchronous)?;
                conn.pragma_update(None, "query_only", "ON")
            });
        // A file connection does not go stale: no check query per checkout.
        let readers = r2d2::Pool::builder()
            .max_size(READERS)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .build(manager)?;

        let generations = Arc::new(Generations::default());
        let touched: Touched = Arc::default();
        let hook_touched = touched.clone();
        writer_conn.update_hook(Some(
            move |action: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
                if let Ok(mut changes) = hook_touched.lock() {
                    if !changes.changed.contains(table) {
                        changes.changed.insert(table.to_string());
                    }
                    let rows = matches!(
                        action,
                        rusqlite::hooks::Action::SQLITE_INSERT
                            | rusqlite::hooks::Action::SQLITE_DELETE
                    );
                    if rows && !changes.rows_changed.contains(table) {
                        changes.rows_changed.insert(table.to_string());
                    }
                }
            },
        ))?;
        let observers: Observers = Arc::default();
        let writer = Writer {
            conn: writer_conn,
            touched,
            generations: generations.clone(),
            observers: observers.clone(),
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("onebox-db-writer".into())
            .spawn(move || run_writer(writer, receiver))?;

        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                readers,
                writer: sender,
                writer_thread: Mutex::new(Some(thread)),
                generations,
                observers,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Per-table write generations (see the module docs).
    pub fn generations(&self) -> &Generations {
        &self.inner.generations
    }

    /// Sets the observers of every write job (once; a second call is
    /// refused and logged).
    pub fn observe(&self, observers: Vec<Arc<dyn CommitObserver>>) {
        if self.inner.observers.set(observers).is_err() {
            tracing::warn!("the database's commit observers were already set");
        }
    }

    /// Runs `f` on a pooled read-only connection, off the async threads,
    /// in one read transaction: every statement `f` runs sees the same
    /// snapshot (a check and the read it guards cannot straddle a write).
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let pool = self.inner.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get().map_err(Error::from)?;
            in_snapshot(&conn, f)
        })
        .await
        .map_err(Error::from)?
    }

    /// Runs `f` as [`Db::read`] does, but on the calling thread when a
    /// reader is free and its snapshot can be taken without waiting: for a
    /// read of a few rows by key (a session, a row by id), where handing it
    /// to the blocking pool and back costs more than the read itself.
    /// Otherwise (every reader busy, a lock in the way) it waits in the
    /// blocking pool as `read` does, never on an async thread. A read that
    /// scans, sorts or pages belongs in `read`.
    pub async fn lookup<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        if let Some(conn) = self.inner.readers.try_get()
            && snapshot_now(&conn)
        {
            let result = f(&conn);
            end_snapshot(&conn);
            return result;
        }
        self.read(f).await
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction on the writer thread:
    /// committed when it returns `Ok`, rolled back when it returns `Err`.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Write) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: WriteJob = Box::new(move |writer: &mut Writer| {
            take_touched(&writer.touched);
            let result = match in_transaction(&mut writer.conn, f) {
                Ok((value, staged)) => {
                    writer.committed(staged);
                    Ok(value)
                }
                Err(e) => {
                    take_touched(&writer.touched);
                    Err(e)
                }
            };
            // The receiver may be gone (client disconnected); the work stands.
            let _ = reply.send(result);
        });
        self.inner
            .writer
            .send(WriterMessage::Job(job))
            .map_err(|_| Error::WriterStopped)?;
        answer.await.map_err(|_| Error::WriterStopped)?
    }

    /// Runs `job` in a write transaction every `period` until `stop` turns
    /// true: the periodic sweeps (expiries, purges) of every domain.
    pub fn every<E, F>(
        &self,
        period: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
        what: &'static str,
        job: F,
    ) -> tokio::task::JoinHandle<()>
    where
        F: Fn(&Write, i64) -> Result<usize, E> + Clone + Send + Sync + 'static,
        E: From<Error> + std::fmt::Debug + Send + 'static,
    {
        let db = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = stop.wait_for(|stop| *stop) => return,
                }
                let now = crate::clock::now();
                let job = job.clone();
                if let Err(e) = db.write(move |tx| job(tx, now)).await {
                    // The cause, not the domain's words for a client.
                    tracing::warn!("{what}: {e:?}");
                }
            }
        })
    }

    /// Finishes queued writes, checkpoints the WAL and closes the writer.
    pub async fn close(&self) {
        let _ = self.inner.writer.send(WriterMessage::Close);
        let thread = match self.inner.writer_thread.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

fn run_writer(mut writer: Writer, mut receiver: mpsc::UnboundedReceiver<WriterMessage>) {
    while let Some(message) = receiver.blocking_recv() {
        match message {
            WriterMessage::Job(job) => {
                // A panicking job loses its own answer, never the writer.
                if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut writer))).is_err() {
                    tracing::error!("a database write panicked; it was rolled back");
                    if !writer.conn.is_autocommit() {
                        let _ = writer.conn.execute_batch("ROLLBACK");
                    }
                    take_touched(&writer.touched);
                }
            }
            WriterMessage::Close => break,
        }
    }
    let conn = writer.conn;
    // Leave one clean file when alone, but never wait on another process's
    // reader (Litestream holds one): without a busy wait, the checkpoint
    // does what it can at once and gives up on the rest.
    let _ = conn.busy_timeout(Duration::ZERO);
    let _ = conn.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);");
    if let Err((_, err)) = conn.close() {
        tracing::warn!("closing the database: {err}");
    }
}

#[cfg(test)]
mod tests;
