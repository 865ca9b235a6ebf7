//! Demo data and resets, the same for every domain.
//!
//! A domain hands over its demo data as [`DemoRows`](crate::descriptor::DemoRows): the slow part
//! (bcrypt) done first, the inserts left for one write transaction. So
//! `--demo` at start-up, the console's reset and `onebox reset` share one
//! path, and a reset while serving holds the writer only for its inserts.
//!
//! A reset empties a domain's own tables (named by its [`Descriptor`],
//! never by a request) and its rows of the shared tables (sessions, so
//! every session of the domain ends; uploaded files; mail), then writes
//! its demo rows, all in one transaction: any failure leaves the data as
//! it was. Foreign keys are checked at the commit, so the order of the
//! deletes does not matter.

use crate::db::Write;
use rusqlite::Connection;
use serde::Serialize;

use crate::app::SharedApp;
use crate::descriptor::Descriptor;
use crate::error::{Error, Result};

/// The shared tables that hold rows of every domain (a `domain` column).
const SHARED_TABLES: &[&str] = &["sessions", "files", "outbox"];

/// Whether none of the domain's own tables holds a row.
fn is_empty(conn: &Connection, domain: &Descriptor) -> Result<bool> {
    for table in domain.tables {
        let any: bool = conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM \"{table}\")"),
            [],
            |row| row.get(0),
        )?;
        if any {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `--demo`: loads each domain's demo data where its tables are empty
/// (a database already in use is never touched).
pub async fn load_where_empty(app: &SharedApp, domains: &[&'static Descriptor]) -> Result<()> {
    for &domain in domains {
        let empty = app.db.read(move |conn| is_empty(conn, domain)).await?;
        if !empty {
            tracing::info!(
                "{}: demo data skipped, the tables already hold data",
                domain.name
            );
            continue;
        }
        let rows = (domain.demo)(app).await?;
        app.db.write(move |tx| rows(tx)).await?;
        tracing::info!("{}: demo data loaded ({})", domain.name, domain.demo_logins);
    }
    Ok(())
}

/// What a reset did to one domain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reset {
    pub domain: &'static str,
    /// Rows deleted, own and shared tables together.
    pub removed: usize,
    /// Whether its demo data was written afterwards.
    pub demo: bool,
}

/// Empties each domain and, with `demo`, writes its demo data again, all
/// in one transaction; then forgets the domains' failed logins (the ids
/// they counted against now name other accounts).
pub async fn reset(
    app: &SharedApp,
    domains: &[&'static Descriptor],
    demo: bool,
) -> Result<Vec<Reset>> {
    let mut prepared = Vec::new();
    for &domain in domains {
        let rows = if demo {
            Some((domain.demo)(app).await?)
        } else {
            None
        };
        prepared.push((domain, rows));
    }
    let done = app
        .db
        .write(move |tx| {
            tx.pragma_update(None, "defer_foreign_keys", true)?;
            let mut done = Vec::new();
            for (domain, rows) in prepared {
                let removed = empty(tx, domain)?;
                let demo = rows.is_some();
                if let Some(rows) = rows {
                    rows(tx)?;
                }
                done.push(Reset {
                    domain: domain.name,
                    removed,
                    demo,
                });
            }
            Ok::<_, Error>(done)
        })
        .await?;
    for domain in domains {
        app.throttle.clear_domain(domain.name);
        tracing::info!(
            "{}: reset ({})",
            domain.name,
            if demo { "demo data" } else { "empty" }
        );
    }
    Ok(done)
}

/// Deletes every row of the domain; how many.
fn empty(write: &Write, domain: &Descriptor) -> Result<usize> {
    let mut removed = 0;
    // `WHERE true` keeps SQLite from truncating the table wholesale, which
    // would skip the update hook and so leave remembered answers valid.
    for table in domain.tables {
        removed += write.execute(&format!("DELETE FROM \"{table}\" WHERE true"), [])?;
    }
    for table in SHARED_TABLES {
        removed += write.execute(
            &format!("DELETE FROM {table} WHERE domain = ?1"),
            [domain.name],
        )?;
    }
    crate::session::mark_ended(write);
    Ok(removed)
}

/// `onebox reset`: the same reset on the file, without a server (and
/// refused while one has it open: its remembered answers would go stale).
pub fn reset_file(
    path: &std::path::Path,
    domain: Option<&str>,
    demo: bool,
    passwords: crate::password::Passwords,
    flags: warp::http::Extensions,
) -> std::result::Result<Vec<Reset>, String> {
    let domains: Vec<&'static Descriptor> = match domain {
        None => crate::domains::ALL.to_vec(),
        Some(name) => {
            vec![crate::domains::find(name).ok_or_else(|| format!("no domain named {name}"))?]
        }
    };
    crate::db::ensure_unused(path).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let db = crate::db::Db::open(path, crate::db::Synchronous::Full)
            .map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
        let app: SharedApp =
            std::sync::Arc::new(crate::app::App::offline(db.clone(), passwords, flags));
        let done = reset(&app, &domains, demo).await.map_err(|e| e.to_string());
        db.close().await;
        done
    })
}
