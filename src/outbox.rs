//! The mail the server has sent. Without SMTP every message lands here, so a
//! classroom demo can read its reset and register codes at `/_/outbox`.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::db::CachedSql;
use crate::error::Result;

/// One message as the operator pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// RFC 3339, UTC.
    pub sent_at: String,
}

/// Records a message.
pub fn record(
    conn: &Connection,
    domain: &str,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<()> {
    conn.execute_cached(
        "INSERT INTO outbox (domain, to_addr, subject, body, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![domain, to, subject, body, now],
    )?;
    Ok(())
}

/// The newest messages first.
pub fn newest(conn: &Connection, limit: usize) -> Result<Vec<Mail>> {
    let mut stmt = conn
        .prepare("SELECT to_addr, subject, body, sent_at FROM outbox ORDER BY id DESC LIMIT ?1")?;
    let rows = stmt.query_map([limit as i64], |row| {
        let sent_at: i64 = row.get(3)?;
        Ok(Mail {
            to: row.get(0)?,
            subject: row.get(1)?,
            body: row.get(2)?,
            sent_at: rfc3339(sent_at),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn rfc3339(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
