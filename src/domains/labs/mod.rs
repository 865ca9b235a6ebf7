//! University lab projects (`../shared/seeds/labs.md`), under `/labs`.
//!
//! Students register with a mailed code and create projects in a lab; the
//! lab's leader (a student named as `leader_id`) and admins (made with
//! `onebox labs add-admin`) review, update and delete them. Login takes the
//! JPEG captcha of `user/login/code` unless `--captcha off`. Sessions travel
//! in an HttpOnly cookie (or as `Authorization: Bearer`). Envelope:
//! `{status, message, data}`, HTTP 200 for every API outcome.

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

pub use cli::{Command, Flags, add_admin};
pub use routes::routes;

/// Labs, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "University lab projects: students, lab leaders, admins",
    endpoints: || crate::endpoint::endpoints(&routes::table()),
    api: ApiDocs {
        envelope: r#"{"type": "object", "required": ["status", "message"],
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}, "data": {}}}"#,
        statuses: crate::descriptor::ROUTING_STATUSES,
        security_schemes: &[(
            "labs_cookie",
            r#"{"type": "apiKey", "in": "cookie", "name": "onebox_labs"}"#,
        )],
        bearer: true,
        login: "GET /labs/user/login/code for the captcha, then POST /labs/user/login with sid, password and code (demo: admin / admin1234; start with --captcha off to skip it). The session is the onebox_labs cookie. status 200 success, 300 failure, 400 no permission.",
        typed_success: Some(envelope::typed_success),
        binary_answers: &[("/user/login/code", "image/jpeg", "A captcha")],
    },
    notes: include_str!("API.md"),
    server_error: crate::envelope::server_error::<envelope::Shape>,
    accounts: "labs_users",
    tables: &[
        "labs_users",
        "labs_labs",
        "labs_projects",
        "labs_members",
        "labs_codes",
        "labs_captchas",
        "labs_bulletins",
        "labs_notifications",
        "labs_unread",
    ],
    routes: |app| routes(app.clone()),
    demo: |app| Box::pin(demo::rows(app)),
    demo_logins: "admin/admin1234, leader 20160001/leader1234, student 20160030/student1234",
    landing_note: |app| landing_note(app),
    background: Some(spawn_background),
};

/// Name in the sessions table, the throttle and the outbox.
pub const DOMAIN: &str = "labs";
/// The session cookie.
pub const COOKIE: &str = "onebox_labs";
/// The cookie naming the captcha a login answers.
pub const CAPTCHA_COOKIE: &str = "onebox_labs_captcha";
/// A login without `remember`: two idle hours, half a day at most, and a
/// cookie that ends with the browser.
pub const SESSIONS: Policy = Policy {
    idle_secs: 2 * 3600,
    max_age_secs: 12 * 3600,
};
/// A login with `remember`: thirty days.
pub const REMEMBERED_SESSIONS: Policy = Policy {
    idle_secs: 30 * 24 * 3600,
    max_age_secs: 30 * 24 * 3600,
};
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Removes expired captchas and day-old codes every minute.
pub fn spawn_background(
    app: SharedApp,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    app.db.every(
        SWEEP_EVERY,
        stop,
        "labs: removing expired captchas and codes",
        |tx, now| store::sweep(tx, now),
    )
}

/// The landing page's line on the captcha, the switch API-only clients trip over.
fn landing_note(app: &crate::app::App) -> Option<String> {
    Some(match app.flags::<Flags>().captcha {
        crate::args::Switch::On => "Login asks for the captcha of <code>GET /labs/user/login/code</code> (captcha on; start with <code>--captcha off</code> for API-only clients).".to_string(),
        crate::args::Switch::Off => "Captcha off: login needs no <code>code</code> (<code>--captcha off</code>).".to_string(),
    })
}
