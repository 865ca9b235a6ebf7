//! `POST /_/api/reset` (`domain` optional: every served domain without it;
//! `demo`, default true: the demo data back, or false: empty). One
//! transaction while serving ([`crate::demo::reset`]); the domain's
//! sessions end.

use serde::Deserialize;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;

use super::{Refusal, answer, domain_named};
use crate::app::SharedApp;
use crate::body::{BodyError, Form};
use crate::descriptor::Descriptor;
use crate::web::Response;

/// What to reset.
#[derive(Debug, Deserialize)]
struct Order {
    domain: Option<String>,
    demo: Option<bool>,
}

/// The reset API.
pub fn routes(app: &SharedApp, domains: &[&'static Descriptor]) -> BoxedFilter<(Response,)> {
    let domains: std::sync::Arc<[&'static Descriptor]> = domains.into();
    let app = app.clone();
    warp::path!("api" / "reset")
        .and(warp::post())
        .and(crate::body::input(app.settings.limits))
        .then(move |input: Result<Form, BodyError>| {
            let (app, domains) = (app.clone(), domains.clone());
            async move {
                answer(
                    async {
                        let order: Order = input
                            .map_err(|e| Refusal::Bad(e.to_string()))?
                            .decode()
                            .map_err(|e| Refusal::Bad(e.to_string()))?;
                        let chosen = match order.domain.as_deref().map(str::trim) {
                            None | Some("") => domains.to_vec(),
                            Some(name) => vec![domain_named(&domains, name)?],
                        };
                        let demo = order.demo.unwrap_or(true);
                        let done = crate::demo::reset(&app, &chosen, demo).await?;
                        Ok(json!({"reset": done}))
                    }
                    .await,
                )
            }
        })
        .boxed()
}
