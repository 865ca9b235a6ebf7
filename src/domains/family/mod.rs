//! Family finance (`../shared/seeds/family.md`), under `/family`.
//!
//! Users register and log in for a token (`?token=`, a body field `token`
//! or `Authorization: Bearer`) that ends after 15 minutes without use.
//! A user belongs to at most one family of at most 8 members, at most 2 of
//! them parents; joining is an application a parent decides. Each user
//! keeps bills, deposits and loans; parents read the whole family's, and
//! the report sums them. Envelope: `{"code": 200, "msg": "ok", ...}` with
//! HTTP status equal to `code`; lists are bare arrays, as the seed shows.

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

pub use cli::Command;
pub use routes::routes;

/// Family, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "Family finance: families, messages, bills, savings, loans",
    endpoints: || crate::endpoint::endpoints(&routes::table()),
    api: ApiDocs {
        envelope: r#"{"oneOf": [
            {"type": "object", "description": "{code, msg, ...} or, for an authentication failure, {detail}"},
            {"type": "array", "description": "a list, as the seed shows"}
        ]}"#,
        statuses: &[
            (201, "No data (bill/data/ without bills)"),
            (400, "Bad Request"),
            (401, "认证失败: no token, or it expired"),
            (403, "Forbidden"),
            (404, "No such record or path"),
            (405, "Wrong method (see Allow)"),
            (418, "No such application"),
            (429, "Too many failed logins"),
            (460, "Reach the upper limit"),
        ],
        security_schemes: &[(
            "family_token",
            r#"{"type": "apiKey", "in": "query", "name": "token"}"#,
        )],
        bearer: true,
        login: "POST /family/api/v1/user_manage/login/ with username and password (demo: parent / parent1234); pass the token as ?token= (or in the body, or as Bearer). It ends after 15 minutes without use. HTTP status equals code.",
        typed_success: Some(envelope::typed_success),
        binary_answers: &[("/api/v1/report/chart.svg", "image/svg+xml", "The chart")],
    },
    notes: include_str!("API.md"),
    server_error: crate::envelope::server_error::<envelope::Shape>,
    accounts: "family_users",
    tables: &[
        "family_families",
        "family_users",
        "family_applications",
        "family_messages",
        "family_bills",
        "family_deposits",
        "family_loans",
        "family_repayments",
        "family_borrowings",
    ],
    routes: |app| routes(app.clone()),
    demo: |app| Box::pin(demo::rows(app)),
    demo_logins: "parent/parent1234, child/child1234, guest/guest1234",
    landing_note: |_| None,
    background: None,
};

/// Name in the sessions table and the throttle.
pub const DOMAIN: &str = "family";
/// A token ends after 15 minutes without use (the seed), a day at most.
pub const SESSIONS: Policy = Policy {
    idle_secs: 15 * 60,
    max_age_secs: 24 * 3600,
};
