//! University lab projects (`../shared/seeds/labs.md`), under `/labs`.
//!
//! Students register with a mailed code and create projects in a lab; the
//! lab's leader (a student named as `leader_id`) and admins (made with
//! `onebox labs add-admin`) review, update and delete them. Login takes the
//! JPEG captcha of `user/login/code` unless `--captcha off`. Sessions travel
//! in an HttpOnly cookie (or as `Authorization: Bearer`). Envelope:
//! `{status, message, data}`, HTTP 200 for every API outcome.

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

pub use cli::{Command, Flags, add_admin};
pub use routes::routes;

/// Labs, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "University lab projects: students, lab leaders, admins",
    endpoints: ENDPOINTS,
    examples: EXAMPLES,
    api: ApiDocs {
        envelope: r#"{"type": "object", "required": ["status", "message"],
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}, "data": {}}}"#,
        statuses: super::ROUTING_STATUSES,
        security_schemes: &[(
            "labs_cookie",
            r#"{"type": "apiKey", "in": "cookie", "name": "onebox_labs"}"#,
        )],
        bearer: true,
        login: "GET /labs/user/login/code for the captcha, then POST /labs/user/login with sid, password and code (demo: admin / admin1234; start with --captcha off to skip it). The session is the onebox_labs cookie. status 200 success, 300 failure, 400 no permission.",
        binary_answers: &[("/user/login/code", "image/jpeg", "A captcha")],
    },
    tables: &[
        "labs_users",
        "labs_labs",
        "labs_projects",
        "labs_members",
        "labs_codes",
        "labs_captchas",
    ],
    routes: |app| routes(app.clone()),
    load_demo: |app| Box::pin(demo::load(app)),
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

/// The documented routes (relative to `/labs`).
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "POST",
        path: "/user/login",
        summary: "Log in (sid = student number or e-mail, password, captcha code, remember); sets the session cookie",
        fields: "sid password code? captcha_id? remember:bool?",
    },
    Endpoint {
        method: "GET",
        path: "/user/type",
        summary: "The caller's role (0 none, 1 student, 2 lab leader, 3 admin) with student / lab / admin",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/user/logout",
        summary: "End the session",
        fields: "",
    },
    Endpoint {
        method: "GET",
        path: "/user/login/code",
        summary: "A JPEG captcha for the next login (single use, 5 minutes, case-insensitive)",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/user/register/mail",
        summary: "Mail a registration code (email)",
        fields: "email",
    },
    Endpoint {
        method: "POST",
        path: "/user/register/code",
        summary: "Register a student (email, code, name, password; optional sid, phone, college, grade, major, introduce)",
        fields: "email code name password sid? phone? college? grade? major? introduce?",
    },
    Endpoint {
        method: "POST",
        path: "/user/resetPassword/mail",
        summary: "Mail a password reset code (email)",
        fields: "email",
    },
    Endpoint {
        method: "POST",
        path: "/user/resetPassword/code",
        summary: "Set a new password with the mailed code (email, code, password)",
        fields: "email code password",
    },
    Endpoint {
        method: "POST",
        path: "/project/create",
        summary: "Create a project led by the caller (name, lab_name, aim, memberIds; description, duration, coach_id, type)",
        fields: "name lab_name aim memberIds description? duration? coach_id? type?",
    },
    Endpoint {
        method: "GET",
        path: "/project/count/lab",
        summary: "Number of a lab's projects (lab_id); admin or that lab's leader",
        fields: "lab_id:int",
    },
    Endpoint {
        method: "GET",
        path: "/project/count/status",
        summary: "Number of projects with an opt_status (status); admin",
        fields: "status:int",
    },
    Endpoint {
        method: "GET",
        path: "/project/student",
        summary: "A student's projects (sid); admin or the student",
        fields: "sid",
    },
    Endpoint {
        method: "GET",
        path: "/project/one",
        summary: "One project with its members (id); admin, its lab's leader or a member",
        fields: "id:int",
    },
    Endpoint {
        method: "GET",
        path: "/project/lab",
        summary: "A lab's projects of an opt_status (status, lab_id; page, rows when status is 0); admin or that lab's leader",
        fields: "status:int lab_id:int page:int? rows:int?",
    },
    Endpoint {
        method: "GET",
        path: "/project/all",
        summary: "Projects of an opt_status, paged (status, page, rows); admin",
        fields: "status:int page:int? rows:int?",
    },
    Endpoint {
        method: "POST",
        path: "/project/update",
        summary: "Update a project (id, name, duration, aim, type, memberIds; description, coach_id, notify); admin or its lab's leader",
        fields: "id:int name duration aim type memberIds description? coach_id? notify:bool?",
    },
    Endpoint {
        method: "POST",
        path: "/project/review",
        summary: "Set a project's opt_status (id, opt_status: 0 submitted, 1 approved, 2 finished, 3 rejected); admin or its lab's leader",
        fields: "id:int opt_status:int",
    },
    Endpoint {
        method: "POST",
        path: "/project/delete/student",
        summary: "Delete (newValue 1, the default) or restore (0) one's own project (pid); its leader",
        fields: "pid:int newValue:int?",
    },
    Endpoint {
        method: "POST",
        path: "/project/delete",
        summary: "Delete or restore projects (ids joined by @, newValue); admin or their lab's leader",
        fields: "ids newValue:int?",
    },
    Endpoint {
        method: "GET",
        path: "/lab/get/all",
        summary: "Every lab",
        fields: "",
    },
    Endpoint {
        method: "GET",
        path: "/lab/get",
        summary: "One lab (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "POST",
        path: "/lab/create",
        summary: "Create a lab (name; leader_id, description); admin",
        fields: "name leader_id? description?",
    },
    Endpoint {
        method: "POST",
        path: "/lab/update",
        summary: "Change a lab (id; name, leader_id, description); admin",
        fields: "id:int name? leader_id? description?",
    },
    Endpoint {
        method: "POST",
        path: "/lab/delete",
        summary: "Delete a lab that has no projects (id); admin",
        fields: "id:int",
    },
];

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

/// Request bodies from the seed's examples (or in their style), shown in
/// `/openapi.json`.
pub const EXAMPLES: &[Example] = &[
    Example {
        method: "POST",
        path: "/user/login",
        body: r#"{"sid": "20160030", "password": "student1234", "code": "ab12"}"#,
    },
    Example {
        method: "POST",
        path: "/project/create",
        body: r#"{"name": "智能小车", "lab_name": "智能系统实验室", "aim": "参加竞赛", "memberIds": "20160031@20160032", "duration": 15552000}"#,
    },
];
