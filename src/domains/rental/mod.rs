//! House rental (`../shared/seeds/rental.md`), under `/rental`.
//!
//! Owners publish houses, tenants publish demands (求租). A tenant applies
//! for a house, or an owner offers a house to a demand; the addressee
//! accepts or rejects. Accepting makes one deal (with the commission of
//! `--commission-rate`), lets the house and closes the demand. Sessions are
//! a cookie (or `Authorization: Bearer`). Envelope: `{"state": 1, ...keys}`
//! or `{"state": 0, "error_msg"}`, HTTP 200 for every API outcome.

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

pub use cli::{Command, Flags, add_admin};
pub use routes::routes;

/// Rental, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "House rental: listings, demands, applications, deals",
    endpoints: || crate::endpoint::endpoints(&routes::table()),
    api: ApiDocs {
        envelope: r#"{"type": "object", "required": ["state"],
            "properties": {"state": {"type": "integer"}, "error_msg": {"type": "string"}}}"#,
        statuses: crate::descriptor::ROUTING_STATUSES,
        security_schemes: &[(
            "rental_cookie",
            r#"{"type": "apiKey", "in": "cookie", "name": "onebox_rental"}"#,
        )],
        bearer: true,
        login: "POST /rental/operation/login with username and password (demo: owner / owner1234). The session is the onebox_rental cookie. state 1 success, 0 failure with error_msg.",
        typed_success: Some(envelope::typed_success),
        binary_answers: &[],
    },
    notes: include_str!("API.md"),
    server_error: crate::envelope::server_error::<envelope::Shape>,
    accounts: "rental_users",
    tables: &[
        "rental_users",
        "rental_houses",
        "rental_demands",
        "rental_requests",
        "rental_deals",
    ],
    routes: |app| routes(app.clone()),
    demo: |app| Box::pin(demo::rows(app)),
    demo_logins: "owner/owner1234, tenant/tenant1234, admin/admin1234",
    landing_note: |_| None,
    background: None,
};

/// Name in the sessions table, the throttle and the files table.
pub const DOMAIN: &str = "rental";
/// The session cookie.
pub const COOKIE: &str = "onebox_rental";
/// Sessions last a week without use, a month at most.
pub const SESSIONS: Policy = Policy {
    idle_secs: 7 * 24 * 3600,
    max_age_secs: 30 * 24 * 3600,
};
