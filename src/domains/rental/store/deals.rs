//! Deals.

use super::*;
use crate::db::Write;
use crate::money::Amount;

/// Deals in a date range whose location contains `location`: the user's
/// own (as owner or tenant), or every deal for an admin. Newest first.
pub fn deals(
    conn: &Connection,
    user: &User,
    from: Option<i64>,
    to_exclusive: Option<i64>,
    location: Option<&str>,
) -> Result<Vec<model::Deal>, Error> {
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
            Ok(model::Deal {
                id: row.get(0)?,
                owner: row.get(1)?,
                user: row.get(2)?,
                location: row.get(3)?,
                date: model::us_date(row.get(4)?),
                rental: Amount(row.get(5)?),
                commission: Amount(row.get(6)?),
                city: row.get(7)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Tells a new deal's owner and tenant of it, once the write commits.
pub(super) fn tell_deal(write: &Write, id: i64) -> Result<(), Error> {
    let found = write
        .prepare_cached(
            "SELECT o.username, t.username, d.location, d.date, d.rental, d.commission, d.city,
                    d.owner_id, d.tenant_id
             FROM rental_deals d
             JOIN rental_users o ON o.id = d.owner_id
             JOIN rental_users t ON t.id = d.tenant_id
             WHERE d.id = ?1",
        )?
        .query_row([id], |row| {
            Ok((
                model::Deal {
                    id,
                    owner: row.get(0)?,
                    user: row.get(1)?,
                    location: row.get(2)?,
                    date: model::us_date(row.get(3)?),
                    rental: Amount(row.get(4)?),
                    commission: Amount(row.get(5)?),
                    city: row.get(6)?,
                },
                vec![row.get::<_, i64>(7)?, row.get::<_, i64>(8)?],
            ))
        })
        .optional()?;
    if let Some((deal, readers)) = found {
        events::stage(write, DOMAIN, "deal", &deal, Audience::Accounts(readers));
    }
    Ok(())
}

/// Deals and commission per city, busiest first.
pub fn city_statistics(conn: &Connection) -> Result<Vec<model::CityStatistic>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT city, count(*), sum(commission) FROM rental_deals
         GROUP BY city ORDER BY count(*) DESC, city",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(model::CityStatistic {
            city_name: row.get(0)?,
            total_count: row.get(1)?,
            total_commission: Amount(row.get(2)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
