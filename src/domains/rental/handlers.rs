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
struct Caller {
    user: User,
    token_hash: [u8; 32],
}

async fn logged_in(app: &SharedApp, token: Option<String>) -> Result<Caller, Error> {
    let token = token.ok_or(Error::LoginRequired)?;
    let (user, session) = session::account(&app.db, DOMAIN, token, store::user_by_id)
        .await?
        .ok_or(Error::LoginRequired)?;
    Ok(Caller {
        user,
        token_hash: session.token_hash,
    })
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

// ---- accounts

/// POST /operation/register
pub async fn register(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let username = model::check_username(&required(&form, "username")?)?;
    let password = form
        .text("password")?
        .ok_or_else(|| failed("缺少参数 password"))?;
    let name = required(&form, "name")?;
    let id_type = required(&form, "id_type")?;
    let id_number = required(&form, "id_number")?;
    let phone = model::check_phone(&required(&form, "phone")?)?;
    let city = required(&form, "city")?;
    for (value, what) in [
        (&name, "name"),
        (&id_type, "id_type"),
        (&id_number, "id_number"),
        (&city, "city"),
    ] {
        if value.chars().count() > 32 {
            return Err(failed(format!("{what} 不能超过 32 个字符")));
        }
    }
    let app = call.app;
    app.passwords.check_new(&password)?;
    let lookup = username.clone();
    if app
        .db
        .read(move |conn| store::user_by_name(conn, &lookup))
        .await?
        .is_some()
    {
        return Err(failed("用户名已存在"));
    }
    let hash = app.passwords.hash(password).await?;
    let now = clock::now();
    app.db
        .write(move |tx| {
            let user = NewUser {
                username: &username,
                name: &name,
                id_type: &id_type,
                id_number: &id_number,
                phone: &phone,
                city: &city,
                admin: false,
            };
            store::insert_user(tx, &user, &hash, now)
        })
        .await?;
    Ok(Keys::new())
}

/// POST /operation/login
pub async fn login(call: Call) -> Result<(Keys, String), Error> {
    let form = call.input?;
    let username = required(&form, "username")?;
    let password = form
        .text("password")?
        .ok_or_else(|| failed("缺少参数 password"))?;
    let app = call.app;
    let name = username.clone();
    let lookup = app.db.read(move |conn| store::user_by_name(conn, &name));
    let user = match app
        .password_login(DOMAIN, &username, call.ip, password, lookup)
        .await?
    {
        Ok(user) => user,
        Err(Refused::Throttled(minutes)) => return Err(Error::Throttled(minutes)),
        Err(Refused::UnknownAccount | Refused::WrongPassword) => {
            return Err(failed("用户名或密码错误"));
        }
    };
    let now = clock::now();
    let token = app
        .db
        .write(move |tx| Ok::<_, Error>(session::create(tx, DOMAIN, user.id, SESSIONS, now)?))
        .await?;
    let cookie = session::set_cookie(COOKIE, &token, Some(SESSIONS.max_age_secs));
    // The token also in the answer, for pages whose browser refuses the
    // cookie: it works as `Authorization: Bearer`.
    let mut keys = Keys::new();
    keys.insert("token".into(), Value::String(token));
    Ok((keys, cookie))
}

/// POST /operation/logout (not in the seed): ends the session and clears
/// the cookie.
pub async fn logout(call: Call) -> Result<(Keys, String), Error> {
    call.input?;
    session::end_presented(&call.app.db, call.token).await?;
    Ok((Keys::new(), session::clear_cookie(COOKIE)))
}

/// POST /query/user-exist
pub async fn user_exist(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let username = required(&form, "username")?;
    let exist = call
        .app
        .db
        .read(move |conn| store::user_by_name(conn, &username))
        .await?
        .is_some();
    Ok(keys(json!({ "exist": exist })))
}

/// POST /data/user-info
pub async fn user_info(call: Call) -> Result<Keys, Error> {
    call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    Ok(keys(caller.user.info()))
}

/// POST /modify/password: ends the account's other sessions.
pub async fn modify_password(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let password = form
        .text("password")?
        .ok_or_else(|| failed("缺少参数 password"))?;
    let app = call.app;
    app.passwords.check_new(&password)?;
    let hash = app.passwords.hash(password).await?;
    let (user_id, keep) = (caller.user.id, caller.token_hash);
    app.db
        .write(move |tx| {
            store::set_password(tx, user_id, &hash)?;
            session::end_others(tx, DOMAIN, user_id, Some(&keep))?;
            Ok::<_, Error>(())
        })
        .await?;
    Ok(Keys::new())
}

/// POST /modify/phone
pub async fn modify_phone(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let phone = model::check_phone(&required(&form, "phone")?)?;
    let user_id = caller.user.id;
    call.app
        .db
        .write(move |tx| store::set_phone(tx, user_id, &phone))
        .await?;
    Ok(Keys::new())
}

// ---- listings

/// A page of open listings and the total: remembered until the table
/// changes, else from the in-memory copy of the houses, else counted.
async fn list(call: Call, table: Table) -> Result<Keys, Error> {
    let form = call.input?;
    let orderings = if table == Table::Houses { 4 } else { 2 };
    let query = ListQuery::from_form(&form, orderings)?;
    let (app, base_url, counts) = (call.app, call.base_url, call.counts);
    let filter = query.filter_key();
    let totals = counts.totals(table);
    let remembered = totals.get(&app.db, &filter);
    let stamp = totals.stamp(&app.db);
    let snapshot = match (table, remembered) {
        (Table::Houses, None) => counts.current(&app),
        _ => None,
    };
    let (page, total, counted_in_sql) = app
        .db
        .read(move |conn| {
            let page = store::list_page(conn, table, &query)?;
            let len = page.len() as i64;
            let mut counted_in_sql = false;
            let total = match (remembered, snapshot) {
                (Some(total), _) => total,
                // A short page that is not past the end is the last one:
                // the total is known without counting.
                _ if len > 0 && len < query.page_size => query.seq * query.page_size + len,
                _ if len == 0 && query.seq == 0 => 0,
                (None, Some(snapshot)) => snapshot.count(&query),
                (None, None) => {
                    counted_in_sql = true;
                    store::list_total(conn, table, &query)?
                }
            };
            Ok::<_, Error>((page, total, counted_in_sql))
        })
        .await?;
    if remembered.is_none() {
        totals.put(filter, stamp, total);
    }
    if counted_in_sql && table == Table::Houses {
        counts.refresh(&app);
    }
    let items: Vec<Value> = page
        .iter()
        .map(|s| match table {
            Table::Houses => s.house_item(&base_url),
            Table::Demands => s.demand_item(),
        })
        .collect();
    Ok(keys(json!({ "houses": items, "total": total })))
}

/// POST /gethouselist
pub async fn house_list(call: Call) -> Result<Keys, Error> {
    list(call, Table::Houses).await
}

/// POST /getrentallist
pub async fn demand_list(call: Call) -> Result<Keys, Error> {
    list(call, Table::Demands).await
}

async fn info(call: Call, table: Table, id_field: &str) -> Result<Keys, Error> {
    let form = call.input?;
    let id = required_id(&form, id_field)?;
    let stored = call
        .app
        .db
        .read(move |conn| store::listing(conn, table, id))
        .await?
        .ok_or_else(|| match table {
            Table::Houses => failed(format!("房屋 {id} 不存在")),
            Table::Demands => failed(format!("求租信息 {id} 不存在")),
        })?;
    Ok(keys(match table {
        Table::Houses => stored.house_info(&call.base_url),
        Table::Demands => stored.demand_info(),
    }))
}

/// POST /data/house-info
pub async fn house_info(call: Call) -> Result<Keys, Error> {
    info(call, Table::Houses, "house_id").await
}

/// POST /data/rental-info
pub async fn demand_info(call: Call) -> Result<Keys, Error> {
    info(call, Table::Demands, "rental_id").await
}

/// Adds (`id_field` None) or replaces a listing of the caller's.
async fn save(call: Call, table: Table, id_field: Option<&str>) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = id_field
        .map(|field| required_id(&form, field))
        .transpose()?;
    let kind = match table {
        Table::Houses => ListingKind::House,
        Table::Demands => ListingKind::Demand,
    };
    let listing = model::listing(&form, kind)?;
    let (owner, now) = (caller.user.id, clock::now());
    let app = call.app;
    let id = app
        .db
        .write(move |tx| match id {
            Some(id) => store::update_listing(tx, table, owner, id, &listing, now).map(|()| id),
            None => store::insert_listing(tx, table, owner, &listing, now),
        })
        .await?;
    Ok(keys(match table {
        Table::Houses => json!({ "house_id": id }),
        Table::Demands => json!({ "rental_id": id }),
    }))
}

/// POST /data/addhouse
pub async fn add_house(call: Call) -> Result<Keys, Error> {
    save(call, Table::Houses, None).await
}

/// POST /data/addrental
pub async fn add_demand(call: Call) -> Result<Keys, Error> {
    save(call, Table::Demands, None).await
}

/// POST /modify/house
pub async fn modify_house(call: Call) -> Result<Keys, Error> {
    save(call, Table::Houses, Some("house_id")).await
}

/// POST /modify/rental
pub async fn modify_demand(call: Call) -> Result<Keys, Error> {
    save(call, Table::Demands, Some("rental_id")).await
}

async fn delete(call: Call, table: Table) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_id(&form, "id")?;
    let owner = caller.user.id;
    let app = call.app;
    app.db
        .write(move |tx| store::delete_listing(tx, table, owner, id))
        .await?;
    Ok(Keys::new())
}

/// POST /delete/house/
pub async fn delete_house(call: Call) -> Result<Keys, Error> {
    delete(call, Table::Houses).await
}

/// POST /delete/demand/
pub async fn delete_demand(call: Call) -> Result<Keys, Error> {
    delete(call, Table::Demands).await
}

async fn mine(call: Call, table: Table) -> Result<Keys, Error> {
    call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let owner = caller.user.id;
    let data = call
        .app
        .db
        .read(move |conn| store::listings_of(conn, table, owner))
        .await?;
    Ok(keys(json!({ "data": data })))
}

/// POST /data/user-published
pub async fn user_published(call: Call) -> Result<Keys, Error> {
    mine(call, Table::Houses).await
}

/// POST /data/user-asked
pub async fn user_asked(call: Call) -> Result<Keys, Error> {
    mine(call, Table::Demands).await
}

/// POST /data/uploadfile/: a multipart `file`, images only.
pub async fn upload(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    logged_in(&call.app, call.token).await?;
    let file = form
        .files()
        .iter()
        .find(|f| f.field == "file")
        .or_else(|| form.files().first())
        .ok_or_else(|| failed("请用 multipart/form-data 上传字段 file"))?
        .bytes
        .clone();
    let now = clock::now();
    let id = call
        .app
        .db
        .write(move |tx| Ok::<_, Error>(crate::files::store(tx, DOMAIN, &file, now)?))
        .await?;
    Ok(keys(
        json!({ "url": format!("{}{}", call.base_url, crate::files::path_of(id)) }),
    ))
}

// ---- requests and deals

/// POST /operation/apply-house/
pub async fn apply_house(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let house_id = required_id(&form, "house_id")?;
    let period = required_id(&form, "period")?;
    if !(1..=120).contains(&period) {
        return Err(failed("租期（period）应为 1 到 120 个月"));
    }
    let start = model::parse_us_date(&required(&form, "start_date")?, "start_date")?;
    let end = model::parse_us_date(&required(&form, "end_date")?, "end_date")?;
    if end < start {
        return Err(failed("结束日期不能早于开始日期"));
    }
    let (tenant, now) = (caller.user.id, clock::now());
    let id = call
        .app
        .db
        .write(move |tx| store::apply(tx, tenant, house_id, period, start, end, now))
        .await?;
    Ok(keys(json!({ "id": id })))
}

/// POST /operation/provide-house/ (not in the seed): offer a house to a demand.
pub async fn provide_house(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let house_id = required_id(&form, "house_id")?;
    let demand_id = required_id(&form, "rental_id")?;
    let (owner, now) = (caller.user.id, clock::now());
    let id = call
        .app
        .db
        .write(move |tx| store::provide(tx, owner, house_id, demand_id, now))
        .await?;
    Ok(keys(json!({ "id": id })))
}

async fn notifications(call: Call, kind: RequestKind) -> Result<Keys, Error> {
    call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let user = caller.user.id;
    let data = call
        .app
        .db
        .read(move |conn| store::notifications(conn, kind, user))
        .await?;
    Ok(keys(json!({ "data": data })))
}

/// POST /query/apply-notification
pub async fn apply_notifications(call: Call) -> Result<Keys, Error> {
    notifications(call, RequestKind::Apply).await
}

/// POST /query/provide-notification
pub async fn provide_notifications(call: Call) -> Result<Keys, Error> {
    notifications(call, RequestKind::Provide).await
}

/// POST /action/accept-notification: only the addressee.
pub async fn accept(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_id(&form, "id")?;
    let app = call.app;
    let (user, rate, now) = (caller.user.id, app.flags.rental.commission_bp, clock::now());
    let deal = app
        .db
        .write(move |tx| store::accept(tx, user, id, rate, now))
        .await?;
    Ok(keys(json!({ "deal_id": deal })))
}

/// POST /action/reject-notification: only the addressee.
pub async fn reject(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_id(&form, "id")?;
    let (user, now) = (caller.user.id, clock::now());
    call.app
        .db
        .write(move |tx| store::reject(tx, user, id, now))
        .await?;
    Ok(Keys::new())
}

/// POST /data/deal-details/
pub async fn deal_details(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let from = form
        .text("start_date")?
        .map(|d| model::parse_us_date(&d, "start_date"))
        .transpose()?;
    let to = form
        .text("end_date")?
        .map(|d| model::parse_us_date(&d, "end_date"))
        .transpose()?
        .map(|day| day + 24 * 3600);
    let location = form
        .text("location")?
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let data = call
        .app
        .db
        .read(move |conn| store::deals(conn, &caller.user, from, to, location.as_deref()))
        .await?;
    Ok(keys(json!({ "data": data })))
}

/// POST /data/city-statistics/
pub async fn city_statistics(call: Call) -> Result<Keys, Error> {
    call.input?;
    let data = call.app.db.read(store::city_statistics).await?;
    Ok(keys(json!({ "data": data })))
}

/// GET or POST /test
pub async fn test(call: Call) -> Result<Keys, Error> {
    call.input?;
    Ok(Keys::new())
}
