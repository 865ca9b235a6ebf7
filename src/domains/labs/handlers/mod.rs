//! Labs' handlers: a guard ([`Caller`], [`Admin`]) and typed input
//! ([`Input`]) in, `Result<data, Error>` out. Checks run in one order
//! everywhere: a readable body, then the session and role (400), both
//! taken by the route line before the input is decoded (a role that
//! depends on an id is checked once the id is read), then the fields and
//! the domain's rules (300).

use serde::de::DeserializeOwned;

use super::envelope::{Error, failed};
use super::input;
use super::model::{
    self, Account, CodeProblem, NewUser, Profile, ProjectFields, Purpose, check_email, check_name,
    check_required_text, check_text,
};
use super::store::{self, ProjectFilter};
use super::{CAPTCHA_COOKIE, COOKIE, DOMAIN, REMEMBERED_SESSIONS, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{DecodeError, Form};
use crate::endpoint::{FromCall, Input, Refuses};
use crate::{clock, session};

/// One request's input, as the routes hand it over; its `token` comes from
/// `Authorization: Bearer`, else the session cookie.
pub type Call = crate::app::Call<Captcha>;

/// What labs reads of a request besides the shared parts.
pub struct Captcha {
    /// The captcha cookie set by `user/login/code`.
    pub id: Option<String>,
}

/// GET /events: changes to the projects the user is a member of, leads
/// the lab of, or (an admin) any, as server-sent events. The session comes
/// as for every endpoint, or as `?token=` (an `EventSource` cannot set
/// headers).
pub async fn events(call: Call) -> Result<crate::web::Response, Error> {
    let caller: Caller = session::required(&call.app.db, call.stream_token()?).await?;
    Ok(call.open_stream(DOMAIN, caller.user.id, caller.token_hash)?)
}

/// The logged-in user, their lab and their session; 400 without one.
pub type Caller = session::Caller<Account>;

impl session::Account for Account {
    type Error = Error;
    const DOMAIN: &'static str = DOMAIN;
    fn load(conn: &rusqlite::Connection, id: i64) -> Result<Option<Self>, Error> {
        store::caller(conn, id)
    }
    fn login_required(_presented: bool) -> Error {
        Error::Denied
    }
}

/// The caller, who must be an admin.
pub struct Admin(pub Caller);

impl FromCall<Call, Error> for Admin {
    async fn from_call(call: &Call) -> Result<Self, Error> {
        let caller = Caller::from_call(call).await?;
        if caller.is_admin() {
            Ok(Admin(caller))
        } else {
            Err(Error::Denied)
        }
    }
}

/// A required text, trimmed, or "`what`不能为空".
fn required(text: Option<String>, what: &str) -> Result<String, Error> {
    text.map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| failed(format!("{what}不能为空")))
}

/// A whole number left out is "`name` 不能为空".
impl<T> Refuses<T> for Error {
    fn refused(error: DecodeError) -> Self {
        error.answer(|name| failed(format!("{name} 不能为空")), |_| None)
    }
}

/// The request's typed input, read where the handler decides the order.
fn decode<T: DeserializeOwned>(form: &Form) -> Result<T, Error> {
    form.decode().map_err(<Error as Refuses<T>>::refused)
}

mod accounts;
mod labs;
mod notices;
mod projects;

pub use accounts::*;
pub use labs::*;
pub use notices::*;
pub use projects::*;

/// An answer with its times as `--compat labs` asks (see [`model::Timed`]).
fn timed<T>(app: &SharedApp, value: T) -> model::Timed<T> {
    model::Timed {
        value,
        iso: app.compat(DOMAIN),
    }
}
