//! The outbox: the mail the server sent (or kept, without `--smtp`). It
//! holds reset codes, so it is behind the operator gate like all of `/_/`.

use warp::Filter;
use warp::Reply;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;

use crate::db::Db;
use crate::error::Error;
use crate::outbox;
use crate::web::{self, Response, escape_html};

const SHOWN: usize = 200;

/// `GET /_/outbox` (HTML) and `GET /_/outbox.json` (newest first).
pub fn routes(db: Db) -> BoxedFilter<(Response,)> {
    let json_db = db.clone();
    let as_json = warp::path!("outbox.json").and(warp::get()).then(move || {
        let db = json_db.clone();
        async move {
            match newest(&db).await {
                Ok(mails) => web::json(StatusCode::OK, &mails),
                Err(e) => super::internal(e),
            }
        }
    });
    let as_html = warp::path!("outbox").and(warp::get()).then(move || {
        let db = db.clone();
        async move {
            match newest(&db).await {
                Ok(mails) => warp::reply::html(render(&mails)).into_response(),
                Err(e) => super::internal(e),
            }
        }
    });
    as_json.or(as_html).unify().boxed()
}

async fn newest(db: &Db) -> Result<Vec<outbox::Mail>, Error> {
    db.read(|conn| outbox::newest(conn, SHOWN)).await
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
