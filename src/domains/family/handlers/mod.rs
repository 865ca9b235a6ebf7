//! Family's account, message and family handlers: the caller ([`Authed`])
//! and typed input ([`Input`]) in, `Result<_, Error>` out. Checks run in
//! one order everywhere: a readable body, then the token (HTTP 401), taken
//! by the route line before the input is decoded, then the fields (400),
//! then the rules of the data (403 / 404 / 418 / 460).

use serde::de::DeserializeOwned;

use super::envelope::{Error, bad, forbidden, not_found};
use super::input;
use super::model::{self, Done, User};
use super::store::{self, Profile};
use super::{DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{DecodeError, Form, Patch};
use crate::endpoint::{FromCall, Input, Refuses};
use crate::{clock, session};

mod accounts;
pub mod borrowing;
mod families;
pub mod ledger;
mod messages;
pub mod report;

pub use accounts::*;
pub use families::*;
pub use messages::*;

/// One request's input, as the routes hand it over. Its `token` is
/// `Authorization: Bearer <token>`, if sent (family has no cookie).
pub type Call = crate::app::Call;

/// The caller of a request whose token named a live session (HTTP 401
/// otherwise), and that token.
pub struct Authed {
    pub user: User,
    pub token: String,
}

impl FromCall<Call, Error> for Authed {
    fn from_call(call: &Call) -> impl Future<Output = Result<Self, Error>> + Send {
        logged_in(call)
    }
}

/// The token of a request: `?token=` or a body field `token`, else
/// `Authorization: Bearer`.
fn token_of(form: &Form, presented: Option<String>) -> Option<String> {
    form.text("token")
        .ok()
        .flatten()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .or(presented)
}

/// The caller, from the token; 401 without a live session.
async fn logged_in(call: &Call) -> Result<Authed, Error> {
    let form = call.input.as_ref().map_err(|e| Error::from(e.clone()))?;
    let token = token_of(form, call.token.clone()).ok_or(Error::Unauthenticated("no token"))?;
    let caller = session::caller(&call.app.db, DOMAIN, Some(token.clone()), store::user_by_id)
        .await?
        .ok_or(Error::Unauthenticated("token 无效或已过期"))?;
    Ok(Authed {
        user: caller.account,
        token,
    })
}

/// A field left out is "缺少参数 `name`", money of the wrong form its own
/// message.
impl<T> Refuses<T> for Error {
    fn refused(error: DecodeError) -> Self {
        error.answer(
            |name| bad(format!("缺少参数 {name}")),
            |wrong| input::wrong_value(&wrong.field).map(bad),
        )
    }
}

/// The request's typed input, read where the handler decides the order.
fn decode<T: DeserializeOwned>(form: &Form) -> Result<T, Error> {
    form.decode().map_err(<Error as Refuses<T>>::refused)
}

/// GET /events: new messages for the user and changes to their family
/// (joins, decisions, leaving, hand-over), as server-sent events.
pub async fn events(call: Call, authed: Authed) -> Result<crate::web::Response, Error> {
    let token_hash = session::hash(&authed.token);
    Ok(call.open_stream(DOMAIN, authed.user.id, token_hash)?)
}
