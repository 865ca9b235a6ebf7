//! `GET /_/api/faults` (each served domain's delay and error rate) and
//! `PUT /_/api/faults` (`domain`, `delay_ms`, `error_rate` 0–1; both left
//! out, or 0, clear the domain's fault).

use serde::{Deserialize, Serialize};
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;

use crate::app::SharedApp;
use crate::body::{BodyError, Form};
use crate::descriptor::Descriptor;
use crate::faults::Fault;
use crate::web::{self, Response};

#[derive(Debug, Serialize)]
struct DomainFault {
    domain: &'static str,
    #[serde(flatten)]
    fault: Fault,
}

#[derive(Debug, Deserialize)]
struct Change {
    domain: String,
    delay_ms: Option<u64>,
    error_rate: Option<f64>,
}

fn all(app: &SharedApp, domains: &[&'static Descriptor]) -> Vec<DomainFault> {
    domains
        .iter()
        .map(|d| DomainFault {
            domain: d.name,
            fault: app.faults.of(d.name),
        })
        .collect()
}

/// The faults API.
pub fn routes(app: &SharedApp, domains: &[&'static Descriptor]) -> BoxedFilter<(Response,)> {
    let domains: std::sync::Arc<[&'static Descriptor]> = domains.into();
    let (list_app, list_domains) = (app.clone(), domains.clone());
    let list = warp::path!("api" / "faults")
        .and(warp::get())
        .map(move || web::json(StatusCode::OK, &all(&list_app, &list_domains)));
    let change_app = app.clone();
    let change = warp::path!("api" / "faults")
        .and(warp::put())
        .and(crate::body::input(app.settings.limits))
        .map(move |input: Result<Form, BodyError>| {
            let change = match input
                .map_err(|e| e.to_string())
                .and_then(|form| form.decode::<Change>().map_err(|e| e.to_string()))
            {
                Ok(change) => change,
                Err(message) => return super::refused(&message),
            };
            let Some(domain) = domains.iter().find(|d| d.name == change.domain) else {
                return web::json(
                    StatusCode::NOT_FOUND,
                    &json!({"error": format!("no domain named {} is served", change.domain)}),
                );
            };
            let fault = Fault {
                delay_ms: change.delay_ms.unwrap_or(0),
                error_rate: change.error_rate.unwrap_or(0.0),
            };
            match fault.check() {
                Ok(fault) => {
                    change_app.faults.set(domain.name, fault);
                    web::json(StatusCode::OK, &all(&change_app, &domains))
                }
                Err(message) => super::refused(&message),
            }
        });
    list.or(change).unify().boxed()
}
