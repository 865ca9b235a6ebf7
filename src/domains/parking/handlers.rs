//! Parking's handlers: typed input and state in, `Result<data, Error>` out.
//! Checks run in one order everywhere: parameters (402), then the token
//! (406), then the domain's rules.

use std::net::IpAddr;

use serde_json::{Value, json};

use super::envelope::Error;
use super::model::{StatusFilter, User, check_email, check_username};
use super::store::{self, Step};
use super::{DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{BodyError, Form};
use crate::{clock, session};

/// One request's input, as the routes hand it over.
pub struct Call {
    pub app: SharedApp,
    pub input: Result<Form, BodyError>,
    /// From `Authorization: Bearer`; the `token` field is the fallback.
    pub bearer: Option<String>,
    pub ip: Option<IpAddr>,
}

const NEED_USER_FIELDS: &str = "need parameter username,password,email in request";

/// The checked-in user of a request.
type Authorized = session::Caller<User>;

/// The token must be a live parking session of the user named `username`.
async fn authorize(
    app: &SharedApp,
    username: &str,
    bearer: Option<String>,
    form: &Form,
) -> Result<Authorized, Error> {
    let token = match bearer {
        Some(token) => token,
        None => form.text("token")?.ok_or(Error::LoginRequired)?,
    };
    let username = username.to_string();
    session::caller(&app.db, DOMAIN, Some(token), move |conn, id| {
        Ok::<_, Error>(store::user_by_id(conn, id)?.filter(|user| user.username == username))
    })
    .await?
    .ok_or(Error::LoginRequired)
}

/// Required text fields, or the endpoint's "need ..." message.
fn required<const N: usize>(
    form: &Form,
    names: [&str; N],
    message: &str,
) -> Result<[String; N], Error> {
    let mut values: [String; N] = std::array::from_fn(|_| String::new());
    for (slot, name) in values.iter_mut().zip(names) {
        *slot = form
            .text(name)?
            .ok_or_else(|| Error::Params(message.to_string()))?;
    }
    Ok(values)
}

/// POST /api/user/login
pub async fn user_login(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let [username, password] = required(
        &form,
        ["username", "password"],
        "need parameter username,password in request",
    )?;
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
    Ok(json!({ "token": token }))
}

/// POST /api/user/logout
pub async fn user_logout(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let [username] = required(&form, ["username"], "need username")?;
    let authorized = authorize(&call.app, &username, call.bearer, &form).await?;
    call.app
        .db
        .write(move |tx| Ok::<_, Error>(session::end(tx, &authorized.token_hash)?))
        .await?;
    Ok(json!({ "username": username }))
}

/// POST /api/user/new
pub async fn user_new(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let [username, password, email] =
        required(&form, ["username", "password", "email"], NEED_USER_FIELDS)?;
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
    Ok(json!({ "username": username }))
}

/// GET /api/user/info/{username}
pub async fn user_info(username: String, call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let authorized = authorize(&call.app, &username, call.bearer, &form).await?;
    Ok(authorized.view())
}

/// POST /api/user/modification
pub async fn user_modification(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let [username, password, email] =
        required(&form, ["username", "password", "email"], NEED_USER_FIELDS)?;
    let app = call.app;
    let authorized = authorize(&app, &username, call.bearer, &form).await?;
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
    Ok(json!({ "username": username }))
}

/// GET /api/user/order/{username}/{status}
pub async fn user_orders(username: String, status: String, call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let filter = StatusFilter::parse(&status)?;
    let authorized = authorize(&call.app, &username, call.bearer, &form).await?;
    let now = clock::now();
    let user_id = authorized.id;
    let orders = call
        .app
        .db
        .read(move |conn| store::orders_of(conn, user_id, filter, now))
        .await?;
    Ok(json!(orders))
}

/// POST /api/user/recharge
pub async fn user_recharge(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let [username] = required(&form, ["username"], "need username and amount")?;
    let amount = form
        .cents("amount")
        .map_err(|_| {
            Error::Params(
                "amount must be a positive number of yuan with at most two decimals".into(),
            )
        })?
        .ok_or_else(|| Error::Params("need username and amount".into()))?;
    if amount <= 0 {
        return Err(Error::Params("amount must be greater than 0".into()));
    }
    let authorized = authorize(&call.app, &username, call.bearer, &form).await?;
    let user_id = authorized.id;
    let user = call
        .app
        .db
        .write(move |tx| store::recharge(tx, user_id, amount))
        .await?;
    Ok(user.view())
}

/// POST /api/order/new
pub async fn order_new(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let need = || Error::Params("need username and parkinglot_id".into());
    let username = form.text("username")?.ok_or_else(need)?;
    let lot_id = form.int("parkinglot_id")?.ok_or_else(need)?;
    let authorized = authorize(&call.app, &username, call.bearer, &form).await?;
    let now = clock::now();
    let expires_at =
        now.saturating_add(call.app.flags::<super::Flags>().reserve_timeout.as_secs() as i64);
    let user_id = authorized.id;
    let order = call
        .app
        .db
        .write(move |tx| store::reserve(tx, user_id, lot_id, now, expires_at))
        .await?;
    Ok(json!(order))
}

async fn order_step(call: Call, step: Step) -> Result<Value, Error> {
    let form = call.input?;
    let need = || Error::Params("need username and order_id".into());
    let username = form.text("username")?.ok_or_else(need)?;
    let order_id = form.int("order_id")?.ok_or_else(need)?;
    let authorized = authorize(&call.app, &username, call.bearer, &form).await?;
    let now = clock::now();
    let user_id = authorized.id;
    let order = call
        .app
        .db
        .write(move |tx| store::advance(tx, user_id, order_id, step, now))
        .await?;
    Ok(json!(order))
}

/// POST /api/order/start
pub async fn order_start(call: Call) -> Result<Value, Error> {
    order_step(call, Step::Start).await
}

/// POST /api/order/end
pub async fn order_end(call: Call) -> Result<Value, Error> {
    order_step(call, Step::End).await
}

/// POST /api/order/cancel
pub async fn order_cancel(call: Call) -> Result<Value, Error> {
    order_step(call, Step::Cancel).await
}

/// GET /api/parkinglot/list
pub async fn lot_list(call: Call) -> Result<Value, Error> {
    let now = clock::now();
    let lots = call.app.db.read(move |conn| store::lots(conn, now)).await?;
    Ok(json!(lots))
}

/// GET /api/parkinglot/info/{id}
pub async fn lot_info(id: String, call: Call) -> Result<Value, Error> {
    let id: i64 = id.trim().parse().map_err(|_| Error::LotNotExist)?;
    let now = clock::now();
    let lot = call
        .app
        .db
        .read(move |conn| store::lot(conn, id, now))
        .await?;
    lot.map(|lot| json!(lot)).ok_or(Error::LotNotExist)
}
