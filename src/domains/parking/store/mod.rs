//! Every SQL statement on parking's tables. Functions taking a transaction
//! run on the single writer, so their read-check-write sequences (capacity,
//! one reservation per user, balances) cannot interleave; unique partial
//! indexes and CHECK constraints hold the same rules in the schema as a
//! second line.

use crate::db::Write;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::DOMAIN;
use super::envelope::Error;
use super::model::{
    LotView, MAX_BALANCE_CENTS, OrderView, StatusFilter, User, fee_cents, money, time_text,
};
use crate::db::CachedSql;
use crate::events::{self, Audience};

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        email: row.get(2)?,
        password_hash: row.get(3)?,
        balance_cents: row.get(4)?,
    })
}

const USER_COLUMNS: &str = "id, username, email, password_hash, balance_cents";

pub fn user_by_name(conn: &Connection, username: &str) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM parking_users WHERE username = ?1"
        ))?
        .query_row([username], user_from)
        .optional()?)
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM parking_users WHERE id = ?1"
        ))?
        .query_row([id], user_from)
        .optional()?)
}

/// Adds a user; a taken username is [`Error::UserExisted`].
pub fn insert_user(
    conn: &Connection,
    username: &str,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<i64, Error> {
    let inserted = conn.execute_cached(
        "INSERT INTO parking_users (username, email, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (username) DO NOTHING",
        params![username, email, password_hash, now],
    )?;
    if inserted == 0 {
        return Err(Error::UserExisted);
    }
    Ok(conn.last_insert_rowid())
}

pub fn update_user(
    conn: &Connection,
    id: i64,
    email: &str,
    password_hash: &str,
) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE parking_users SET email = ?2, password_hash = ?3 WHERE id = ?1",
        params![id, email, password_hash],
    )?;
    Ok(())
}

/// Adds to a balance; refuses to pass [`MAX_BALANCE_CENTS`].
pub fn recharge(conn: &Connection, id: i64, cents: i64) -> Result<User, Error> {
    let user = user_by_id(conn, id)?.ok_or(Error::LoginRequired)?;
    if user.balance_cents.saturating_add(cents) > MAX_BALANCE_CENTS {
        return Err(Error::Params(format!(
            "a balance may hold at most {} yuan",
            MAX_BALANCE_CENTS / 100
        )));
    }
    conn.execute_cached(
        "UPDATE parking_users SET balance_cents = balance_cents + ?2 WHERE id = ?1",
        params![id, cents],
    )?;
    user_by_id(conn, id)?.ok_or(Error::LoginRequired)
}

/// Adds a lot; a taken name is refused.
pub fn insert_lot(
    conn: &Connection,
    name: &str,
    capacity: i64,
    price_cents: i64,
) -> Result<i64, Error> {
    let inserted = conn.execute_cached(
        "INSERT INTO parking_lots (name, capacity, price_cents) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO NOTHING",
        params![name, capacity, price_cents],
    )?;
    if inserted == 0 {
        return Err(Error::Params(format!(
            "a lot named {name:?} already exists"
        )));
    }
    Ok(conn.last_insert_rowid())
}

/// Live orders: parking, or reserved and not yet past their expiry. Written
/// so SQLite can answer it from the partial index on live spots.
const LIVE: &str = "o.status IN (0, 1) AND NOT (o.status = 0 AND o.expires_at <= ?1)";

fn lot_from(row: &Row<'_>) -> rusqlite::Result<LotView> {
    let capacity: i64 = row.get(2)?;
    let taken: i64 = row.get(4)?;
    Ok(LotView {
        id: row.get(0)?,
        name: row.get(1)?,
        capacity,
        free: (capacity - taken).max(0),
        price: money(row.get(3)?),
    })
}

pub fn lots(conn: &Connection, now: i64) -> Result<Vec<LotView>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.id, l.name, l.capacity, l.price_cents,
                (SELECT count(*) FROM parking_orders o WHERE o.lot_id = l.id AND {LIVE})
         FROM parking_lots l ORDER BY l.id"
    ))?;
    let rows = stmt.query_map([now], lot_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn lot(conn: &Connection, id: i64, now: i64) -> Result<Option<LotView>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT l.id, l.name, l.capacity, l.price_cents,
                    (SELECT count(*) FROM parking_orders o WHERE o.lot_id = l.id AND {LIVE})
             FROM parking_lots l WHERE l.id = ?2"
        ))?
        .query_row(params![now, id], lot_from)
        .optional()?)
}

/// The status a reader sees: a reservation past its expiry is expired even
/// before the sweeper has written it.
const SHOWN_STATUS: &str = "CASE WHEN o.status = 0 AND o.expires_at <= ?1 THEN 3 ELSE o.status END";

fn order_select() -> String {
    format!(
        "SELECT o.id, {SHOWN_STATUS}, o.order_time, o.start_time,
                CASE WHEN o.status = 0 AND o.expires_at <= ?1 THEN o.expires_at ELSE o.end_time END,
                l.name, l.id, o.spot, u.username, o.fee_cents
         FROM parking_orders o
         JOIN parking_lots l ON l.id = o.lot_id
         JOIN parking_users u ON u.id = o.user_id"
    )
}

fn order_from(row: &Row<'_>) -> rusqlite::Result<OrderView> {
    Ok(OrderView {
        id: row.get(0)?,
        status: row.get(1)?,
        order_time: time_text(row.get(2)?),
        start_time: time_text(row.get(3)?),
        end_time: time_text(row.get(4)?),
        parkinglot: row.get(5)?,
        parkinglot_id: row.get(6)?,
        lot: row.get::<_, i64>(7)?.to_string(),
        user: row.get(8)?,
        fee: money(row.get(9)?),
    })
}

/// A user's orders, newest first.
pub fn orders_of(
    conn: &Connection,
    user_id: i64,
    filter: StatusFilter,
    now: i64,
) -> Result<Vec<OrderView>, Error> {
    // ?3 is NULL for "all", so one cached statement serves every filter.
    let status = match filter {
        StatusFilter::All => None,
        StatusFilter::Only(s) => Some(s),
    };
    let sql = format!(
        "{} WHERE o.user_id = ?2 AND (?3 IS NULL OR {SHOWN_STATUS} = ?3) ORDER BY o.id DESC",
        order_select()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![now, user_id, status], order_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn order_view(conn: &Connection, order_id: i64, now: i64) -> Result<OrderView, Error> {
    conn.prepare_cached(&format!("{} WHERE o.id = ?2", order_select()))?
        .query_row(params![now, order_id], order_from)
        .optional()?
        .ok_or(Error::OrderNotExist)
}

/// Marks reservations past their expiry as expired (status 3), freeing
/// their spots; returns how many. Each owner hears of their order, and
/// everyone of the lots.
pub fn expire_reservations(write: &Write, now: i64) -> Result<usize, Error> {
    let expired: Vec<(i64, i64, i64)> = write
        .prepare_cached(
            "UPDATE parking_orders SET status = 3, end_time = expires_at
             WHERE status = 0 AND expires_at <= ?1
             RETURNING id, user_id, lot_id",
        )?
        .query_map([now], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut lots: Vec<i64> = Vec::new();
    for (order_id, user_id, lot_id) in &expired {
        tell_order(write, &order_view(write, *order_id, now)?, *user_id);
        if !lots.contains(lot_id) {
            lots.push(*lot_id);
        }
    }
    for lot_id in lots {
        tell_lot(write, lot_id, now)?;
    }
    Ok(expired.len())
}

/// Tells an order's owner its new state, once the write commits.
fn tell_order(write: &Write, order: &OrderView, user_id: i64) {
    events::stage(
        write,
        DOMAIN,
        "order",
        order,
        Audience::Accounts(vec![user_id]),
    );
}

/// Tells everyone a lot's free spots, once the write commits (a busy
/// lot's at most every [`events::COALESCE`], the latest always).
fn tell_lot(write: &Write, lot_id: i64, now: i64) -> Result<(), Error> {
    if let Some(view) = lot(write, lot_id, now)? {
        events::stage_state(write, DOMAIN, "lot", lot_id, &view, Audience::Everyone);
    }
    Ok(())
}

/// Reserves the lowest free spot of a lot for a user.
pub fn reserve(
    write: &Write,
    user_id: i64,
    lot_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<OrderView, Error> {
    expire_reservations(write, now)?;
    let (capacity, price_cents): (i64, i64) = write
        .prepare_cached("SELECT capacity, price_cents FROM parking_lots WHERE id = ?1")?
        .query_row([lot_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .ok_or(Error::LotNotExist)?;
    let has_reservation: bool = write
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM parking_orders WHERE user_id = ?1 AND status = 0)",
        )?
        .query_row([user_id], |row| row.get(0))?;
    if has_reservation {
        return Err(Error::UnconfirmedOrder);
    }
    let balance: i64 = write
        .prepare_cached("SELECT balance_cents FROM parking_users WHERE id = ?1")?
        .query_row([user_id], |row| row.get(0))
        .optional()?
        .ok_or(Error::LoginRequired)?;
    if balance < price_cents {
        return Err(Error::InsufficientFunds);
    }
    let mut stmt = write.prepare_cached(
        "SELECT spot FROM parking_orders WHERE lot_id = ?1 AND status IN (0, 1) ORDER BY spot",
    )?;
    let taken = stmt.query_map([lot_id], |row| row.get::<_, i64>(0))?;
    let mut spot = 1;
    for taken in taken {
        if taken? != spot {
            break;
        }
        spot += 1;
    }
    if spot > capacity {
        return Err(Error::LotFull);
    }
    write
        .prepare_cached(
            "INSERT INTO parking_orders (user_id, lot_id, spot, status, order_time, expires_at)
         VALUES (?1, ?2, ?3, 0, ?4, ?5)",
        )?
        .execute(params![user_id, lot_id, spot, now, expires_at])?;
    let order = order_view(write, write.last_insert_rowid(), now)?;
    tell_order(write, &order, user_id);
    tell_lot(write, lot_id, now)?;
    Ok(order)
}

/// A step in an order's life.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// 0 reserved → 1 parking.
    Start,
    /// 1 parking → 2 finished, charging the fee.
    End,
    /// 0 reserved → 3 cancelled.
    Cancel,
}

/// Moves one of the user's orders a step on.
pub fn advance(
    write: &Write,
    user_id: i64,
    order_id: i64,
    step: Step,
    now: i64,
) -> Result<OrderView, Error> {
    expire_reservations(write, now)?;
    let found: Option<(i64, i64, Option<i64>, i64)> = write
        .prepare_cached(
            "SELECT o.status, o.user_id, o.start_time, l.price_cents
             FROM parking_orders o JOIN parking_lots l ON l.id = o.lot_id WHERE o.id = ?1",
        )?
        .query_row([order_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    // Another user's order is reported exactly like a missing one.
    let (status, _, start_time, price_cents) = found
        .filter(|(_, owner, _, _)| *owner == user_id)
        .ok_or(Error::OrderNotExist)?;
    let wanted = match step {
        Step::Start | Step::Cancel => 0,
        Step::End => 1,
    };
    if status != wanted {
        return Err(Error::OrderState(match (step, status) {
            (Step::End, 0) => "order is not started yet",
            (_, 1) => "order is already started",
            (_, 2) => "order is already finished",
            _ => "order is expired or cancelled",
        }));
    }
    match step {
        Step::Start => {
            write.execute_cached(
                "UPDATE parking_orders SET status = 1, start_time = ?2 WHERE id = ?1",
                params![order_id, now],
            )?;
        }
        Step::Cancel => {
            write.execute_cached(
                "UPDATE parking_orders SET status = 3, end_time = ?2 WHERE id = ?1",
                params![order_id, now],
            )?;
        }
        Step::End => {
            let fee = fee_cents(price_cents, start_time.unwrap_or(now), now);
            let charged = write.execute_cached(
                "UPDATE parking_users SET balance_cents = balance_cents - ?2
                 WHERE id = ?1 AND balance_cents >= ?2",
                params![user_id, fee],
            )?;
            if charged == 0 {
                return Err(Error::InsufficientFunds);
            }
            write.execute_cached(
                "UPDATE parking_orders SET status = 2, end_time = ?2, fee_cents = ?3 WHERE id = ?1",
                params![order_id, now, fee],
            )?;
        }
    }
    let order = order_view(write, order_id, now)?;
    tell_order(write, &order, user_id);
    // Parking on a reservation keeps the spot taken.
    if !matches!(step, Step::Start) {
        tell_lot(write, order.parkinglot_id, now)?;
    }
    Ok(order)
}
