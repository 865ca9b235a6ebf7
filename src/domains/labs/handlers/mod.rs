//! Labs' handlers: typed input and state in, `Result<data, Error>` out.
//! Checks run in one order everywhere: a readable body, then the session
//! and role (400; a role that depends on an id is checked once the id is
//! read), then the fields and the domain's rules (300).

use std::net::IpAddr;

use serde_json::Value;

use super::envelope::{Error, failed};
use super::model::{
    self, Account, CodeProblem, NewUser, Profile, ProjectFields, Purpose, check_email, check_name,
    check_required_text, check_text,
};
use super::store::{self, ProjectFilter};
use super::{CAPTCHA_COOKIE, COOKIE, DOMAIN, REMEMBERED_SESSIONS, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{BodyError, Form};
use crate::{clock, session};

/// One request's input, as the routes hand it over.
pub struct Call {
    pub app: SharedApp,
    pub input: Result<Form, BodyError>,
    /// The session token: `Authorization: Bearer`, else the session cookie.
    pub token: Option<String>,
    /// The captcha cookie set by `user/login/code`.
    pub captcha_id: Option<String>,
    pub ip: Option<IpAddr>,
}

/// The caller's live session, if any.
async fn caller(app: &SharedApp, token: Option<String>) -> Result<Option<Caller>, Error> {
    session::caller(&app.db, DOMAIN, token, store::caller).await
}

/// The logged-in user, their lab and their session.
type Caller = session::Caller<Account>;

/// The caller, who must be logged in.
async fn logged_in(app: &SharedApp, token: Option<String>) -> Result<Caller, Error> {
    caller(app, token).await?.ok_or(Error::Denied)
}

/// The caller, who must be an admin.
async fn admin(app: &SharedApp, token: Option<String>) -> Result<Caller, Error> {
    let caller = logged_in(app, token).await?;
    if caller.is_admin() {
        Ok(caller)
    } else {
        Err(Error::Denied)
    }
}

/// A required text field, or "`what`不能为空".
fn required(form: &Form, name: &str, what: &str) -> Result<String, Error> {
    form.text(name)?
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| failed(format!("{what}不能为空")))
}

/// A required whole number.
fn required_int(form: &Form, name: &str) -> Result<i64, Error> {
    form.int(name)?
        .ok_or_else(|| failed(format!("{name} 不能为空")))
}

/// `true`, `"true"`, `1`, `"1"` and `"on"` are yes; absent is no.
fn flag(form: &Form, name: &str) -> bool {
    match form.get(name) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.trim(), "true" | "1" | "on" | "yes"),
        _ => false,
    }
}

mod accounts;
mod labs;
mod projects;

pub use accounts::*;
pub use labs::*;
pub use projects::*;
