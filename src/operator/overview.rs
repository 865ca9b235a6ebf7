//! `GET /_/api/overview`: what the console's front page shows. Per served
//! domain its accounts, live sessions and the rows of each of its tables;
//! the database file and its write-ahead log; uptime, requests answered
//! and server errors since start-up; the last backup downloaded here and
//! the scheduled ones.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;

use crate::app::SharedApp;
use crate::db::CachedSql;
use crate::descriptor::Descriptor;
use crate::error::Error;
use crate::web::{self, Response};

/// The `settings` row with the time of the last backup download.
pub const LAST_BACKUP: &str = "last_backup_at";

#[derive(Debug, Serialize)]
pub struct Overview {
    pub domains: Vec<DomainCounts>,
    pub database: Database,
    pub uptime_secs: u64,
    pub requests: u64,
    pub server_errors: u64,
    /// RFC 3339, or `null` before the first.
    pub last_backup: Option<String>,
    /// Scheduled backups (`--backup-dir`): the last attempts and the kept
    /// files; `null` when none are scheduled.
    pub backups: Option<crate::backups::Report>,
}

#[derive(Debug, Serialize)]
pub struct DomainCounts {
    pub domain: &'static str,
    pub title: &'static str,
    pub accounts: i64,
    pub sessions: i64,
    /// Rows of each of its tables.
    pub tables: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct Database {
    pub path: String,
    pub bytes: u64,
    pub wal_bytes: u64,
}

fn count(conn: &Connection, sql: &str, domain: &str) -> Result<i64, Error> {
    Ok(conn.query_row_cached(sql, [domain], |r| r.get(0))?)
}

fn counts(
    conn: &Connection,
    domains: &[&'static Descriptor],
) -> Result<(Vec<DomainCounts>, Option<i64>), Error> {
    let mut all = Vec::new();
    for domain in domains {
        let mut tables = serde_json::Map::new();
        for table in domain.tables {
            let rows: i64 =
                conn.query_row_cached(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                    r.get(0)
                })?;
            tables.insert((*table).to_string(), rows.into());
        }
        all.push(DomainCounts {
            domain: domain.name,
            title: domain.title,
            accounts: conn.query_row_cached(
                &format!("SELECT count(*) FROM \"{}\"", domain.accounts),
                [],
                |r| r.get(0),
            )?,
            sessions: count(
                conn,
                "SELECT count(*) FROM sessions WHERE domain = ?1",
                domain.name,
            )?,
            tables,
        });
    }
    let last_backup = conn
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM settings WHERE name = ?1",
            [LAST_BACKUP],
            |r| r.get(0),
        )
        .optional()?;
    Ok((all, last_backup))
}

fn size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The overview API.
pub fn routes(app: &SharedApp, domains: &[&'static Descriptor]) -> BoxedFilter<(Response,)> {
    let domains: std::sync::Arc<[&'static Descriptor]> = domains.into();
    let app = app.clone();
    warp::path!("api" / "overview")
        .and(warp::get())
        .then(move || {
            let (app, domains) = (app.clone(), domains.clone());
            async move {
                let read = app.db.read(move |conn| counts(conn, &domains)).await;
                let (domains, last_backup) = match read {
                    Ok(counts) => counts,
                    Err(e) => return super::internal(e),
                };
                let path = app.db.path();
                let mut wal = path.as_os_str().to_owned();
                wal.push("-wal");
                let (requests, server_errors) = app.requests.counts();
                let overview = Overview {
                    domains,
                    database: Database {
                        path: path.display().to_string(),
                        bytes: size(path),
                        wal_bytes: size(std::path::Path::new(&wal)),
                    },
                    uptime_secs: app.started.elapsed().as_secs(),
                    requests,
                    server_errors,
                    last_backup: last_backup.map(|at| {
                        crate::clock::format_rfc3339_micros(at.saturating_mul(1_000_000))
                    }),
                    backups: app.backups.report(),
                };
                web::json(StatusCode::OK, &overview)
            }
        })
        .boxed()
}
