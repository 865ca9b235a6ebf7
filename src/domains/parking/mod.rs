//! Parking reservation (`../shared/seeds/parking.md`), under `/parking`.
//!
//! Users with a balance reserve the lowest free spot of a lot, start parking,
//! end (paying the lot's price per started hour) or cancel. A reservation not
//! started within `--reserve-timeout` expires and frees its spot. The seed
//! has no login; `user/login` returns a token that every endpoint acting for
//! a user requires (code 406 otherwise). Envelope: `{msg, code, data}`,
//! HTTP 200 for every API outcome.

use std::time::Duration;

use super::{ApiDocs, Descriptor};
use crate::app::SharedApp;
use crate::session::Policy;
use crate::web::{Endpoint, Example};

pub mod cli;
pub mod demo;
pub mod envelope;
pub mod handlers;
pub mod model;
pub mod routes;
pub mod store;

pub use cli::{Command, Flags, add_lot};
pub use routes::routes;

/// Parking, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "Parking reservation: users with a balance, lots, orders",
    endpoints: ENDPOINTS,
    examples: EXAMPLES,
    api: ApiDocs {
        envelope: r#"{"type": "object", "required": ["msg", "code", "data"],
            "properties": {"msg": {"type": "string"}, "code": {"type": "integer"}, "data": {}}}"#,
        statuses: super::ROUTING_STATUSES,
        security_schemes: &[],
        bearer: true,
        login: "POST /parking/api/user/login with username and password (demo: demo / demo1234); send data.token as Authorization: Bearer. Every answer is HTTP 200 with the outcome in code (200 success; 401-409 failures as the seed lists).",
        binary_answers: &[],
    },
    tables: &["parking_users", "parking_lots", "parking_orders"],
    routes: |app| routes(app.clone()),
    load_demo: |app| Box::pin(demo::load(app)),
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

/// The documented routes (relative to `/parking`).
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "POST",
        path: "/api/user/login",
        summary: "Log in (username, password); data.token authorizes the user's other requests",
        fields: "username password",
    },
    Endpoint {
        method: "POST",
        path: "/api/user/logout",
        summary: "End this token's session (username)",
        fields: "username",
    },
    Endpoint {
        method: "POST",
        path: "/api/user/new",
        summary: "Register (username, password, email)",
        fields: "username password email",
    },
    Endpoint {
        method: "GET",
        path: "/api/user/info/{username}",
        summary: "A user's balance (over) and e-mail; token required",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/api/user/modification",
        summary: "Change password and e-mail (username, password, email); token required",
        fields: "username password email",
    },
    Endpoint {
        method: "GET",
        path: "/api/user/order/{username}/{status}",
        summary: "A user's orders; status 0 reserved, 1 parking, 2 finished, 3 expired/cancelled, 4 all; token required",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/api/user/recharge",
        summary: "Add to the balance (username, amount in yuan); token required",
        fields: "username amount:number",
    },
    Endpoint {
        method: "POST",
        path: "/api/order/new",
        summary: "Reserve the lowest free spot (username, parkinglot_id); token required",
        fields: "username parkinglot_id:int",
    },
    Endpoint {
        method: "POST",
        path: "/api/order/start",
        summary: "Start parking on a reservation (username, order_id); token required",
        fields: "username order_id:int",
    },
    Endpoint {
        method: "POST",
        path: "/api/order/end",
        summary: "Leave and pay the price per started hour (username, order_id); token required",
        fields: "username order_id:int",
    },
    Endpoint {
        method: "POST",
        path: "/api/order/cancel",
        summary: "Cancel a reservation (username, order_id); token required",
        fields: "username order_id:int",
    },
    Endpoint {
        method: "GET",
        path: "/api/parkinglot/list",
        summary: "Every lot with capacity, free spots and price per hour",
        fields: "",
    },
    Endpoint {
        method: "GET",
        path: "/api/parkinglot/info/{id}",
        summary: "One lot",
        fields: "",
    },
];

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
        |tx, now| store::expire_reservations(tx, now),
    )
}

/// Request bodies from the seed's examples (or in their style), shown in
/// `/openapi.json`.
pub const EXAMPLES: &[Example] = &[
    Example {
        method: "POST",
        path: "/api/user/login",
        body: r#"{"username": "demo", "password": "demo1234"}"#,
    },
    Example {
        method: "POST",
        path: "/api/user/new",
        body: r#"{"username": "zhangsan", "password": "password123", "email": "zhangsan@example.com"}"#,
    },
    Example {
        method: "POST",
        path: "/api/order/new",
        body: r#"{"username": "demo", "parkinglot_id": 1}"#,
    },
];
