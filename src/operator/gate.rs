//! Who may use `/_/`: whoever presents the operator token, as `Authorization:
//! Bearer`, the `onebox_operator` cookie (set by `/_/?token=`), or `?token=`
//! on the request itself. Everyone else gets a 404, so the console looks
//! absent. Writes also need an `Origin` of this server (or none, as from a
//! script), so a page elsewhere cannot post a form at it; the cookie is
//! SameSite=Strict besides.
//!
//! The token is `--admin-token` when given; otherwise one made at the first
//! start, of which the database keeps only the SHA-256.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension};
use warp::Filter;
use warp::http::{HeaderMap, Method};

use crate::db::CachedSql;
use crate::db::Db;
use crate::error::Error;
use crate::session;

/// The cookie `/_/?token=` sets.
pub const COOKIE: &str = "onebox_operator";

/// The `settings` row that keeps the token's digest.
const SETTING: &str = "operator_token_sha256";

/// How the server knows the operator token.
#[derive(Clone)]
pub enum Secret {
    /// `--admin-token`, for this run only.
    Given([u8; 32]),
    /// The digest kept in the database.
    Kept(Db),
}

/// Where this run's operator token came from, for the start-up banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--admin-token`.
    Given(String),
    /// Made now, at the database's first start; shown this once.
    New(String),
    /// Made at an earlier start; only its digest is here.
    Kept,
}

impl Origin {
    /// The token, when this run knows it.
    pub fn token(&self) -> Option<&str> {
        match self {
            Origin::Given(token) | Origin::New(token) => Some(token),
            Origin::Kept => None,
        }
    }
}

/// The operator token of a starting server: the flag's, else the kept one,
/// else a new one, kept from now on.
pub async fn start(db: &Db, given: Option<&str>) -> Result<(Secret, Origin), Error> {
    if let Some(token) = given.filter(|t| !t.is_empty()) {
        let secret = Secret::Given(session::hash(token));
        return Ok((secret, Origin::Given(token.to_string())));
    }
    let token = session::new_token()?;
    let digest = hex(&session::hash(&token));
    let made = db
        .write(move |tx| {
            let kept = kept_digest(tx)?;
            if kept.is_none() {
                tx.execute_cached(
                    "INSERT INTO settings (name, value) VALUES (?1, ?2)",
                    (SETTING, &digest),
                )?;
            }
            Ok::<_, Error>(kept.is_none())
        })
        .await?;
    let origin = if made {
        Origin::New(token)
    } else {
        Origin::Kept
    };
    Ok((Secret::Kept(db.clone()), origin))
}

/// Replaces the kept token with a new one and returns it (`onebox
/// operator-token`; a running server takes it at its next console request).
pub fn renew(conn: &Connection) -> Result<String, Error> {
    let token = session::new_token()?;
    conn.execute_cached(
        "INSERT INTO settings (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (SETTING, hex(&session::hash(&token))),
    )?;
    Ok(token)
}

fn kept_digest(conn: &Connection) -> Result<Option<String>, Error> {
    Ok(conn
        .query_row(
            "SELECT value FROM settings WHERE name = ?1",
            [SETTING],
            |r| r.get(0),
        )
        .optional()?)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Secret {
    /// Whether `presented` is the operator token; compared by digest, in
    /// time that says nothing of how much matched.
    pub async fn admits(&self, presented: &str) -> bool {
        let digest = session::hash(presented);
        match self {
            Secret::Given(expected) => same(&digest, expected),
            Secret::Kept(db) => {
                let kept = db.read(kept_digest).await.ok().flatten();
                kept.is_some_and(|kept| same(hex(&digest).as_bytes(), kept.as_bytes()))
            }
        }
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Passes a request that presents the operator token (and, for a write,
/// comes from this server's own pages); rejects anything else as not
/// found.
pub fn gate(secret: Arc<Secret>) -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    warp::method()
        .and(warp::header::headers_cloned())
        .and(crate::body::query())
        .and_then(
            move |method: Method, headers: HeaderMap, query: Result<crate::body::Form, _>| {
                let secret = secret.clone();
                async move {
                    let from_query = query.ok().and_then(|q| q.text("token").ok().flatten());
                    let presented = session::bearer(&headers)
                        .or(from_query)
                        .or_else(|| session::cookie_value(&headers, COOKIE));
                    let Some(token) = presented else {
                        return Err(warp::reject::not_found());
                    };
                    let writes = !matches!(method, Method::GET | Method::HEAD);
                    if (writes && !same_origin(&headers)) || !secret.admits(&token).await {
                        return Err(warp::reject::not_found());
                    }
                    Ok(())
                }
            },
        )
        .untuple_one()
}

/// No `Origin`, or one whose host is the request's `Host`.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get("host").and_then(|v| v.to_str().ok());
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// The cookie that keeps the operator signed in for this browser session.
pub fn sign_in_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/_; HttpOnly; SameSite=Strict")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn writes_must_come_from_this_server() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(!same_origin(&headers(&[("origin", "null")])));
    }

    #[tokio::test]
    async fn the_token_is_made_once_and_kept_as_a_digest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let db = Db::open(&path, crate::db::Synchronous::Normal).unwrap();
        let (secret, origin) = start(&db, None).await.unwrap();
        let Origin::New(token) = origin else {
            panic!("not new: {origin:?}")
        };
        assert!(secret.admits(&token).await);
        assert!(!secret.admits("wrong").await);
        assert!(!secret.admits(&token.to_uppercase()).await);
        let (again, origin) = start(&db, None).await.unwrap();
        assert_eq!(origin, Origin::Kept);
        assert!(again.admits(&token).await);
        let kept: String = db
            .read(|c| Ok::<_, Error>(kept_digest(c)?.unwrap()))
            .await
            .unwrap();
        assert!(!kept.contains(&token));
        let renewed = db.write(|tx| renew(tx)).await.unwrap();
        assert!(again.admits(&renewed).await && !again.admits(&token).await);
        let (given, origin) = start(&db, Some("mine")).await.unwrap();
        assert_eq!(origin.token(), Some("mine"));
        assert!(given.admits("mine").await && !given.admits(&renewed).await);
        db.close().await;
    }
}
