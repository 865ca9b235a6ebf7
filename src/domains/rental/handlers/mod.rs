//! Rental's handlers: a guard ([`Caller`]) and typed input ([`Input`]) in,
//! `Result<keys, Error>` out. Checks run in one order everywhere: a
//! readable body, then the session ("请先登录"), taken by the route line
//! before the input is decoded, then the fields, then the rules of the
//! data.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::envelope::{Error, failed};
use super::input;
use super::model::{self, Done, ListQuery, ListingKind, RequestKind, Stored, User};
use super::store::lists::{Lists, Page};
use super::store::{self, NewUser, Table};
use super::{COOKIE, DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{Attachment, DecodeError, FieldError, Form};
use crate::endpoint::{Input, Refuses};
use crate::{clock, session};

/// One request's input, as the routes hand it over; its `token` comes from
/// `Authorization: Bearer`, else the session cookie.
pub type Call = crate::app::Call<Extra>;

/// What rental reads of a request besides the shared parts.
pub struct Extra {
    /// `http://host`, for absolute file URLs.
    pub base_url: String,
    /// Remembered totals and orders, and the in-memory copy of the houses.
    pub lists: Arc<Lists>,
}

/// GET /events: requests addressed to the user and decisions on theirs,
/// and their deals, as server-sent events. The session comes as for every
/// endpoint, or as `?token=` (an `EventSource` cannot set headers).
pub async fn events(call: Call) -> Result<crate::web::Response, Error> {
    let caller: Caller = session::required(&call.app.db, call.stream_token()?).await?;
    Ok(call.open_stream(DOMAIN, caller.id, caller.token_hash)?)
}

/// The logged-in user and their session; "请先登录" without one.
pub type Caller = session::Caller<User>;

impl session::Account for User {
    type Error = Error;
    const DOMAIN: &'static str = DOMAIN;
    fn load(conn: &rusqlite::Connection, id: i64) -> Result<Option<Self>, Error> {
        store::user_by_id(conn, id)
    }
    fn login_required(_presented: bool) -> Error {
        Error::LoginRequired
    }
}

/// A field left out is "缺少参数 `name`".
impl<T> Refuses<T> for Error {
    fn refused(error: DecodeError) -> Self {
        error.answer(|name| failed(format!("缺少参数 {name}")), |_| None)
    }
}

/// The request's typed input, read where the handler decides the order.
fn decode<T: DeserializeOwned>(form: &Form) -> Result<T, Error> {
    decode_with(form, |_| None)
}

/// [`decode`], with `wrong` naming the message of a value of the wrong
/// form where the field has its own.
fn decode_with<T: DeserializeOwned>(
    form: &Form,
    wrong: impl Fn(&FieldError) -> Option<Error>,
) -> Result<T, Error> {
    form.decode()
        .map_err(|e: DecodeError| e.answer(|name| failed(format!("缺少参数 {name}")), wrong))
}

mod accounts;
mod deals;
mod listings;

pub use accounts::*;
pub use deals::*;
pub use listings::*;
