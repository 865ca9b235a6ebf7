//! Shop's handlers: a guard ([`Caller`], [`Seller`], [`Customer`]) and
//! typed input ([`Input`]) in, `Result<Said<T>, Error>` out. Checks run in
//! one order everywhere: a readable body, then the session (401), then the
//! role (400), both taken by the route line before the input is decoded;
//! then the shop and the caller's place in it (404 / 301), then the fields
//! and the rules of the data (300 / 302).

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::envelope::{Error, Said, said, shop_error};
use super::input;
use super::model::{
    self, CUSTOMER, Invitation, InvitationJson, OrderJson, Ordering, PAGE_SIZE, ProductFilter,
    ProductJson, ProfileJson, SELLER, ShopJson, TokenJson, UNAVAILABLE, UploadJson, User,
    optional_text, required_text,
};
use super::store::lists::{self, Lists};
use super::store::{self, NewUser, ProductFields};
use super::{COOKIE, DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{Attachment, DecodeError, Form};
use crate::endpoint::{FromCall, Input, Refuses};
use crate::{clock, session};

/// One request's input, as the routes hand it over; its `token` comes from
/// `Authorization: Bearer`, else the session cookie.
pub type Call = crate::app::Call<Extra>;

/// What shop reads of a request besides the shared parts.
pub struct Extra {
    /// `http://host`, for absolute links.
    pub base_url: String,
    /// The request's path, for page links.
    pub path: Arc<str>,
    /// Product pages and counts read since the products last changed.
    pub lists: Arc<Lists>,
}

/// GET /events: new orders of the caller's shop or their own, and every
/// product's stock and status, as server-sent events. The session comes
/// as for every endpoint, or as `?token=` (an `EventSource` cannot set
/// headers).
pub async fn events(call: Call) -> Result<crate::web::Response, Error> {
    let caller: Caller = session::required(&call.app.db, call.stream_token()?).await?;
    Ok(call.open_stream(DOMAIN, caller.id, caller.token_hash)?)
}

/// The logged-in user and their session; 401 without one.
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

/// The caller, who must be a seller (400 otherwise).
pub struct Seller(pub User);

impl FromCall<Call, Error> for Seller {
    async fn from_call(call: &Call) -> Result<Self, Error> {
        let caller = Caller::from_call(call).await?;
        if caller.is_seller() {
            Ok(Seller(caller.account))
        } else {
            Err(Error::Role("只有商家可以这样做".into()))
        }
    }
}

/// The caller, who must be a customer: only customers have a cart.
pub struct Customer(pub User);

impl FromCall<Call, Error> for Customer {
    async fn from_call(call: &Call) -> Result<Self, Error> {
        let caller = Caller::from_call(call).await?;
        if caller.role == CUSTOMER {
            Ok(Customer(caller.account))
        } else {
            Err(Error::Role("只有买家有购物车".into()))
        }
    }
}

/// A field left out is "缺少参数 `name`", a number of the wrong form its
/// field's own message.
impl<T> Refuses<T> for Error {
    fn refused(error: DecodeError) -> Self {
        error.answer(
            |name| shop_error(format!("缺少参数 {name}")),
            |wrong| input::wrong_value(&wrong.field).map(shop_error),
        )
    }
}

/// The request's typed input, read where the handler decides the order.
fn decode<T: DeserializeOwned>(form: &Form) -> Result<T, Error> {
    form.decode().map_err(<Error as Refuses<T>>::refused)
}

mod accounts;
mod cart;
mod orders;
mod products;
mod shops;

pub use accounts::*;
pub use cart::*;
pub use orders::*;
pub use products::*;
pub use shops::*;
