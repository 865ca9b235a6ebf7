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
    Ok(())
}

/// Runs SQLite's integrity and foreign-key checks; returns what is wrong.
pub fn check(path: &Path) -> Result<Vec<String>> {
    let conn = open_existing(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
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
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version != SCHEMA_VERSION {
        problems.push(format!(
            "schema version is {version}, this onebox expects {SCHEMA_VERSION}"
        ));
    }
    Ok(problems)
}

/// Runs a CLI command's writes in one `BEGIN IMMEDIATE` transaction on the
/// file (created with the schema if new); safe beside a running server,
/// whose writer it waits for. Errors come back as the line to print.
pub fn write_for_cli<T, E, F>(path: &Path, f: F) -> Result<T, String>
where
    F: FnOnce(&Transaction) -> Result<T, E>,
    E: From<Error> + std::fmt::Display,
{
    let open = || -> Result<Connection> {
        let mut conn = Connection::open(path)?;
        apply_pragmas(&conn, Synchronous::Normal)?;
        migrate(&mut conn)?;
        Ok(conn)
    };
    let mut conn = open().map_err(|e| e.to_string())?;
    in_transaction(&mut conn, f).map_err(|e| e.to_string())
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
