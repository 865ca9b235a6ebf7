//! The operator console under `/_/`: every path behind the operator token
//! ([`gate`]); without it, 404. Pages are embedded in the binary and read
//! the console's JSON API, which scripts may use too.

mod accounts;
mod backup;
mod faults;
pub mod gate;
mod outbox;
mod overview;
mod requests;
mod reset;
pub mod tables;

use std::sync::Arc;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};

use crate::app::SharedApp;
use crate::descriptor::Descriptor;
use crate::error::Error;
use crate::web::{self, Response};
use serde_json::json;

pub use gate::{Origin, Secret};

/// Every console route, behind the gate.
pub fn routes(
    app: &SharedApp,
    domains: &[&'static Descriptor],
    secret: Arc<Secret>,
) -> BoxedFilter<(Response,)> {
    let home = warp::path::end()
        .and(warp::get())
        .and(crate::body::query())
        .map(|query: Result<crate::body::Form, _>| {
            let in_query = query.ok().and_then(|q| q.text("token").ok().flatten());
            let Some(token) = in_query else {
                return crate::assets::serve("console/index.html");
            };
            // `/_/?token=T`: keep the token in a cookie, and show a clean URL.
            let mut response = web::json(StatusCode::SEE_OTHER, &serde_json::json!({}));
            let headers = response.headers_mut();
            headers.insert(header::LOCATION, HeaderValue::from_static("/_/"));
            if let Ok(cookie) = HeaderValue::from_str(&gate::sign_in_cookie(&token)) {
                headers.insert(header::SET_COOKIE, cookie);
            }
            response
        });
    let page = |path: &'static str, asset: &'static str| {
        warp::path(path)
            .and(warp::path::end())
            .and(warp::get())
            .map(move || crate::assets::serve(asset))
    };
    let pages = page("requests", "console/requests.html")
        .or(page("data", "console/data.html"))
        .unify()
        .or(page("accounts", "console/accounts.html"))
        .unify()
        .or(page("faults", "console/faults.html"))
        .unify()
        .or(page("reset", "console/reset.html"))
        .unify();
    let rest = outbox::routes(app.db.clone())
        .or(requests::routes(app))
        .unify()
        .or(tables::routes(app, domains))
        .unify()
        .or(backup::routes(app))
        .unify()
        .or(accounts::routes(app, domains))
        .unify()
        .or(overview::routes(app, domains))
        .unify()
        .or(faults::routes(app, domains))
        .unify()
        .or(reset::routes(app, domains))
        .unify()
        .or(pages)
        .unify();
    warp::path("_")
        .and(gate::gate(secret))
        .and(home.or(rest).unify())
        .boxed()
}

/// What the operator asked that cannot be done.
enum Refusal {
    NotFound(String),
    Bad(String),
    Internal(Error),
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        Refusal::Internal(e)
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::Internal(e.into())
    }
}

/// A console API's answer: the JSON, or the refusal's status and reason.
fn answer(result: Result<serde_json::Value, Refusal>) -> Response {
    match result {
        Ok(done) => web::json(StatusCode::OK, &done),
        Err(Refusal::NotFound(message)) => {
            web::json(StatusCode::NOT_FOUND, &json!({"error": message}))
        }
        Err(Refusal::Bad(message)) => refused(&message),
        Err(Refusal::Internal(e)) => internal(e),
    }
}

/// The served domain named `name`.
fn domain_named(
    domains: &[&'static Descriptor],
    name: &str,
) -> Result<&'static Descriptor, Refusal> {
    domains
        .iter()
        .find(|d| d.name == name)
        .copied()
        .ok_or_else(|| Refusal::NotFound(format!("no domain named {name} is served")))
}

/// A console request the operator got wrong: 400 with the reason.
fn refused(message: &str) -> Response {
    web::json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({"error": message}),
    )
}

/// A fault of the server's own: 500, the cause in the log only.
fn internal(e: Error) -> Response {
    tracing::error!("operator console: {e}");
    web::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &serde_json::json!({"error": "internal server error"}),
    )
}
