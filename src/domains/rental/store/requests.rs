//! Requests.

use super::*;
use crate::db::CachedSql;
use crate::db::Write;

/// `apply-house`: a pending request from the tenant to the house's owner.
pub fn apply(
    write: &Write,
    tenant_id: i64,
    house_id: i64,
    period: i64,
    start: i64,
    end: i64,
    now: i64,
) -> Result<i64, Error> {
    let house =
        listing(write, Table::Houses, house_id)?.ok_or_else(|| Table::Houses.missing(house_id))?;
    if house.owner_id == tenant_id {
        return Err(failed("不能申请租用自己的房屋"));
    }
    if house.state != TO_LET {
        return Err(failed("该房屋已出租"));
    }
    insert_request(
        write,
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
    write: &Write,
    owner_id: i64,
    house_id: i64,
    demand_id: i64,
    now: i64,
) -> Result<i64, Error> {
    let house = owned(write, Table::Houses, owner_id, house_id)?;
    if house.state != TO_LET {
        return Err(failed("该房屋已出租"));
    }
    let demand = listing(write, Table::Demands, demand_id)?
        .ok_or_else(|| Table::Demands.missing(demand_id))?;
    if demand.owner_id == owner_id {
        return Err(failed("不能向自己的求租信息提供房屋"));
    }
    if demand.state == CLOSED {
        return Err(failed("该求租信息已成交"));
    }
    insert_request(
        write,
        RequestKind::Provide,
        house_id,
        Some(demand_id),
        (owner_id, demand.owner_id, demand.owner_id),
        (None, None, None),
        now,
    )
}

fn insert_request(
    write: &Write,
    kind: RequestKind,
    house_id: i64,
    demand_id: Option<i64>,
    (from, to, tenant): (i64, i64, i64),
    (period, start, end): (Option<i64>, Option<i64>, Option<i64>),
    now: i64,
) -> Result<i64, Error> {
    let inserted = write.execute_cached(
        "INSERT INTO rental_requests (kind, house_id, demand_id, from_user, to_user, tenant_id, period, start_date, end_date, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT DO NOTHING",
        params![kind.as_str(), house_id, demand_id, from, to, tenant, period, start, end, now],
    )?;
    if inserted == 0 {
        return Err(failed("已经发出过这个请求，请等待对方处理"));
    }
    let id = write.last_insert_rowid();
    tell_request(write, id)?;
    Ok(id)
}

/// The `request` event: a request as its notification shows it, with its
/// `kind` (`apply` or `provide`) and `demand_id`; `username` is the other
/// party.
#[derive(serde::Serialize)]
struct RequestNews {
    kind: String,
    #[serde(flatten)]
    head: model::NotificationHead,
    demand_id: Option<i64>,
}

/// Tells a pending request's addressee of it, or a decided one's sender
/// of the decision, once the write commits.
fn tell_request(write: &Write, id: i64) -> Result<(), Error> {
    let found = write
        .prepare_cached(
            "SELECT r.kind, f.username, t.username, h.district || h.community || h.unit, r.house_id,
                    r.demand_id, r.state, r.created_at, r.from_user, r.to_user
             FROM rental_requests r
             JOIN rental_users f ON f.id = r.from_user
             JOIN rental_users t ON t.id = r.to_user
             JOIN rental_houses h ON h.id = r.house_id
             WHERE r.id = ?1",
        )?
        .query_row([id], |row| {
            let state: String = row.get(6)?;
            let pending = state == "pending";
            let (other, reader) = if pending {
                (row.get::<_, String>(1)?, row.get::<_, i64>(9)?)
            } else {
                (row.get(2)?, row.get(8)?)
            };
            Ok((
                RequestNews {
                    kind: row.get(0)?,
                    head: model::NotificationHead {
                        id,
                        username: other,
                        location: row.get(3)?,
                        house_id: row.get(4)?,
                        status: model::request_status(&state).to_string(),
                        time: model::slash_date(row.get(7)?),
                    },
                    demand_id: row.get(5)?,
                },
                reader,
            ))
        })
        .optional()?;
    if let Some((news, reader)) = found {
        events::stage(
            write,
            DOMAIN,
            "request",
            &news,
            Audience::Accounts(vec![reader]),
        );
    }
    Ok(())
}

/// A request addressed to the user, as its notification shows it.
pub struct Notification {
    pub head: model::NotificationHead,
    pub demand_id: Option<i64>,
    pub period: Option<i64>,
    pub start_date: Option<i64>,
    pub end_date: Option<i64>,
}

/// The requests of `kind` addressed to the user, newest first.
pub fn notifications(
    conn: &Connection,
    kind: RequestKind,
    to_user: i64,
) -> Result<Vec<Notification>, Error> {
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
        Ok(Notification {
            head: model::NotificationHead {
                id: row.get(0)?,
                username: row.get(1)?,
                location: row.get(2)?,
                house_id: row.get(3)?,
                status: model::request_status(&row.get::<_, String>(8)?).to_string(),
                time: model::slash_date(row.get(9)?),
            },
            demand_id: row.get(4)?,
            period: row.get(5)?,
            start_date: row.get(6)?,
            end_date: row.get(7)?,
        })
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
pub fn reject(write: &Write, to_user: i64, id: i64, now: i64) -> Result<(), Error> {
    pending_for(write, to_user, id)?;
    write.execute_cached(
        "UPDATE rental_requests SET state = 'rejected', decided_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    tell_request(write, id)
}

/// Runs a decision on many requests and tells each sender.
fn decide_all(write: &Write, sql: &str, values: impl rusqlite::Params) -> Result<(), Error> {
    let decided: Vec<i64> = write
        .prepare(sql)?
        .query_map(values, |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in decided {
        tell_request(write, id)?;
    }
    Ok(())
}

/// Accepts a request addressed to the user: one deal, the house let, the
/// demand closed, the other pending requests for them rejected.
pub fn accept(
    write: &Write,
    to_user: i64,
    id: i64,
    commission_bp: i64,
    now: i64,
) -> Result<i64, Error> {
    let request = pending_for(write, to_user, id)?;
    let house = listing(write, Table::Houses, request.house_id)?
        .ok_or_else(|| Table::Houses.missing(request.house_id))?;
    if house.state != TO_LET {
        return Err(failed("该房屋已出租"));
    }
    if let Some(demand_id) = request.demand_id {
        let demand = listing(write, Table::Demands, demand_id)?
            .ok_or_else(|| Table::Demands.missing(demand_id))?;
        if demand.state == CLOSED {
            return Err(failed("该求租信息已成交"));
        }
        write.execute_cached(
            "UPDATE rental_demands SET state = ?2 WHERE id = ?1",
            params![demand_id, CLOSED],
        )?;
        decide_all(
            write,
            "UPDATE rental_requests SET state = 'rejected', decided_at = ?2
             WHERE demand_id = ?1 AND state = 'pending' AND id <> ?3 RETURNING id",
            params![demand_id, now, id],
        )?;
    }
    let rent = house.listing.cost;
    write.execute_cached(
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
    let deal = write.last_insert_rowid();
    super::mark_let(write, house.id)?;
    decide_all(
        write,
        "UPDATE rental_requests SET state = CASE WHEN id = ?3 THEN 'accepted' ELSE 'rejected' END, decided_at = ?2
         WHERE house_id = ?1 AND state = 'pending' RETURNING id",
        params![house.id, now, id],
    )?;
    tell_deal(write, deal)?;
    Ok(deal)
}
