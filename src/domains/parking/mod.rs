//! Parking reservation (`../shared/seeds/parking.md`), under `/parking`.
//!
//! Users with a balance reserve the lowest free spot of a lot, start parking,
//! end (paying the lot's price per started hour) or cancel. A reservation not
//! started within `--reserve-timeout` expires and frees its spot. The seed
//! has no login; `user/login` returns a token that every endpoint acting for
//! a user requires (code 406 otherwise). Envelope: `{msg, code, data}`,
//! HTTP 200 for every API outcome.

use std::time::Duration;

use crate::app::SharedApp;
use crate::descriptor::{ApiDocs, Descriptor};
use crate::session::Policy;

pub mod cli;
pub mod demo;
pub mod envelope;
pub mod handlers;
pub mod input;
pub mod model;
pub mod routes;
pub mod store;

pub use cli::{Command, Flags, add_lot};
pub use routes::routes;

/// Parking, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "Parking reservation: users with a balance, lots, orders",
    endpoints: || crate::endpoint::endpoints(&routes::table()),
    api: ApiDocs {
        envelope: r#"{"type": "object", "required": ["msg", "code", "data"],
            "properties": {"msg": {"type": "string"}, "code": {"type": "integer"}, "data": {}}}"#,
        statuses: crate::descriptor::ROUTING_STATUSES,
        security_schemes: &[],
        bearer: true,
        login: "POST /parking/api/user/login with username and password (demo: demo / demo1234); send data.token as Authorization: Bearer. Every answer is HTTP 200 with the outcome in code (200 success; 401-409 failures as the seed lists).",
        typed_success: Some(envelope::typed_success),
        binary_answers: &[],
    },
    notes: include_str!("API.md"),
    server_error: crate::envelope::server_error::<envelope::Shape>,
    accounts: "parking_users",
    tables: &["parking_users", "parking_lots", "parking_orders"],
    routes: |app| routes(app.clone()),
    demo: |app| Box::pin(demo::rows(app)),
    demo_logins: "users demo/demo1234, alice/alice1234",
    landing_note: |_| None,
    background: Some(spawn_background),
};

/// Name in the sessions table and the throttle.
pub const DOMAIN: &str = "parking";
/// Cookie accepted besides `Authorization: Bearer`.
pub const COOKIE: &str = "onebox_parking";
/// Tokens last a week without use, a month at most.
pub const SESSIONS: Policy = Policy {
    idle_secs: 7 * 24 * 3600,
    max_age_secs: 30 * 24 * 3600,
};
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Expires overdue reservations every second, so spots free up even when
/// nobody asks.
pub fn spawn_background(
    app: SharedApp,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    app.db.every(
        SWEEP_EVERY,
        stop,
        "parking: expiring reservations",
        store::expire_reservations,
    )
}
