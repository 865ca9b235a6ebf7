//! Houses and demands.

use std::collections::HashMap;

use super::*;
use crate::db::CachedSql;

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

    pub(super) fn missing(self, id: i64) -> Error {
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

/// The listings of `ids`, in that order (an id deleted since is left out).
pub fn listings_by_ids(conn: &Connection, table: Table, ids: &[i64]) -> Result<Vec<Stored>, Error> {
    let list = format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let mut found: HashMap<i64, Stored> = conn
        .prepare_cached(&format!(
            "SELECT {} FROM {} WHERE id IN (SELECT value FROM json_each(?1))",
            table.columns(),
            table.name()
        ))?
        .query_map([list], stored_from)?
        .map(|s| s.map(|s| (s.id, s)))
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
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
        Table::Houses => conn.execute_cached(
            "INSERT INTO rental_houses (owner_id, name, district, community, unit, type, house_type, area, floor, elevator,
                 description, imgs, tags, deposit, pay_method, cost, created_at, modified_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
            params![
                owner_id, l.name, l.district, l.community, l.unit, l.kind, l.house_type(), l.area, l.floor,
                l.elevator, l.description, json!(l.imgs).to_string(), tags, l.deposit, l.pay_method, l.cost, now
            ],
        )?,
        Table::Demands => conn.execute_cached(
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

/// Marks house `id` let (已租): it leaves the lists of houses to let.
pub fn mark_let(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE rental_houses SET state = ?2 WHERE id = ?1",
        params![id, LET],
    )?;
    Ok(())
}

/// A listing the caller owns, or the failure to give.
pub(super) fn owned(
    conn: &Connection,
    table: Table,
    owner_id: i64,
    id: i64,
) -> Result<Stored, Error> {
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
        Table::Houses => conn.execute_cached(
            "UPDATE rental_houses SET name = ?2, district = ?3, community = ?4, unit = ?5, type = ?6, house_type = ?7,
                 area = ?8, floor = ?9, elevator = ?10, description = ?11, imgs = ?12, tags = ?13, deposit = ?14,
                 pay_method = ?15, cost = ?16, modified_at = ?17
             WHERE id = ?1",
            params![
                id, l.name, l.district, l.community, l.unit, l.kind, l.house_type(), l.area, l.floor, l.elevator,
                l.description, json!(l.imgs).to_string(), tags, l.deposit, l.pay_method, l.cost, now
            ],
        )?,
        Table::Demands => conn.execute_cached(
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
        conn.execute_cached(
            "DELETE FROM rental_requests WHERE demand_id = ?1 AND state <> 'accepted'",
            [id],
        )?;
        conn.execute_cached(
            "UPDATE rental_requests SET demand_id = NULL WHERE demand_id = ?1",
            [id],
        )?;
    }
    conn.execute_cached(&format!("DELETE FROM {} WHERE id = ?1", table.name()), [id])?;
    Ok(())
}

/// The caller's listings, newest first, in the seed's short form.
pub fn listings_of(conn: &Connection, table: Table, owner_id: i64) -> Result<Vec<Stored>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE owner_id = ?1 ORDER BY id DESC",
        table.columns(),
        table.name()
    ))?;
    let rows = stmt.query_map([owner_id], stored_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
