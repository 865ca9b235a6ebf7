//! Parking's handlers: typed input and state in, `Result<data, Error>` out.
//! Checks run in one order everywhere: parameters (402), then the token
//! (406), then the domain's rules.

use super::envelope::Error;
use super::input::{
    AccountFields, Credentials, EventsQuery, Named, Needs, OrderStep, Recharge, Reserve,
};
use super::model::{
    LotView, OrderView, StatusFilter, TokenView, User, UserView, UsernameView, check_email,
    check_username,
};
use super::store::{self, Step};
use super::{DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{DecodeError, Form};
use crate::endpoint::{Input, Refuses};
use crate::{clock, session};

/// One request's input, as the routes hand it over. Its `token` comes from
/// `Authorization: Bearer`, else the session cookie; the `token` field is
/// the fallback.
pub type Call = crate::app::Call;

/// The checked-in user of a request.
type Caller = session::Caller<User>;

/// The token must be a live parking session of the user named `username`.
async fn logged_in(
    app: &SharedApp,
    username: &str,
    presented: Option<String>,
    form: &Form,
) -> Result<Caller, Error> {
    let token = match presented {
        Some(token) => token,
        None => form.text("token")?.ok_or(Error::LoginRequired)?,
    };
    let caller: Caller = session::required(&app.db, Some(token)).await?;
    if caller.username != username {
        return Err(Error::LoginRequired);
    }
    Ok(caller)
}

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

/// A field left out answers the endpoint's "need ..." message.
impl<T: Needs> Refuses<T> for Error {
    fn refused(error: DecodeError) -> Self {
        error.answer(
            |_| Error::Params(T::NEED.into()),
            |wrong| T::wrong(&wrong.field).map(|message| Error::Params(message.into())),
        )
    }
}

/// POST /api/user/login
pub async fn user_login(
    call: Call,
    Input(Credentials { username, password }): Input<Credentials>,
) -> Result<TokenView, Error> {
    let app = call.app;
    let name = username.clone();
    let lookup = app.db.read(move |conn| store::user_by_name(conn, &name));
    let (_, token) = match app
        .log_in(DOMAIN, SESSIONS, &username, call.ip, password, lookup)
        .await?
    {
        Ok(done) => done,
        Err(Refused::Throttled(minutes)) => return Err(Error::Throttled(minutes)),
        Err(Refused::UnknownAccount) => return Err(Error::UserNotExisted),
        Err(Refused::WrongPassword) => return Err(Error::WrongPassword),
    };
    Ok(TokenView { token })
}

/// POST /api/user/logout
pub async fn user_logout(
    call: Call,
    Input(Named { username }): Input<Named>,
) -> Result<UsernameView, Error> {
    let form = call.input?;
    let authorized = logged_in(&call.app, &username, call.token, &form).await?;
    call.app
        .db
        .write(move |tx| Ok::<_, Error>(session::end(tx, &authorized.token_hash)?))
        .await?;
    Ok(UsernameView { username })
}

/// POST /api/user/new
pub async fn user_new(
    call: Call,
    Input(AccountFields {
        username,
        password,
        email,
    }): Input<AccountFields>,
) -> Result<UsernameView, Error> {
    check_username(&username)?;
    check_email(&email)?;
    let app = call.app;
    app.passwords.check_new(&password)?;
    let name = username.clone();
    // A taken name is refused before paying for a hash.
    if app
        .db
        .read(move |conn| store::user_by_name(conn, &name))
        .await?
        .is_some()
    {
        return Err(Error::UserExisted);
    }
    let hash = app.passwords.hash(password).await?;
    let now = clock::now();
    let name = username.clone();
    app.db
        .write(move |tx| store::insert_user(tx, &name, &email, &hash, now))
        .await?;
    Ok(UsernameView { username })
}

/// GET /api/user/info/{username}
pub async fn user_info(username: String, call: Call) -> Result<UserView, Error> {
    let form = call.input?;
    let authorized = logged_in(&call.app, &username, call.token, &form).await?;
    Ok(authorized.view())
}

/// POST /api/user/modification
pub async fn user_modification(
    call: Call,
    Input(AccountFields {
        username,
        password,
        email,
    }): Input<AccountFields>,
) -> Result<UsernameView, Error> {
    let form = call.input?;
    let app = call.app;
    let authorized = logged_in(&app, &username, call.token, &form).await?;
    check_email(&email)?;
    app.passwords.check_new(&password)?;
    let hash = app.passwords.hash(password).await?;
    let user_id = authorized.id;
    let keep = authorized.token_hash;
    app.db
        .write(move |tx| {
            store::update_user(tx, user_id, &email, &hash)?;
            // A new password ends every other session of the account.
            session::end_others(tx, DOMAIN, user_id, Some(&keep))?;
            Ok::<_, Error>(())
        })
        .await?;
    Ok(UsernameView { username })
}

/// GET /api/user/order/{username}/{status}
pub async fn user_orders(
    username: String,
    status: String,
    call: Call,
) -> Result<Vec<OrderView>, Error> {
    let form = call.input?;
    let filter = StatusFilter::parse(&status)?;
    let authorized = logged_in(&call.app, &username, call.token, &form).await?;
    let now = clock::now();
    let user_id = authorized.id;
    call.app
        .db
        .read(move |conn| store::orders_of(conn, user_id, filter, now))
        .await
}

/// POST /api/user/recharge
pub async fn user_recharge(
    call: Call,
    Input(Recharge { username, amount }): Input<Recharge>,
) -> Result<UserView, Error> {
    let form = call.input?;
    if amount.0 <= 0 {
        return Err(Error::Params("amount must be greater than 0".into()));
    }
    let authorized = logged_in(&call.app, &username, call.token, &form).await?;
    let user_id = authorized.id;
    let user = call
        .app
        .db
        .write(move |tx| store::recharge(tx, user_id, amount.0))
        .await?;
    Ok(user.view())
}

/// POST /api/order/new
pub async fn order_new(
    call: Call,
    Input(Reserve {
        username,
        parkinglot_id,
    }): Input<Reserve>,
) -> Result<OrderView, Error> {
    let form = call.input?;
    let authorized = logged_in(&call.app, &username, call.token, &form).await?;
    let now = clock::now();
    let timeout = call.app.flags::<super::Flags>().reserve_timeout;
    let expires_at = now.saturating_add(timeout.as_secs() as i64);
    let user_id = authorized.id;
    call.app
        .db
        .write(move |tx| store::reserve(tx, user_id, parkinglot_id, now, expires_at))
        .await
}

async fn order_step(
    call: Call,
    OrderStep { username, order_id }: OrderStep,
    step: Step,
) -> Result<OrderView, Error> {
    let form = call.input?;
    let authorized = logged_in(&call.app, &username, call.token, &form).await?;
    let now = clock::now();
    let user_id = authorized.id;
    call.app
        .db
        .write(move |tx| store::advance(tx, user_id, order_id, step, now))
        .await
}

/// POST /api/order/start
pub async fn order_start(call: Call, Input(step): Input<OrderStep>) -> Result<OrderView, Error> {
    order_step(call, step, Step::Start).await
}

/// POST /api/order/end
pub async fn order_end(call: Call, Input(step): Input<OrderStep>) -> Result<OrderView, Error> {
    order_step(call, step, Step::End).await
}

/// POST /api/order/cancel
pub async fn order_cancel(call: Call, Input(step): Input<OrderStep>) -> Result<OrderView, Error> {
    order_step(call, step, Step::Cancel).await
}

/// GET /api/parkinglot/list
pub async fn lot_list(call: Call) -> Result<Vec<LotView>, Error> {
    let now = clock::now();
    call.app.db.read(move |conn| store::lots(conn, now)).await
}

/// GET /api/parkinglot/info/{id}
pub async fn lot_info(id: String, call: Call) -> Result<LotView, Error> {
    let id: i64 = id.trim().parse().map_err(|_| Error::LotNotExist)?;
    let now = clock::now();
    call.app
        .db
        .read(move |conn| store::lot(conn, id, now))
        .await?
        .ok_or(Error::LotNotExist)
}

/// GET /events: the user's order changes and every lot's free spots, as
/// server-sent events (`username` and `token` as for the other endpoints).
pub async fn events(
    call: Call,
    Input(EventsQuery { username, .. }): Input<EventsQuery>,
) -> Result<crate::web::Response, Error> {
    let form = call.input.as_ref().map_err(|e| Error::from(e.clone()))?;
    let authorized = logged_in(&call.app, &username, call.token.clone(), form).await?;
    Ok(call.open_stream(DOMAIN, authorized.id, authorized.token_hash)?)
}
