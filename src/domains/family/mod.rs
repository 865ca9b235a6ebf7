//! Family finance (`../shared/seeds/family.md`), under `/family`.
//!
//! Users register and log in for a token (`?token=`, a body field `token`
//! or `Authorization: Bearer`) that ends after 15 minutes without use.
//! A user belongs to at most one family of at most 8 members, at most 2 of
//! them parents; joining is an application a parent decides. Each user
//! keeps bills, deposits and loans; parents read the whole family's, and
//! the report sums them. Envelope: `{"code": 200, "msg": "ok", ...}` with
//! HTTP status equal to `code`; lists are bare arrays, as the seed shows.

use crate::session::Policy;
use crate::web::Endpoint;

pub mod demo;
pub mod envelope;
pub mod handlers;
pub mod ledger;
pub mod model;
pub mod report;
pub mod routes;
pub mod store;

pub use routes::routes;

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
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/user_manage/login",
        summary: "Log in (username, password) → token; 429 after repeated failures",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/user_manage/logout",
        summary: "End the session (token)",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/user_manage/user_info",
        summary: "The user with family1 (no password)",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/user_manage/user_info",
        summary: "Change the fields sent: username, telephone, email, sex; password with pwdagain",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/user_manage/about_family",
        summary: "Ask to join a family (family_id); the parents get a message; 460 when in a family or it is full",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/user_manage/about_family",
        summary: "Leave the family; the last member leaving removes it",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/message",
        summary: "The user's messages (?state=0|1|2)",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/message",
        summary: "Send a message (receive_id = username, title, text)",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/message",
        summary: "Delete one's message (id)",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/message",
        summary: "Set one's message state (id, state 0 unread, 1 starred, 2 read)",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/family/familyManage",
        summary: "The user's family: id, family_name, family_member; or family \"null\"",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/family/familyManage",
        summary: "Create a family (family_name); the creator is its parent; 460 when in a family",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/family/familyManage",
        summary: "Parent: make a member a parent (user_id); with two parents the caller steps down",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/family/familyMember",
        summary: "Parent: pending applications to the family",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/family/familyMember",
        summary: "Parent: decide an application (user_id, is_agree 0 yes / 1 no); 418 none, 460 full",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/bill/Income",
        summary: "The user's income bills (?start=&end=, ?scope=family for parents)",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/bill/Income",
        summary: "Add income (money, remarks, time)",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/bill/Income",
        summary: "Change one's income bill (id plus fields)",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/bill/Income",
        summary: "Delete one's income bill (id)",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/bill/Expense",
        summary: "The user's expense bills (?start=&end=, ?scope=family for parents)",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/bill/Expense",
        summary: "Add expense (money, remarks, time)",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/bill/Expense",
        summary: "Change one's expense bill (id plus fields)",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/bill/Expense",
        summary: "Delete one's expense bill (id)",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/bank/Deposit",
        summary: "The user's deposits (?start=&end=, ?scope=family)",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/bank/Deposit",
        summary: "Add a deposit (bank, type 活期/定期, money, rate, start_time, end_time)",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/bank/Deposit",
        summary: "Change one's deposit (id plus fields)",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/bank/Deposit",
        summary: "Delete one's deposit (id)",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/loan",
        summary: "The user's loans (?start=&end=, ?scope=family)",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/loan",
        summary: "Add a loan (direction 借入/借出, counterparty, money, time, due_time)",
    },
    Endpoint {
        method: "PUT",
        path: "/api/v1/loan",
        summary: "Change one's loan (id plus fields; money not below repaid)",
    },
    Endpoint {
        method: "DELETE",
        path: "/api/v1/loan",
        summary: "Delete one's loan (id)",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/loan/repay",
        summary: "Repayments of a loan (id)",
    },
    Endpoint {
        method: "POST",
        path: "/api/v1/loan/repay",
        summary: "Repay one's loan (id, money up to the outstanding amount, time)",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/report",
        summary: "Asset report (?scope=self|family&start=&end=): income, expense, net, savings, loans, net worth, months, members",
    },
    Endpoint {
        method: "GET",
        path: "/api/v1/report/chart.svg",
        summary: "The report's monthly income and expense as an SVG bar chart",
    },
];
