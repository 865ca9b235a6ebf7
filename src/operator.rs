//! Operator pages under `/_/`, behind the operator token (`--admin-token`,
//! or a random one printed at start-up). Without the token they answer 404:
//! the outbox holds reset codes and must never be open.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use warp::Filter;
use warp::Reply;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode};

use crate::db::Db;
use crate::error::Error;
use crate::outbox;
use crate::web::{self, Response, escape_html};

const SHOWN: usize = 200;

/// `GET /_/outbox` (HTML) and `GET /_/outbox.json` (newest first).
pub fn routes(token: Arc<String>, db: Db) -> BoxedFilter<(Response,)> {
    let gate = warp::header::headers_cloned()
        .and(crate::body::query())
        .and_then(
            move |headers: HeaderMap, query: Result<crate::body::Form, _>| {
                let token = token.clone();
                async move {
                    let presented = crate::session::bearer(&headers)
                        .or_else(|| query.ok().and_then(|q| q.text("token").ok().flatten()));
                    match presented {
                        Some(p) if same_secret(&p, &token) => Ok(()),
                        _ => Err(warp::reject::not_found()),
                    }
                }
            },
        )
        .untuple_one();
    let json_db = db.clone();
    let as_json = warp::path!("outbox.json").and(warp::get()).then(move || {
        let db = json_db.clone();
        async move {
            match newest(&db).await {
                Ok(mails) => web::json(StatusCode::OK, &mails),
                Err(e) => internal(e),
            }
        }
    });
    let as_html = warp::path!("outbox").and(warp::get()).then(move || {
        let db = db.clone();
        async move {
            match newest(&db).await {
                Ok(mails) => warp::reply::html(render(&mails)).into_response(),
                Err(e) => internal(e),
            }
        }
    });
    warp::path("_")
        .and(gate)
        .and(as_json.or(as_html).unify())
        .boxed()
}

/// Compares secrets by their digests, so timing says nothing of the prefix.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

async fn newest(db: &Db) -> Result<Vec<outbox::Mail>, Error> {
    db.read(|conn| outbox::newest(conn, SHOWN)).await
}

fn internal(e: Error) -> Response {
    tracing::error!("operator page: {e}");
    web::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &serde_json::json!({"error": "internal server error"}),
    )
}

fn render(mails: &[outbox::Mail]) -> String {
    let mut rows = String::new();
    for mail in mails {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>\n",
            escape_html(&mail.sent_at),
            escape_html(&mail.to),
            escape_html(&mail.subject),
            escape_html(&mail.body)
        ));
    }
    if rows.is_empty() {
        rows.push_str("<tr><td colspan=4>No mail yet.</td></tr>");
    }
    format!(
        "<!doctype html><html><head><meta charset=utf-8><title>onebox outbox</title>\
         <link rel=stylesheet href=/assets/style.css></head><body><main>\
         <h1>Outbox</h1><p>Mail the server has sent, newest first.</p>\
         <table><tr><th>Sent (UTC)</th><th>To</th><th>Subject</th><th>Body</th></tr>\n{rows}</table>\
         </main></body></html>"
    )
}
