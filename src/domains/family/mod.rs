//! Family finance (`../shared/seeds/family.md`), under `/family`.
//!
//! Users register and log in for a token (`?token=`, a body field `token`
//! or `Authorization: Bearer`) that ends after 15 minutes without use.
//! A user belongs to at most one family of at most 8 members, at most 2 of
//! them parents; joining is an application a parent decides. Each user
//! keeps bills, deposits and loans; parents read the whole family's, and
//! the report sums them. Envelope: `{"code": 200, "msg": "ok", ...}` with
//! HTTP status equal to `code`; lists are bare arrays, as the seed shows.

use super::{ApiDocs, Descriptor};
use crate::session::Policy;
use crate::web::{Endpoint, Example};

pub mod demo;
pub mod envelope;
pub mod handlers;
pub mod ledger;
pub mod model;
pub mod report;
pub mod routes;
pub mod store;

pub use routes::routes;

/// Family, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "Family finance: families, messages, bills, savings, loans",
    endpoints: ENDPOINTS,
    examples: EXAMPLES,
    api: ApiDocs {
        envelope: r#"{"oneOf": [
            {"type": "object", "description": "{code, msg, ...} or, for an authentication failure, {detail}"},
            {"type": "array", "description": "a list, as the seed shows"}
        ]}"#,
        statuses: &[
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
        binary_answers: &[("/api/v1/report/chart.svg", "image/svg+xml", "The chart")],
    },
    tables: &[
        "family_families",
        "family_users",
        "family_applications",
        "family_messages",
        "family_bills",
        "family_deposits",
        "family_loans",
        "family_repayments",
    ],
    routes: |app| routes(app.clone()),
    load_demo: |app| Box::pin(demo::load(app)),
    background: None,
};

/// Name in the sessions table and the throttle.
pub const DOMAIN: &str = "family";
/// A token ends after 15 minutes without use (the seed), a day at most.
pub const SESSIONS: Policy = Policy {
    idle_secs: 15 * 60,
    max_age_secs: 24 * 3600,
};

/// The documented routes (relative to `/family`); every one also answers
/// with a trailing slash.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "POST",
        path: "/api/v1/user_manage/register",
        summary: "Register (username, password, pwdagain; telephone, email, sex) → token",
        fields: "username password pwdagain telephone? email? sex?",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/user_manage/login",
        summary: "Log in (username, password) → token; 429 after repeated failures",
        fields: "username password",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/user_manage/logout",
        summary: "End the session (token)",
        fields: "",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/user_manage/user_info",
        summary: "The user with family1 (no password)",
        fields: "",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/user_manage/user_info",
        summary: "Change the fields sent: username, telephone, email, sex; password with pwdagain",
        fields: "username? telephone? email? sex? password? pwdagain?",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/user_manage/about_family",
        summary: "Ask to join a family (family_id); the parents get a message; 460 when in a family or it is full",
        fields: "family_id:int",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/user_manage/about_family",
        summary: "Leave the family; the last member leaving removes it",
        fields: "",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/message",
        summary: "The user's messages (?state=0|1|2)",
        fields: "state:int?",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/message",
        summary: "Send a message (receive_id = username, title, text)",
        fields: "receive_id title text",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/message",
        summary: "Delete one's message (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/message",
        summary: "Set one's message state (id, state 0 unread, 1 starred, 2 read)",
        fields: "id:int state:int",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/family/familyManage",
        summary: "The user's family: id, family_name, family_member; or family \"null\"",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/family/familyManage",
        summary: "Create a family (family_name); the creator is its parent; 460 when in a family",
        fields: "family_name",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/family/familyManage",
        summary: "Parent: make a member a parent (user_id); with two parents the caller steps down",
        fields: "user_id:int",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/family/familyMember",
        summary: "Parent: pending applications to the family",
        fields: "",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/family/familyMember",
        summary: "Parent: decide an application (user_id, is_agree 0 yes / 1 no); 418 none, 460 full",
        fields: "user_id:int is_agree:int parent_id:int?",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/bill/Income",
        summary: "The user's income bills (?start=&end=, ?scope=family for parents)",
        fields: "start? end? scope?",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/bill/Income",
        summary: "Add income (money, remarks, time)",
        fields: "money:number remarks? time?",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/bill/Income",
        summary: "Change one's income bill (id plus fields)",
        fields: "id:int money:number? remarks? time?",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/bill/Income",
        summary: "Delete one's income bill (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/bill/Expense",
        summary: "The user's expense bills (?start=&end=, ?scope=family for parents)",
        fields: "start? end? scope?",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/bill/Expense",
        summary: "Add expense (money, remarks, time)",
        fields: "money:number remarks? time?",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/bill/Expense",
        summary: "Change one's expense bill (id plus fields)",
        fields: "id:int money:number? remarks? time?",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/bill/Expense",
        summary: "Delete one's expense bill (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/bank/Deposit",
        summary: "The user's deposits (?start=&end=, ?scope=family)",
        fields: "start? end? scope?",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/bank/Deposit",
        summary: "Add a deposit (bank, type 活期/定期, money, rate, start_time, end_time)",
        fields: "bank type money:number rate:number? start_time? end_time?",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/bank/Deposit",
        summary: "Change one's deposit (id plus fields)",
        fields: "id:int bank? type? money:number? rate:number? start_time? end_time?",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/bank/Deposit",
        summary: "Delete one's deposit (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/loan",
        summary: "The user's loans (?start=&end=, ?scope=family)",
        fields: "start? end? scope?",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/loan",
        summary: "Add a loan (direction 借入/借出, counterparty, money, time, due_time)",
        fields: "direction counterparty money:number time? due_time?",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/loan",
        summary: "Change one's loan (id plus fields; money not below repaid)",
        fields: "id:int direction? counterparty? money:number? time? due_time?",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/loan",
        summary: "Delete one's loan (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/loan/repay",
        summary: "Repayments of a loan (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/loan/repay",
        summary: "Repay one's loan (id, money up to the outstanding amount, time)",
        fields: "id:int money:number time?",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/report",
        summary: "Asset report (?scope=self|family&start=&end=): income, expense, net, savings, loans, net worth, months, members",
        fields: "scope? start? end?",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/report/chart.svg",
        summary: "The report's monthly income and expense as an SVG bar chart",
        fields: "scope? start? end?",
    },
];

/// Request bodies from the seed's examples (or in their style), shown in
/// `/openapi.json`.
pub const EXAMPLES: &[Example] = &[
    Example {
        method: "POST",
        path: "/api/v1/user_manage/register",
        body: r#"{"username": "demo", "password": "demo1234", "pwdagain": "demo1234"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/user_manage/login",
        body: r#"{"username": "parent", "password": "parent1234"}"#,
    },
    Example {
        method: "DELETE",
        path: "/api/v1/user_manage/logout",
        body: r#"{"token": "d5d8354d-646d-4d83-a4d4-4f3d8628eb2b"}"#,
    },
    Example {
        method: "PUT",
        path: "/api/v1/user_manage/user_info",
        body: r#"{"telephone": "13800000000", "email": "jiazhang@163.com", "sex": "男"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/message",
        body: r#"{"receive_id": "child", "title": "系统测试", "text": "系统测试消息"}"#,
    },
    Example {
        method: "DELETE",
        path: "/api/v1/message",
        body: r#"{"id": "1"}"#,
    },
    Example {
        method: "PUT",
        path: "/api/v1/message",
        body: r#"{"id": "1", "state": "2"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/family/familyManage",
        body: r#"{"family_name": "newfamily"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/user_manage/about_family",
        body: r#"{"family_id": "1"}"#,
    },
    Example {
        method: "PUT",
        path: "/api/v1/family/familyMember",
        body: r#"{"parent_id": "1", "user_id": "3", "is_agree": "0"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/bill/Income",
        body: r#"{"money": "510", "remarks": "学习2", "time": "2019-10-1 12:12:12"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/bill/Expense",
        body: r#"{"money": "88.5", "remarks": "晚饭", "time": "2019-10-1 19:00:00"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/bank/Deposit",
        body: r#"{"bank": "建设银行", "type": "定期", "money": "10000", "rate": "2.15", "start_time": "2019-12-01", "end_time": "2020-12-01"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/loan",
        body: r#"{"direction": "借出", "counterparty": "张三", "money": "500", "time": "2019-10-05 10:00:00", "due_time": "2020-01-01"}"#,
    },
    Example {
        method: "POST",
        path: "/api/v1/loan/repay",
        body: r#"{"id": "1", "money": "100"}"#,
    },
];
