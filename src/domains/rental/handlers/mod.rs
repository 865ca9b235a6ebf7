//! Rental's handlers: typed input and state in, `Result<keys, Error>` out.
//! Checks run in one order everywhere: a readable body, then the session
//! ("请先登录"), then the fields, then the rules of the data.

use std::net::IpAddr;
use std::sync::Arc;

use serde_json::{Value, json};

use super::counts::HouseCounts;
use super::envelope::{Error, Keys, failed, keys};
use super::model::{self, ListQuery, ListingKind, RequestKind, User};
use super::store::{self, NewUser, Table};
use super::{COOKIE, DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{BodyError, Form};
use crate::{clock, session};

/// One request's input, as the routes hand it over.
pub struct Call {
    pub app: SharedApp,
    pub input: Result<Form, BodyError>,
    /// The session token: `Authorization: Bearer`, else the session cookie.
    pub token: Option<String>,
    pub ip: Option<IpAddr>,
    /// `http://host`, for absolute file URLs.
    pub base_url: String,
    /// The in-memory copy that answers house list totals.
    pub counts: Arc<HouseCounts>,
}

/// The logged-in user and their session.
type Caller = session::Caller<User>;

async fn logged_in(app: &SharedApp, token: Option<String>) -> Result<Caller, Error> {
    session::caller(&app.db, DOMAIN, token, store::user_by_id)
        .await?
        .ok_or(Error::LoginRequired)
}

fn required(form: &Form, name: &str) -> Result<String, Error> {
    form.text(name)?
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| failed(format!("缺少参数 {name}")))
}

fn required_id(form: &Form, name: &str) -> Result<i64, Error> {
    form.int(name)?
        .ok_or_else(|| failed(format!("缺少参数 {name}")))
}

mod accounts;
mod deals;
mod listings;

pub use accounts::*;
pub use deals::*;
pub use listings::*;
