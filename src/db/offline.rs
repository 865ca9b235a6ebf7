//! The file without a server: online backup, integrity check, and the
//! CLI's own writes.

use super::*;

/// Copies a live database to `out` with SQLite's online backup API, in one
/// step, so the copy is one consistent snapshot even while a server writes.
pub fn backup(source: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        return Err(Error::Other(format!(
            "{} already exists; choose a new file name",
            out.display()
        )));
    }
    let src = open_existing(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut dst = Connection::open(out)?;
    rusqlite::backup::Backup::new(&src, &mut dst)?.step(-1)?;
    // One self-contained file: no -wal or -shm beside the copy, whoever
    // opens it later.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// Runs SQLite's integrity and foreign-key checks; returns what is wrong.
pub fn check(path: &Path) -> Result<Vec<String>> {
    let conn = open_existing(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut problems = damage(&conn)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version != SCHEMA_VERSION {
        problems.push(format!(
            "schema version is {version}, this onebox expects {SCHEMA_VERSION}"
        ));
    }
    Ok(problems)
}

/// What SQLite's integrity and foreign-key checks find wrong.
fn damage(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    for row in rows {
        let line = row?;
        if line != "ok" {
            problems.push(line);
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |row| {
        Ok(format!(
            "foreign key violation in {} row {}",
            row.get::<_, String>(0)?,
            row.get::<_, Option<i64>>(1)?.unwrap_or_default()
        ))
    })?;
    for row in rows {
        problems.push(row?);
    }
    Ok(problems)
}

/// Opens `path` holding SQLite's exclusive lock, which is refused while
/// any other connection (a running server's) has the file open: the
/// commands that must not run beside a server take it first.
fn open_alone(path: &Path) -> Result<Connection> {
    let conn = open_existing(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(Duration::ZERO)?;
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy => {
                Error::Other(format!(
                    "{} is in use (is onebox serving it?); stop the server first",
                    path.display()
                ))
            }
            other => other.into(),
        })?;
    Ok(conn)
}

/// Fails while another process has the file open (see [`restore`]); a
/// file not there yet is free.
pub fn ensure_unused(path: &Path) -> Result<()> {
    if path.exists() {
        open_alone(path)?;
    }
    Ok(())
}

/// Replaces the database at `to` with the copy at `from`, the server
/// stopped: `from` must pass the integrity check and be an onebox
/// database no newer than this binary; the old file is kept beside it
/// (`to.bak`, or `.bak.N` if that is taken), and the copy goes in with
/// SQLite's backup API, one step, so a failure leaves `to` as it was.
/// Returns where the old file was kept.
pub fn restore(from: &Path, to: &Path) -> Result<Option<PathBuf>> {
    let unusable = |e: Error| {
        Error::Other(format!(
            "{} cannot be restored ({e}); nothing was changed",
            from.display()
        ))
    };
    let source = open_existing(from, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(unusable)?;
    let problems = damage(&source).map_err(unusable)?;
    if !problems.is_empty() {
        return Err(Error::Other(format!(
            "{} fails the integrity check, nothing was changed: {}",
            from.display(),
            problems.join("; ")
        )));
    }
    let version: i64 = source.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version == 0 {
        return Err(Error::Other(format!(
            "{} is not an onebox database (no schema version); nothing was changed",
            from.display()
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::Other(format!(
            "{} has schema version {version}, newer than this onebox ({SCHEMA_VERSION}); nothing was changed",
            from.display()
        )));
    }
    if !to.exists() {
        let mut target = Connection::open(to)?;
        rusqlite::backup::Backup::new(&source, &mut target)?.step(-1)?;
        return Ok(None);
    }
    let mut target = open_alone(to)?;
    let kept = free_name(to);
    let mut old = Connection::open(&kept)?;
    rusqlite::backup::Backup::new(&target, &mut old)?.step(-1)?;
    drop(old);
    rusqlite::backup::Backup::new(&source, &mut target)?.step(-1)?;
    Ok(Some(kept))
}

/// `path.bak`, or the first `path.bak.N` not taken.
fn free_name(path: &Path) -> PathBuf {
    let base = format!("{}.bak", path.display());
    let mut name = PathBuf::from(&base);
    let mut n = 1;
    while name.exists() {
        n += 1;
        name = PathBuf::from(format!("{base}.{n}"));
    }
    name
}

/// Runs a CLI command's writes in one `BEGIN IMMEDIATE` transaction on the
/// file (created with the schema if new); safe beside a running server,
/// whose writer it waits for. Errors come back as the line to print.
pub fn write_for_cli<T, E, F>(path: &Path, f: F) -> Result<T, String>
where
    F: FnOnce(&super::Write) -> Result<T, E>,
    E: From<Error> + std::fmt::Display,
{
    let open = || -> Result<Connection> {
        let mut conn = Connection::open(path)?;
        apply_pragmas(&conn, Synchronous::Normal)?;
        migrate(&mut conn)?;
        Ok(conn)
    };
    let mut conn = open().map_err(|e| e.to_string())?;
    // No server to tell: what the write staged is dropped.
    in_transaction(&mut conn, f)
        .map(|(value, _staged)| value)
        .map_err(|e| e.to_string())
}

/// Opens a database that must already exist (the CLI's read-only commands).
pub fn open_existing(path: &Path, flags: OpenFlags) -> Result<Connection> {
    if !path.is_file() {
        return Err(Error::Other(format!(
            "no database file at {}",
            path.display()
        )));
    }
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Reading the schema proves the file is a database at all.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
        row.get::<_, i64>(0)
    })?;
    Ok(conn)
}
