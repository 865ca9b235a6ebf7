//! Every SQL statement on rental's tables. Functions taking a transaction
//! run on the single writer: accepting a request checks the house is still
//! to let, records the deal and lets the house with nothing in between, and
//! a unique index on the deals' house backs that up.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use serde_json::{Value, json};

use super::envelope::{Error, failed};
use super::model::{
    self, ADMIN_GRADE, CLOSED, LET, ListQuery, Listing, RequestKind, Stored, TO_LET, User,
};
use crate::money;

pub const HOUSES: &str = "rental_houses";
pub const DEMANDS: &str = "rental_demands";

// ---- users

const USER_COLUMNS: &str = "id, username, password_hash, name, id_type, id_number, phone, grade, register_city, created_at";

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        password_hash: row.get(2)?,
        name: row.get(3)?,
        id_type: row.get(4)?,
        id_number: row.get(5)?,
        phone: row.get(6)?,
        grade: row.get(7)?,
        register_city: row.get(8)?,
        created_at: row.get(9)?,
    })
}

pub fn user_by_name(conn: &Connection, username: &str) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM rental_users WHERE username = ?1"
        ))?
        .query_row([username], user_from)
        .optional()?)
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM rental_users WHERE id = ?1"
        ))?
        .query_row([id], user_from)
        .optional()?)
}

/// A user about to be stored.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub id_type: &'a str,
    pub id_number: &'a str,
    pub phone: &'a str,
    pub city: &'a str,
    pub admin: bool,
}

/// Adds a user; a taken name is a failure.
pub fn insert_user(
    conn: &Connection,
    user: &NewUser<'_>,
    hash: &str,
    now: i64,
) -> Result<i64, Error> {
    let inserted = conn.execute(
        "INSERT INTO rental_users (username, password_hash, name, id_type, id_number, phone, grade, register_city, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (username) DO NOTHING",
        params![
            user.username,
            hash,
            user.name,
            user.id_type,
            user.id_number,
            user.phone,
            if user.admin { ADMIN_GRADE } else { "普通用户" },
            user.city,
            now
        ],
    )?;
    if inserted == 0 {
        return Err(failed("用户名已存在"));
    }
    Ok(conn.last_insert_rowid())
}

pub fn set_password(conn: &Connection, user_id: i64, hash: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE rental_users SET password_hash = ?2 WHERE id = ?1",
        params![user_id, hash],
    )?;
    Ok(())
}

pub fn set_phone(conn: &Connection, user_id: i64, phone: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE rental_users SET phone = ?2 WHERE id = ?1",
        params![user_id, phone],
    )?;
    Ok(())
}

// ---- houses and demands

/// Which of the two listing tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Houses,
    Demands,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Houses => HOUSES,
            Table::Demands => DEMANDS,
        }
    }

    fn columns(self) -> &'static str {
        match self {
            Table::Houses => {
                "id, owner_id, name, district, community, unit, type, area, floor, elevator, description, imgs, tags, deposit, pay_method, cost, state, created_at, modified_at"
            }
            Table::Demands => {
                "id, owner_id, name, district, community, '', type, area, floor, elevator, description, '[]', tags, deposit, pay_method, cost, state, created_at, modified_at"
            }
        }
    }

    /// The state that keeps a listing in the public list.
    fn open_state(self) -> &'static str {
        match self {
            Table::Houses => TO_LET,
            Table::Demands => model::OPEN,
        }
    }

    fn missing(self, id: i64) -> Error {
        match self {
            Table::Houses => failed(format!("房屋 {id} 不存在")),
            Table::Demands => failed(format!("求租信息 {id} 不存在")),
        }
    }
}

fn json_list(text: String) -> Vec<String> {
    serde_json::from_str(&text).unwrap_or_default()
}

fn stored_from(row: &Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: row.get(0)?,
        owner_id: row.get(1)?,
        listing: Listing {
            name: row.get(2)?,
            district: row.get(3)?,
            community: row.get(4)?,
            unit: row.get(5)?,
            kind: row.get(6)?,
            area: row.get(7)?,
            floor: row.get(8)?,
            elevator: row.get(9)?,
            description: row.get(10)?,
            imgs: json_list(row.get(11)?),
            tags: json_list(row.get(12)?),
            deposit: row.get(13)?,
            pay_method: row.get(14)?,
            cost: row.get(15)?,
        },
        state: row.get(16)?,
        created_at: row.get(17)?,
        modified_at: row.get(18)?,
    })
}

pub fn listing(conn: &Connection, table: Table, id: i64) -> Result<Option<Stored>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {} FROM {} WHERE id = ?1",
            table.columns(),
            table.name()
        ))?
        .query_row([id], stored_from)
        .optional()?)
}

/// Adds a house or demand for `owner_id`.
pub fn insert_listing(
    conn: &Connection,
    table: Table,
    owner_id: i64,
    l: &Listing,
    now: i64,
) -> Result<i64, Error> {
    let tags = json!(l.tags).to_string();
    match table {
        Table::Houses => conn.execute(
            "INSERT INTO rental_houses (owner_id, name, district, community, unit, type, house_type, area, floor, elevator,
                 description, imgs, tags, deposit, pay_method, cost, created_at, modified_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
            params![
                owner_id, l.name, l.district, l.community, l.unit, l.kind, l.house_type(), l.area, l.floor,
                l.elevator, l.description, json!(l.imgs).to_string(), tags, l.deposit, l.pay_method, l.cost, now
            ],
        )?,
        Table::Demands => conn.execute(
            "INSERT INTO rental_demands (owner_id, name, district, community, type, house_type, area, floor, elevator,
                 description, tags, deposit, pay_method, cost, created_at, modified_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
            params![
                owner_id, l.name, l.district, l.community, l.kind, l.house_type(), l.area, l.floor, l.elevator,
                l.description, tags, l.deposit, l.pay_method, l.cost, now
            ],
        )?,
    };
    Ok(conn.last_insert_rowid())
}

/// A listing the caller owns, or the failure to give.
fn owned(conn: &Connection, table: Table, owner_id: i64, id: i64) -> Result<Stored, Error> {
    let stored = listing(conn, table, id)?.ok_or_else(|| table.missing(id))?;
    if stored.owner_id != owner_id {
        return Err(failed("只能修改或删除自己发布的信息"));
    }
    Ok(stored)
}

/// Replaces a listing's fields; only its owner may.
pub fn update_listing(
    conn: &Connection,
    table: Table,
    owner_id: i64,
    id: i64,
    l: &Listing,
    now: i64,
) -> Result<(), Error> {
    owned(conn, table, owner_id, id)?;
    let tags = json!(l.tags).to_string();
    match table {
        Table::Houses => conn.execute(
            "UPDATE rental_houses SET name = ?2, district = ?3, community = ?4, unit = ?5, type = ?6, house_type = ?7,
                 area = ?8, floor = ?9, elevator = ?10, description = ?11, imgs = ?12, tags = ?13, deposit = ?14,
                 pay_method = ?15, cost = ?16, modified_at = ?17
             WHERE id = ?1",
            params![
                id, l.name, l.district, l.community, l.unit, l.kind, l.house_type(), l.area, l.floor, l.elevator,
                l.description, json!(l.imgs).to_string(), tags, l.deposit, l.pay_method, l.cost, now
            ],
        )?,
        Table::Demands => conn.execute(
            "UPDATE rental_demands SET name = ?2, district = ?3, community = ?4, type = ?5, house_type = ?6, area = ?7,
                 floor = ?8, elevator = ?9, description = ?10, tags = ?11, deposit = ?12, pay_method = ?13, cost = ?14,
                 modified_at = ?15
             WHERE id = ?1",
            params![
                id, l.name, l.district, l.community, l.kind, l.house_type(), l.area, l.floor, l.elevator,
                l.description, tags, l.deposit, l.pay_method, l.cost, now
            ],
        )?,
    };
    Ok(())
}

/// Deletes a listing of the caller's; a let house stays. Pending requests
/// about it go with it.
pub fn delete_listing(
    conn: &Connection,
    table: Table,
    owner_id: i64,
    id: i64,
) -> Result<(), Error> {
    let stored = owned(conn, table, owner_id, id)?;
    if table == Table::Houses && stored.state == LET {
        return Err(failed("已出租的房屋不能删除"));
    }
    if table == Table::Demands {
        // A closed demand's deal keeps its own copy of everything it needs.
        conn.execute(
            "DELETE FROM rental_requests WHERE demand_id = ?1 AND state <> 'accepted'",
            [id],
        )?;
        conn.execute(
            "UPDATE rental_requests SET demand_id = NULL WHERE demand_id = ?1",
            [id],
        )?;
    }
    conn.execute(&format!("DELETE FROM {} WHERE id = ?1", table.name()), [id])?;
    Ok(())
}

/// The caller's listings, newest first, in the seed's short form.
pub fn listings_of(conn: &Connection, table: Table, owner_id: i64) -> Result<Vec<Value>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE owner_id = ?1 ORDER BY id DESC",
        table.columns(),
        table.name()
    ))?;
    let rows = stmt.query_map([owner_id], stored_from)?;
    let mut items = Vec::new();
    for row in rows {
        let s = row?;
        let l = &s.listing;
        items.push(match table {
            Table::Houses => json!({
                "house_id": s.id, "id": s.id, "name": l.name, "location": l.location(),
                "rental": money::number(l.cost), "state": s.state,
            }),
            Table::Demands => json!({
                "id": s.id, "rental_id": s.id, "name": l.name, "location": l.location(),
                "description": l.description, "rental": money::number(l.cost), "state": s.state,
            }),
        });
    }
    Ok(items)
}

/// Which part of a list query a filter is for (see the indexes of
/// `rental_houses` in schema.sql).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// The page: walk the index of the ordering, stop after a page.
    Page,
    /// The total: read the covering filter index only.
    Count,
}

/// The FROM and WHERE of a list query (open listings only). Ranges on
/// columns other than the ordering's are written `+column`, which keeps
/// SQLite from trading the ordered walk for a range it guesses is narrow.
fn list_filter(table: Table, query: &ListQuery, purpose: Purpose) -> (String, Vec<Sql>) {
    let name = table.name();
    let (index, ordered) = match (purpose, table, query.orderby) {
        (Purpose::Count, Table::Houses, _) => ("by_price", "cost"),
        (Purpose::Count, Table::Demands, _) => ("", ""),
        (Purpose::Page, _, 1 | 2) => ("by_price", "cost"),
        (Purpose::Page, Table::Houses, 3 | 4) => ("by_area", "area"),
        (Purpose::Page, _, _) => ("newest", ""),
    };
    let from = match index {
        "" => name.to_string(),
        index => format!("{name} INDEXED BY {name}_{index}"),
    };
    let mut conditions = vec!["state = ?".to_string()];
    let mut values = vec![Sql::Text(table.open_state().to_string())];
    for (column, (low, high)) in [
        ("floor", query.floor),
        ("cost", query.price),
        ("area", query.area),
    ] {
        let column = if column == ordered {
            column.to_string()
        } else {
            format!("+{column}")
        };
        if let Some(low) = low {
            conditions.push(format!("{column} >= ?"));
            values.push(Sql::Integer(low));
        }
        if let Some(high) = high {
            conditions.push(format!("{column} <= ?"));
            values.push(Sql::Integer(high));
        }
    }
    if query.house_type != 0 {
        conditions.push("house_type = ?".into());
        values.push(Sql::Integer(query.house_type));
    }
    if query.elevator != 0 {
        conditions.push("elevator = ?".into());
        values.push(Sql::Integer(i64::from(query.elevator == 1)));
    }
    // Last, so the substring test runs only on rows the cheap tests kept.
    if let Some(district) = &query.district {
        conditions.push("instr(district, ?) > 0".into());
        values.push(Sql::Text(district.clone()));
    }
    (format!("{from} WHERE {}", conditions.join(" AND ")), values)
}

/// One page of open listings.
pub fn list_page(conn: &Connection, table: Table, query: &ListQuery) -> Result<Vec<Stored>, Error> {
    let (from_where, mut values) = list_filter(table, query, Purpose::Page);
    let order = match query.orderby {
        1 => "cost ASC, id ASC",
        2 => "cost DESC, id DESC",
        3 => "area ASC, id ASC",
        4 => "area DESC, id DESC",
        _ => "id DESC",
    };
    values.push(Sql::Integer(query.page_size));
    values.push(Sql::Integer(query.seq.saturating_mul(query.page_size)));
    let sql = format!(
        "SELECT {} FROM {from_where} ORDER BY {order} LIMIT ? OFFSET ?",
        table.columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(values), stored_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many open listings match the filters.
pub fn list_total(conn: &Connection, table: Table, query: &ListQuery) -> Result<i64, Error> {
    let (from_where, values) = list_filter(table, query, Purpose::Count);
    let sql = format!("SELECT count(*) FROM {from_where}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(values), |row| row.get(0))?)
}

// ---- requests

/// `apply-house`: a pending request from the tenant to the house's owner.
pub fn apply(
    conn: &Connection,
    tenant_id: i64,
    house_id: i64,
    period: i64,
    start: i64,
    end: i64,
    now: i64,
) -> Result<i64, Error> {
    let house =
        listing(conn, Table::Houses, house_id)?.ok_or_else(|| Table::Houses.missing(house_id))?;
    if house.owner_id == tenant_id {
        return Err(failed("不能申请租用自己的房屋"));
    }
    if house.state != TO_LET {
        return Err(failed("该房屋已出租"));
    }
    insert_request(
        conn,
        RequestKind::Apply,
        house_id,
        None,
        (tenant_id, house.owner_id, tenant_id),
        (Some(period), Some(start), Some(end)),
        now,
    )
}

/// `provide-house`: a pending offer of the caller's house to a demand.
pub fn provide(
    conn: &Connection,
    owner_id: i64,
    house_id: i64,
    demand_id: i64,
    now: i64,
) -> Result<i64, Error> {
    let house = owned(conn, Table::Houses, owner_id, house_id)?;
    if house.state != TO_LET {
        return Err(failed("该房屋已出租"));
    }
    let demand = listing(conn, Table::Demands, demand_id)?
        .ok_or_else(|| Table::Demands.missing(demand_id))?;
    if demand.owner_id == owner_id {
        return Err(failed("不能向自己的求租信息提供房屋"));
    }
    if demand.state == CLOSED {
        return Err(failed("该求租信息已成交"));
    }
    insert_request(
        conn,
        RequestKind::Provide,
        house_id,
        Some(demand_id),
        (owner_id, demand.owner_id, demand.owner_id),
        (None, None, None),
        now,
    )
}

fn insert_request(
    conn: &Connection,
    kind: RequestKind,
    house_id: i64,
    demand_id: Option<i64>,
    (from, to, tenant): (i64, i64, i64),
    (period, start, end): (Option<i64>, Option<i64>, Option<i64>),
    now: i64,
) -> Result<i64, Error> {
    let inserted = conn.execute(
        "INSERT INTO rental_requests (kind, house_id, demand_id, from_user, to_user, tenant_id, period, start_date, end_date, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT DO NOTHING",
        params![kind.as_str(), house_id, demand_id, from, to, tenant, period, start, end, now],
    )?;
    if inserted == 0 {
        return Err(failed("已经发出过这个请求，请等待对方处理"));
    }
    Ok(conn.last_insert_rowid())
}

/// The requests addressed to the user, newest first.
pub fn notifications(
    conn: &Connection,
    kind: RequestKind,
    to_user: i64,
) -> Result<Vec<Value>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, u.username, h.district || h.community || h.unit, r.house_id, r.demand_id, r.period,
                r.start_date, r.end_date, r.state, r.created_at
         FROM rental_requests r
         JOIN rental_users u ON u.id = r.from_user
         JOIN rental_houses h ON h.id = r.house_id
         WHERE r.to_user = ?1 AND r.kind = ?2
         ORDER BY r.id DESC",
    )?;
    let rows = stmt.query_map(params![to_user, kind.as_str()], |row| {
        let mut item = json!({
            "id": row.get::<_, i64>(0)?,
            "username": row.get::<_, String>(1)?,
            "location": row.get::<_, String>(2)?,
            "house_id": row.get::<_, i64>(3)?,
            "status": model::request_status(&row.get::<_, String>(8)?),
            "time": model::slash_date(row.get(9)?),
        });
        match kind {
            RequestKind::Apply => {
                item["period"] = json!(row.get::<_, Option<i64>>(5)?);
                item["start_date"] = json!(row.get::<_, Option<i64>>(6)?.map(model::us_date));
                item["end_date"] = json!(row.get::<_, Option<i64>>(7)?.map(model::us_date));
            }
            RequestKind::Provide => {
                item["rental_id"] = json!(row.get::<_, Option<i64>>(4)?);
            }
        }
        Ok(item)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

struct Pending {
    house_id: i64,
    demand_id: Option<i64>,
    tenant_id: i64,
}

/// A pending request addressed to the user.
fn pending_for(conn: &Connection, to_user: i64, id: i64) -> Result<Pending, Error> {
    conn.prepare_cached(
        "SELECT house_id, demand_id, tenant_id FROM rental_requests
         WHERE id = ?1 AND to_user = ?2 AND state = 'pending'",
    )?
    .query_row(params![id, to_user], |row| {
        Ok(Pending {
            house_id: row.get(0)?,
            demand_id: row.get(1)?,
            tenant_id: row.get(2)?,
        })
    })
    .optional()?
    .ok_or_else(|| failed("没有这个待处理的请求"))
}

/// Rejects a request addressed to the user.
pub fn reject(conn: &Connection, to_user: i64, id: i64, now: i64) -> Result<(), Error> {
    pending_for(conn, to_user, id)?;
    conn.execute(
        "UPDATE rental_requests SET state = 'rejected', decided_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Accepts a request addressed to the user: one deal, the house let, the
/// demand closed, the other pending requests for them rejected.
pub fn accept(
    conn: &Connection,
    to_user: i64,
    id: i64,
    commission_bp: i64,
    now: i64,
) -> Result<i64, Error> {
    let request = pending_for(conn, to_user, id)?;
    let house = listing(conn, Table::Houses, request.house_id)?
        .ok_or_else(|| Table::Houses.missing(request.house_id))?;
    if house.state != TO_LET {
        return Err(failed("该房屋已出租"));
    }
    if let Some(demand_id) = request.demand_id {
        let demand = listing(conn, Table::Demands, demand_id)?
            .ok_or_else(|| Table::Demands.missing(demand_id))?;
        if demand.state == CLOSED {
            return Err(failed("该求租信息已成交"));
        }
        conn.execute(
            "UPDATE rental_demands SET state = ?2 WHERE id = ?1",
            params![demand_id, CLOSED],
        )?;
        conn.execute(
            "UPDATE rental_requests SET state = 'rejected', decided_at = ?2
             WHERE demand_id = ?1 AND state = 'pending' AND id <> ?3",
            params![demand_id, now, id],
        )?;
    }
    let rent = house.listing.cost;
    conn.execute(
        "INSERT INTO rental_deals (owner_id, tenant_id, house_id, request_id, location, city, date, rental, commission)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            house.owner_id,
            request.tenant_id,
            house.id,
            id,
            house.listing.location(),
            model::city_of(&house.listing.district),
            now,
            rent,
            model::commission(rent, commission_bp)
        ],
    )?;
    let deal = conn.last_insert_rowid();
    conn.execute(
        "UPDATE rental_houses SET state = ?2 WHERE id = ?1",
        params![house.id, LET],
    )?;
    conn.execute(
        "UPDATE rental_requests SET state = CASE WHEN id = ?3 THEN 'accepted' ELSE 'rejected' END, decided_at = ?2
         WHERE house_id = ?1 AND state = 'pending'",
        params![house.id, now, id],
    )?;
    Ok(deal)
}

// ---- deals

/// Deals in a date range whose location contains `location`: the user's
/// own (as owner or tenant), or every deal for an admin. Newest first.
pub fn deals(
    conn: &Connection,
    user: &User,
    from: Option<i64>,
    to_exclusive: Option<i64>,
    location: Option<&str>,
) -> Result<Vec<Value>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, o.username, t.username, d.location, d.date, d.rental, d.commission, d.city
         FROM rental_deals d
         JOIN rental_users o ON o.id = d.owner_id
         JOIN rental_users t ON t.id = d.tenant_id
         WHERE (?1 OR d.owner_id = ?2 OR d.tenant_id = ?2)
           AND d.date >= coalesce(?3, d.date) AND d.date < coalesce(?4, d.date + 1)
           AND (?5 IS NULL OR instr(d.location, ?5) > 0)
         ORDER BY d.date DESC, d.id DESC",
    )?;
    let rows = stmt.query_map(
        params![user.is_admin(), user.id, from, to_exclusive, location],
        |row| {
            Ok(json!({
                "id": row.get::<_, i64>(0)?,
                "owner": row.get::<_, String>(1)?,
                "user": row.get::<_, String>(2)?,
                "location": row.get::<_, String>(3)?,
                "date": model::us_date(row.get(4)?),
                "rental": money::number(row.get(5)?),
                "commission": money::number(row.get(6)?),
                "city": row.get::<_, String>(7)?,
            }))
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deals and commission per city, busiest first.
pub fn city_statistics(conn: &Connection) -> Result<Vec<Value>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT city, count(*), sum(commission) FROM rental_deals
         GROUP BY city ORDER BY count(*) DESC, city",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(json!({
            "city_name": row.get::<_, String>(0)?,
            "total_count": row.get::<_, i64>(1)?,
            "total_commission": money::number(row.get(2)?),
        }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
