//! Classroom rescue: `POST /_/api/accounts/{domain}/{id}/password` (a new
//! password, under the same rules as the API; the account's sessions end),
//! `POST /_/api/accounts/{domain}/{id}/logout` (end its sessions) and `POST
//! /_/api/throttle/clear` (forget every failed login, so a shared demo
//! account locked by a class's typos works at once).

use crate::db::Write;
use serde::Deserialize;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;

use super::{Refusal, answer, domain_named};
use crate::app::SharedApp;
use crate::body::{BodyError, Form};
use crate::db::CachedSql;
use crate::descriptor::Descriptor;
use crate::web::{self, Response};

/// `password`.
#[derive(Debug, Deserialize)]
struct NewPassword {
    password: String,
}

/// Ends the account's sessions in `domain`; 404 when it has no such account.
fn end_sessions(
    write: &Write,
    domain: &'static Descriptor,
    id: i64,
    new_hash: Option<&str>,
) -> Result<usize, Refusal> {
    let exists = match new_hash {
        Some(hash) => {
            write.execute_cached(
                &format!(
                    "UPDATE \"{}\" SET password_hash = ?1 WHERE id = ?2",
                    domain.accounts
                ),
                (hash, id),
            )? == 1
        }
        None => write
            .query_row(
                &format!("SELECT count(*) FROM \"{}\" WHERE id = ?1", domain.accounts),
                [id],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n == 1)?,
    };
    if !exists {
        return Err(Refusal::NotFound(format!(
            "no account {id} in {}",
            domain.name
        )));
    }
    Ok(crate::session::end_others(write, domain.name, id, None)?)
}

/// The account-rescue API.
pub fn routes(app: &SharedApp, domains: &[&'static Descriptor]) -> BoxedFilter<(Response,)> {
    let domains: std::sync::Arc<[&'static Descriptor]> = domains.into();
    let (reset_app, reset_domains) = (app.clone(), domains.clone());
    let reset = warp::path!("api" / "accounts" / String / i64 / "password")
        .and(warp::post())
        .and(crate::body::input(app.settings.limits))
        .then(
            move |name: String, id: i64, input: Result<Form, BodyError>| {
                let (app, domains) = (reset_app.clone(), reset_domains.clone());
                async move {
                    answer(
                        async {
                            let domain = domain_named(&domains, &name)?;
                            let NewPassword { password } = input
                                .map_err(|e| Refusal::Bad(e.to_string()))?
                                .decode()
                                .map_err(|e| Refusal::Bad(e.to_string()))?;
                            app.passwords
                                .check_new(&password)
                                .map_err(|rule| Refusal::Bad(rule.to_string()))?;
                            let hash = app.passwords.hash(password).await?;
                            let ended = app
                                .db
                                .write(move |tx| end_sessions(tx, domain, id, Some(&hash)))
                                .await?;
                            Ok(json!({"domain": domain.name, "id": id, "sessions_ended": ended}))
                        }
                        .await,
                    )
                }
            },
        );
    let logout_app = app.clone();
    let logout = warp::path!("api" / "accounts" / String / i64 / "logout")
        .and(warp::post())
        .then(move |name: String, id: i64| {
            let (app, domains) = (logout_app.clone(), domains.clone());
            async move {
                answer(
                    async {
                        let domain = domain_named(&domains, &name)?;
                        let ended = app
                            .db
                            .write(move |tx| end_sessions(tx, domain, id, None))
                            .await?;
                        Ok(json!({"domain": domain.name, "id": id, "sessions_ended": ended}))
                    }
                    .await,
                )
            }
        });
    let clear_app = app.clone();
    let clear = warp::path!("api" / "throttle" / "clear")
        .and(warp::post())
        .map(move || {
            let cleared = clear_app.throttle.clear();
            web::json(StatusCode::OK, &json!({"cleared": cleared}))
        });
    reset.or(logout).unify().or(clear).unify().boxed()
}
