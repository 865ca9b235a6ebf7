//! House lists from a copy of the houses to let held in memory.
//!
//! Finding a far page of a wide search in SQLite walks an index up to the
//! page (a million entries for the last page of a million houses), and
//! counting it reads every matching entry. The copy holds the filtered
//! columns in each ordering, so one pass over it finds every matching id
//! in order: the total is its length and any page a slice, and that order
//! is remembered per filter and ordering until the houses change.
//!
//! The copy belongs to one state of the houses table: after a write
//! commits, lists come from SQLite while a new copy is built in the
//! background, so a write never waits for it.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::Connection;

use crate::app::SharedApp;
use crate::cache::Cache;
use crate::domains::rental::model::{ListQuery, Stored, TO_LET};
use crate::domains::rental::store::{DEMANDS, HOUSES, Table};

/// The filtered columns of one house to let.
struct Row {
    id: i64,
    cost: i64,
    area: i64,
    floor: i64,
    house_type: i64,
    elevator: bool,
    district: u32,
}

/// Every house to let at one state of the table.
pub struct Snapshot {
    districts: Vec<String>,
    /// Newest first: the list's default order.
    rows: Vec<Row>,
    /// Places in `rows` by cost then id, ascending.
    by_cost: Vec<u32>,
    /// Places in `rows` by area then id, ascending.
    by_area: Vec<u32>,
}

fn within(value: i64, (low, high): (Option<i64>, Option<i64>)) -> bool {
    low.is_none_or(|l| value >= l) && high.is_none_or(|h| value <= h)
}

impl Snapshot {
    /// Reads the houses to let (one statement, so one consistent view).
    fn build(conn: &Connection) -> crate::error::Result<Snapshot> {
        let mut stmt = conn.prepare(
            "SELECT id, cost, area, floor, house_type, elevator, district
             FROM rental_houses INDEXED BY rental_houses_newest WHERE state = ?1 ORDER BY id DESC",
        )?;
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut districts = Vec::new();
        let mut rows = Vec::new();
        let mut found = stmt.query([TO_LET])?;
        while let Some(row) = found.next()? {
            let name: String = row.get(6)?;
            let next = districts.len() as u32;
            let district = *names.entry(name.clone()).or_insert_with(|| {
                districts.push(name);
                next
            });
            rows.push(Row {
                id: row.get(0)?,
                cost: row.get(1)?,
                area: row.get(2)?,
                floor: row.get(3)?,
                house_type: row.get(4)?,
                elevator: row.get(5)?,
                district,
            });
        }
        let places = || (0..rows.len() as u32).collect::<Vec<u32>>();
        let (mut by_cost, mut by_area) = (places(), places());
        by_cost.sort_unstable_by_key(|&i| (rows[i as usize].cost, rows[i as usize].id));
        by_area.sort_unstable_by_key(|&i| (rows[i as usize].area, rows[i as usize].id));
        Ok(Snapshot {
            districts,
            rows,
            by_cost,
            by_area,
        })
    }

    /// The ids of every house that matches the list's filters (the same
    /// tests as the SQL in `store::list_filter`), in the ascending order of
    /// [`Lists::ascending`].
    pub fn order(&self, query: &ListQuery) -> Vec<i64> {
        let district_matches: Vec<bool> = self
            .districts
            .iter()
            .map(|d| {
                query
                    .district
                    .as_ref()
                    .is_none_or(|part| d.contains(part.as_str()))
            })
            .collect();
        let elevator = match query.elevator {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        };
        let matches = |r: &Row| {
            district_matches[r.district as usize]
                && within(r.floor, query.floor)
                && within(r.cost, query.price)
                && within(r.area, query.area)
                && (query.house_type == 0 || r.house_type == query.house_type)
                && elevator.is_none_or(|e| r.elevator == e)
        };
        let pick = |places: &mut dyn Iterator<Item = &u32>| -> Vec<i64> {
            places
                .map(|&i| &self.rows[i as usize])
                .filter(|r| matches(r))
                .map(|r| r.id)
                .collect()
        };
        match Lists::ascending(query.orderby).0 {
            1 => pick(&mut self.by_cost.iter()),
            2 => pick(&mut self.by_area.iter()),
            _ => self
                .rows
                .iter()
                .filter(|r| matches(r))
                .map(|r| r.id)
                .collect(),
        }
    }
}

/// A page of a house list as it was read, and the list's total.
pub type Page = (Arc<Vec<Stored>>, i64);

/// Remembered totals, orders and pages, and the current copy.
pub struct Lists {
    houses: Cache<i64>,
    demands: Cache<i64>,
    snapshot: Arc<Cache<Arc<Snapshot>>>,
    /// Every matching id of a house list, by filter and ordering. A million
    /// ids are 8 MB.
    orders: Cache<Arc<Vec<i64>>>,
    /// Pages cut from them, by order, ordering and page.
    pages: Cache<Page>,
}

impl Default for Lists {
    fn default() -> Self {
        Lists {
            houses: Cache::new(&[HOUSES], 10_000),
            demands: Cache::new(&[DEMANDS], 10_000),
            snapshot: Arc::new(Cache::new(&[HOUSES], 1)),
            orders: Cache::new(&[HOUSES], 32),
            pages: Cache::new(&[HOUSES], 1_000),
        }
    }
}

impl Lists {
    /// The remembered totals of a table's lists, by filter.
    pub fn totals(&self, table: Table) -> &Cache<i64> {
        match table {
            Table::Houses => &self.houses,
            Table::Demands => &self.demands,
        }
    }

    /// The remembered orders of house lists, by [`Lists::order_key`].
    pub fn orders(&self) -> &Cache<Arc<Vec<i64>>> {
        &self.orders
    }

    /// The order a house list's ordering walks (newest first, by cost, by
    /// area), and whether from the end: `orderby` 2 and 4 are 1 and 3
    /// reversed, and share their remembered order.
    pub fn ascending(orderby: i64) -> (i64, bool) {
        match orderby {
            1 | 2 => (1, orderby == 2),
            3 | 4 => (2, orderby == 4),
            _ => (0, false),
        }
    }

    /// The remembered pages of house lists.
    pub fn pages(&self) -> &Cache<Page> {
        &self.pages
    }

    /// The key of a house list's remembered order.
    pub fn order_key(query: &ListQuery) -> String {
        format!(
            "{}|{}",
            query.filter_key(),
            Lists::ascending(query.orderby).0
        )
    }

    /// The copy of the houses as they are now, if there is one.
    pub fn current(&self, app: &SharedApp) -> Option<Arc<Snapshot>> {
        self.snapshot.get(&app.db, "")
    }

    /// Starts building a copy of the houses unless one is being built.
    pub fn refresh(&self, app: &SharedApp) {
        self.snapshot
            .fill_in_background(&app.db, String::new(), |conn| {
                Snapshot::build(conn).map(Arc::new)
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domains::rental::store;

    /// The copy finds exactly the houses SQLite finds, in the same order,
    /// over many filters and every ordering.
    #[test]
    fn the_copy_orders_what_sqlite_orders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("counts.db");
        let districts = [
            "北京市海淀区",
            "北京市朝阳区",
            "山东省青岛市崂山区",
            "上海浦东新区",
        ];
        crate::db::write_for_cli(&path, |tx| {
            tx.execute(
                "INSERT INTO rental_users (username, password_hash, name, id_type, id_number, phone, register_city, created_at)
                 VALUES ('o', 'x', 'n', 't', '1', '1', 'c', 0)",
                [],
            )?;
            for n in 0..400i64 {
                tx.execute(
                    "INSERT INTO rental_houses (owner_id, name, district, community, unit, type, house_type, area, floor,
                         elevator, description, deposit, pay_method, cost, state, created_at, modified_at)
                     VALUES (1, 'h', ?1, 'c', 'u', 't', ?2, ?3, ?4, ?5, '', 0, '月', ?6, ?7, 0, 0)",
                    rusqlite::params![
                        districts[(n % 4) as usize],
                        n % 4 + 1,
                        (n * 37 % 200) * 100,
                        n * 7 % 30,
                        n % 3 == 0,
                        (n * 53 % 100) * 10_000,
                        if n % 9 == 0 { "已租" } else { "待租" },
                    ],
                )?;
            }
            Ok::<_, crate::error::Error>(())
        })
        .unwrap();
        let conn = Connection::open(&path).unwrap();
        let snapshot = Snapshot::build(&conn).unwrap();
        assert_eq!(snapshot.rows.len(), 355, "the 400 houses less the 45 let");
        let mut checked = 0;
        for district in [None, Some("北京"), Some("崂山"), Some("无此地")] {
            for house_type in 0..=4 {
                for elevator in 0..=2 {
                    for (price, area, floor) in [
                        ((None, None), (None, None), (None, None)),
                        (
                            (Some(200_000), Some(600_000)),
                            (None, Some(10_000)),
                            (Some(3), None),
                        ),
                        (
                            (Some(0), Some(0)),
                            (Some(5_000), Some(5_000)),
                            (Some(7), Some(7)),
                        ),
                    ] {
                        for orderby in 0..=4 {
                            let query = ListQuery {
                                district: district.map(str::to_string),
                                floor,
                                price,
                                area,
                                house_type,
                                elevator,
                                orderby,
                                page_size: 1_000,
                                ..ListQuery::default()
                            };
                            let total = store::list_total(&conn, Table::Houses, &query).unwrap();
                            let sql: Vec<i64> = store::list_page(&conn, Table::Houses, &query)
                                .unwrap()
                                .iter()
                                .map(|s| s.id)
                                .collect();
                            let mut order = snapshot.order(&query);
                            if Lists::ascending(orderby).1 {
                                order.reverse();
                            }
                            assert_eq!(order, sql, "{query:?}");
                            assert_eq!(order.len() as i64, total, "{query:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 5 * 3 * 3 * 5);
    }
}
