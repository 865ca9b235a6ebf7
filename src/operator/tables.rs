//! The data browser: `GET /_/api/tables` (every table of every served
//! domain, plus the shared ones, with row counts) and `GET
//! /_/api/tables/{table}?page=&q=&sort=&desc=` (50 rows a page, searched
//! and sorted). Table and column names come from the schema, never from
//! the request as SQL. Password and token hashes, codes, captcha answers,
//! mail bodies, kept settings and BLOBs are never shown; uploaded files
//! get a link instead of their bytes.

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;

use crate::app::SharedApp;
use crate::body::{Flag, Form};
use crate::descriptor::Descriptor;
use crate::error::Error;
use crate::web::{self, Response};

/// Rows in one page.
pub const PAGE_ROWS: i64 = 50;

/// What a hidden value shows instead.
pub const HIDDEN: &str = "(hidden)";

/// Tables every domain shares.
const SHARED: &[&str] = &["sessions", "files", "outbox", "settings"];

/// A table the console may show.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub table: &'static str,
    /// The domain that owns it, or `shared`.
    pub domain: &'static str,
    pub rows: i64,
    pub columns: Vec<Column>,
}

/// One column, and whether its values are hidden.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub hidden: bool,
}

/// A page of one table.
#[derive(Debug, Serialize)]
pub struct Page {
    pub table: &'static str,
    pub columns: Vec<Column>,
    pub page: i64,
    pub pages: i64,
    /// Rows matching `q`.
    pub total: i64,
    pub rows: Vec<serde_json::Map<String, Value>>,
}

/// `?page=&q=&sort=&desc=`.
#[derive(Debug, Deserialize)]
struct Wanted {
    page: Option<i64>,
    q: Option<String>,
    sort: Option<String>,
    #[serde(default)]
    desc: Flag,
}

/// Whether a column's values are secrets (or bytes) the console keeps back.
fn is_hidden(table: &str, name: &str, kind: &str) -> bool {
    kind.eq_ignore_ascii_case("BLOB")
        || name.contains("hash")
        || matches!(name, "code" | "answer" | "password" | "token")
        || (table == "outbox" && name == "body")
        || (table == "settings" && name == "value")
}

fn owners(domains: &[&'static Descriptor]) -> Vec<(&'static str, &'static str)> {
    let mut tables: Vec<(&'static str, &'static str)> =
        SHARED.iter().map(|t| (*t, "shared")).collect();
    for domain in domains {
        tables.extend(domain.tables.iter().map(|t| (*t, domain.name)));
    }
    tables
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<Column>, Error> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let rows = stmt.query_map([], |row| {
        let name: String = row.get(1)?;
        let kind: String = row.get(2)?;
        Ok((name, kind))
    })?;
    let mut columns = Vec::new();
    for row in rows {
        let (name, kind) = row?;
        columns.push(Column {
            hidden: is_hidden(table, &name, &kind),
            name,
            kind,
        });
    }
    Ok(columns)
}

/// Every table with its row count and columns.
pub fn list(conn: &Connection, domains: &[&'static Descriptor]) -> Result<Vec<Table>, Error> {
    let mut tables = Vec::new();
    for (table, domain) in owners(domains) {
        let columns = columns(conn, table)?;
        if columns.is_empty() {
            continue;
        }
        let rows = conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })?;
        tables.push(Table {
            table,
            domain,
            rows,
            columns,
        });
    }
    Ok(tables)
}

/// Why a page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("no table named {0}")]
    NoTable(String),
    #[error("{0}")]
    Bad(String),
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::Internal(e.into())
    }
}

/// One page of `table`, searched for `q` in its shown columns and sorted
/// by `sort` (a column; the first one by default).
fn page(
    conn: &Connection,
    domains: &[&'static Descriptor],
    name: &str,
    wanted: Wanted,
) -> Result<Page, Refusal> {
    let Some((table, _)) = owners(domains).into_iter().find(|(t, _)| *t == name) else {
        return Err(Refusal::NoTable(name.to_string()));
    };
    let columns = columns(conn, table)?;
    let sort = sort_column(&columns, table, wanted.sort.as_deref())?;
    let page = wanted.page.unwrap_or(1);
    if page < 1 {
        return Err(Refusal::Bad("page must be 1 or more".into()));
    }
    let (filter, pattern) = search(&columns, &wanted.q.unwrap_or_default());
    let uses_pattern = filter != "1";
    let total: i64 = if uses_pattern {
        conn.query_row(
            &format!("SELECT count(*) FROM \"{table}\" WHERE {filter}"),
            [&pattern],
            |r| r.get(0),
        )?
    } else {
        conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })?
    };
    let order = if wanted.desc.0 { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT * FROM \"{table}\" WHERE {filter} ORDER BY \"{sort}\" {order} LIMIT {PAGE_ROWS} OFFSET {}",
        (page - 1).saturating_mul(PAGE_ROWS)
    );
    let mut stmt = conn.prepare(&sql)?;
    let read = |row: &rusqlite::Row| shown_row(row, &columns, table);
    let rows = if uses_pattern {
        stmt.query_map([&pattern], read)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        stmt.query_map([], read)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(Page {
        table,
        columns,
        page,
        pages: ((total + PAGE_ROWS - 1) / PAGE_ROWS).max(1),
        total,
        rows,
    })
}

/// The column to sort by: the first when none is asked for, else a shown
/// column of the table.
fn sort_column(columns: &[Column], table: &str, wanted: Option<&str>) -> Result<String, Refusal> {
    match wanted {
        None | Some("") => Ok(columns.first().map(|c| c.name.clone()).unwrap_or_default()),
        Some(sort) => columns
            .iter()
            .find(|c| c.name == sort && !c.hidden)
            .map(|c| c.name.clone())
            .ok_or_else(|| Refusal::Bad(format!("sort must be a shown column of {table}"))),
    }
}

/// The `WHERE` condition that finds `q` in any shown column (`1` for no
/// search), and the `LIKE` pattern it binds as `?1`, its wildcards escaped.
fn search(columns: &[Column], q: &str) -> (String, String) {
    let searched: Vec<&Column> = columns.iter().filter(|c| !c.hidden).collect();
    let filter = if q.is_empty() || searched.is_empty() {
        "1".to_string()
    } else {
        searched
            .iter()
            .map(|c| format!("CAST(\"{}\" AS TEXT) LIKE ?1 ESCAPE '\\'", c.name))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    (filter, pattern)
}

/// One row as the browser shows it: hidden columns and blobs masked, and
/// a file's link.
fn shown_row(
    row: &rusqlite::Row,
    columns: &[Column],
    table: &str,
) -> rusqlite::Result<serde_json::Map<String, Value>> {
    let mut shown = serde_json::Map::new();
    for (i, column) in columns.iter().enumerate() {
        let value = if column.hidden {
            Value::from(HIDDEN)
        } else {
            match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(x) => Value::from(x),
                ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(_) => Value::from(HIDDEN),
            }
        };
        shown.insert(column.name.clone(), value);
    }
    if table == "files"
        && let Some(id) = shown.get("id").and_then(Value::as_i64)
    {
        shown.insert("link".into(), Value::from(crate::files::path_of(id)));
    }
    Ok(shown)
}

/// The data browser's API.
pub fn routes(app: &SharedApp, domains: &[&'static Descriptor]) -> BoxedFilter<(Response,)> {
    let domains: std::sync::Arc<[&'static Descriptor]> = domains.into();
    let (list_app, list_domains) = (app.clone(), domains.clone());
    let all = warp::path!("api" / "tables")
        .and(warp::get())
        .then(move || {
            let (app, domains) = (list_app.clone(), list_domains.clone());
            async move {
                match app.db.read(move |conn| list(conn, &domains)).await {
                    Ok(tables) => web::json(StatusCode::OK, &tables),
                    Err(e) => super::internal(e),
                }
            }
        });
    let one_app = app.clone();
    let one = warp::path!("api" / "tables" / String)
        .and(warp::get())
        .and(crate::body::query())
        .then(
            move |name: String, query: Result<Form, crate::body::BodyError>| {
                let (app, domains) = (one_app.clone(), domains.clone());
                async move {
                    let wanted = match query
                        .map_err(|e| e.to_string())
                        .and_then(|form| form.decode::<Wanted>().map_err(|e| e.to_string()))
                    {
                        Ok(wanted) => wanted,
                        Err(message) => return super::refused(&message),
                    };
                    match app
                        .db
                        .read(move |conn| page(conn, &domains, &name, wanted))
                        .await
                    {
                        Ok(page) => web::json(StatusCode::OK, &page),
                        Err(Refusal::NoTable(name)) => web::json(
                            StatusCode::NOT_FOUND,
                            &serde_json::json!({"error": format!("no table named {name}")}),
                        ),
                        Err(Refusal::Bad(message)) => super::refused(&message),
                        Err(Refusal::Internal(e)) => super::internal(e),
                    }
                }
            },
        );
    all.or(one).unify().boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_bytes_are_hidden() {
        for (table, column, kind) in [
            ("parking_users", "password_hash", "TEXT"),
            ("sessions", "token_hash", "BLOB"),
            ("labs_codes", "code_hash", "BLOB"),
            ("labs_captchas", "answer", "TEXT"),
            ("shop_invitations", "code", "TEXT"),
            ("files", "bytes", "BLOB"),
            ("outbox", "body", "TEXT"),
            ("settings", "value", "TEXT"),
        ] {
            assert!(is_hidden(table, column, kind), "{table}.{column}");
        }
        assert!(!is_hidden("parking_users", "username", "TEXT"));
        assert!(!is_hidden("outbox", "subject", "TEXT"));
    }
}
