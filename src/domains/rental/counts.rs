//! Totals of house lists from a copy of the filtered columns held in memory.
//! Counting a wide search in SQLite reads every matching index entry (about
//! 5–10 ms over 100,000 houses); the copy answers in well under a
//! millisecond. It belongs to one state of the houses table: after a write
//! commits, totals come from SQLite while a new copy is built in the
//! background, so a write never waits for it. Totals already counted are
//! remembered per filter until their table changes.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::Connection;

use super::envelope::Error;
use super::model::{ListQuery, TO_LET};
use super::store::{DEMANDS, HOUSES, Table};
use crate::app::SharedApp;
use crate::cache::Cache;

/// The filtered columns of one house to let.
struct Row {
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
    rows: Vec<Row>,
}

fn within(value: i64, (low, high): (Option<i64>, Option<i64>)) -> bool {
    low.is_none_or(|l| value >= l) && high.is_none_or(|h| value <= h)
}

impl Snapshot {
    /// Reads the houses to let (one statement, so one consistent view).
    fn build(conn: &Connection) -> Result<Snapshot, Error> {
        let mut stmt = conn.prepare(
            "SELECT cost, area, floor, house_type, elevator, district
             FROM rental_houses INDEXED BY rental_houses_newest WHERE state = ?1",
        )?;
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut districts = Vec::new();
        let mut rows = Vec::new();
        let mut found = stmt.query([TO_LET])?;
        while let Some(row) = found.next()? {
            let name: String = row.get(5)?;
            let next = districts.len() as u32;
            let district = *names.entry(name.clone()).or_insert_with(|| {
                districts.push(name);
                next
            });
            rows.push(Row {
                cost: row.get(0)?,
                area: row.get(1)?,
                floor: row.get(2)?,
                house_type: row.get(3)?,
                elevator: row.get(4)?,
                district,
            });
        }
        Ok(Snapshot { districts, rows })
    }

    /// How many houses match the list's filters (the same tests as the SQL
    /// in `store::list_filter`).
    pub fn count(&self, query: &ListQuery) -> i64 {
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
        self.rows
            .iter()
            .filter(|r| {
                district_matches[r.district as usize]
                    && within(r.floor, query.floor)
                    && within(r.cost, query.price)
                    && within(r.area, query.area)
                    && (query.house_type == 0 || r.house_type == query.house_type)
                    && elevator.is_none_or(|e| r.elevator == e)
            })
            .count() as i64
    }
}

/// Remembered totals, the current copy, and whether a new one is being
/// built.
pub struct HouseCounts {
    houses: Cache<i64>,
    demands: Cache<i64>,
    snapshot: Cache<Arc<Snapshot>>,
    building: AtomicBool,
}

impl Default for HouseCounts {
    fn default() -> Self {
        HouseCounts {
            houses: Cache::new(&[HOUSES], 10_000),
            demands: Cache::new(&[DEMANDS], 10_000),
            snapshot: Cache::new(&[HOUSES], 1),
            building: AtomicBool::new(false),
        }
    }
}

impl HouseCounts {
    /// The remembered totals of a table's lists, by filter.
    pub fn totals(&self, table: Table) -> &Cache<i64> {
        match table {
            Table::Houses => &self.houses,
            Table::Demands => &self.demands,
        }
    }

    /// The copy of the houses as they are now, if there is one.
    pub fn current(&self, app: &SharedApp) -> Option<Arc<Snapshot>> {
        self.snapshot.get(&app.db, "")
    }

    /// Starts building a copy of the houses unless one is being built.
    pub fn refresh(self: &Arc<Self>, app: &SharedApp) {
        if self.building.swap(true, Ordering::AcqRel) {
            return;
        }
        let (counts, db) = (self.clone(), app.db.clone());
        tokio::spawn(async move {
            let stamp = counts.snapshot.stamp(&db);
            match db.read(Snapshot::build).await {
                Ok(snapshot) => counts
                    .snapshot
                    .put(String::new(), stamp, Arc::new(snapshot)),
                Err(e) => tracing::warn!("rental: copying house filters: {e}"),
            }
            counts.building.store(false, Ordering::Release);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domains::rental::store;

    /// The copy counts exactly what SQLite counts, over many filters.
    #[test]
    fn the_copy_counts_what_sqlite_counts() {
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
            Ok::<_, Error>(())
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
                        let query = ListQuery {
                            district: district.map(str::to_string),
                            floor,
                            price,
                            area,
                            house_type,
                            elevator,
                            ..ListQuery::default()
                        };
                        let sql = store::list_total(&conn, Table::Houses, &query).unwrap();
                        assert_eq!(snapshot.count(&query), sql, "{query:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 5 * 3 * 3);
    }
}
