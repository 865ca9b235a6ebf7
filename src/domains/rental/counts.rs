//! Totals of house lists from a copy of the filtered columns held in memory.
//! Counting a wide search in SQLite reads every matching index entry (about
//! 5–10 ms over 100,000 houses); the copy answers in well under a
//! millisecond. It belongs to one generation of the houses table: after a
//! write, totals come from SQLite while a new copy is built in the
//! background, so a write never waits for it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::envelope::Error;
use super::model::{ListQuery, TO_LET};
use crate::app::SharedApp;

/// The filtered columns of one house to let.
struct Row {
    cost: i64,
    area: i64,
    floor: i64,
    house_type: i64,
    elevator: bool,
    district: u32,
}

/// Every house to let at one generation of the table.
pub struct Snapshot {
    generation: u64,
    districts: Vec<String>,
    rows: Vec<Row>,
}

fn within(value: i64, (low, high): (Option<i64>, Option<i64>)) -> bool {
    low.is_none_or(|l| value >= l) && high.is_none_or(|h| value <= h)
}

impl Snapshot {
    /// Reads the houses to let (one statement, so one consistent view).
    fn build(conn: &Connection, generation: u64) -> Result<Snapshot, Error> {
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
        Ok(Snapshot {
            generation,
            districts,
            rows,
        })
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

/// The current copy, and whether a new one is being built.
#[derive(Default)]
pub struct HouseCounts {
    snapshot: Mutex<Option<Arc<Snapshot>>>,
    building: AtomicBool,
}

impl HouseCounts {
    /// The copy for `generation`, if there is one.
    pub fn current(&self, generation: u64) -> Option<Arc<Snapshot>> {
        let guard = match self.snapshot.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard
            .as_ref()
            .filter(|s| s.generation == generation)
            .cloned()
    }

    /// Starts building a copy for `generation` unless one is being built.
    pub fn refresh(self: &Arc<Self>, app: &SharedApp, generation: u64) {
        if self.building.swap(true, Ordering::AcqRel) {
            return;
        }
        let (counts, db) = (self.clone(), app.db.clone());
        tokio::spawn(async move {
            match db.read(move |conn| Snapshot::build(conn, generation)).await {
                Ok(snapshot) => {
                    let mut guard = match counts.snapshot.lock() {
                        Ok(guard) => guard,
                        Err(poisoned) => poisoned.into_inner(),
                    };
                    *guard = Some(Arc::new(snapshot));
                }
                Err(e) => tracing::warn!("rental: copying house filters: {e}"),
            }
            counts.building.store(false, Ordering::Release);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domains::rental::store::{self, Table};

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
        let snapshot = Snapshot::build(&conn, 0).unwrap();
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
