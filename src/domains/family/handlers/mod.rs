//! Family's account, message and family handlers: the caller ([`Caller`])
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
/// otherwise), and that token: family's answers echo it (`familyManage`).
pub struct Caller {
    pub user: User,
    pub token: String,
}

impl session::Account for User {
    type Error = Error;
    const DOMAIN: &'static str = DOMAIN;
    fn load(conn: &rusqlite::Connection, id: i64) -> Result<Option<Self>, Error> {
        store::user_by_id(conn, id)
    }
    fn login_required(presented: bool) -> Error {
        Error::Unauthenticated(if presented {
            "token 无效或已过期"
        } else {
            "no token"
        })
    }
    /// `?token=` or a body field `token`, else `Authorization: Bearer`.
    fn presented(bearer: Option<String>, form: &Form) -> Option<String> {
        form.text("token")
            .ok()
            .flatten()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .or(bearer)
    }
}

impl FromCall<Call, Error> for Caller {
    async fn from_call(call: &Call) -> Result<Self, Error> {
        let form = call.input.as_ref().map_err(|e| Error::from(e.clone()))?;
        let Some(token) = <User as session::Account>::presented(call.token.clone(), form) else {
            return Err(<User as session::Account>::login_required(false));
        };
        let caller = session::required::<User>(&call.app.db, Some(token.clone())).await?;
        Ok(Caller {
            user: caller.account,
            token,
        })
    }
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
pub async fn events(call: Call, caller: Caller) -> Result<crate::web::Response, Error> {
    let token_hash = session::hash(&caller.token);
    Ok(call.open_stream(DOMAIN, caller.user.id, token_hash)?)
}
