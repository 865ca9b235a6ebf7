//! Answers remembered until a table they were read from changes.
//!
//! A cache names the tables its values are read from. Its stamp is the sum
//! of those tables' write generations ([`crate::db::Generations`]), which
//! every committed write that changes one of them bumps, so no handler has
//! to remember to forget: a value stored under an older stamp is never
//! handed out again. A minute is the limit either way, a safety net for
//! writes from outside the server (a second process on the same file).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::Db;

const MAX_AGE: Duration = Duration::from_secs(60);

/// The state of a cache's tables when a value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp(u64);

struct Entry<V> {
    stamp: Stamp,
    at: Instant,
    value: V,
}

struct State<V> {
    newest: Stamp,
    entries: HashMap<String, Entry<V>>,
}

/// Values keyed by text, valid while their tables are unchanged.
pub struct Cache<V> {
    tables: &'static [&'static str],
    /// Only inserts and deletes count as changes.
    rows_only: bool,
    max_entries: usize,
    state: Mutex<State<V>>,
}

impl<V: Clone> Cache<V> {
    /// A cache of values read from `tables`, holding at most `max_entries`.
    pub fn new(tables: &'static [&'static str], max_entries: usize) -> Self {
        Self::build(tables, max_entries, false)
    }

    /// A cache of values that depend only on which rows of `tables` exist,
    /// not on what an update changes in them: counts filtered by columns
    /// that never change (a product's shop), kept across sales.
    pub fn rows_only(tables: &'static [&'static str], max_entries: usize) -> Self {
        Self::build(tables, max_entries, true)
    }

    fn build(tables: &'static [&'static str], max_entries: usize, rows_only: bool) -> Self {
        Cache {
            tables,
            rows_only,
            max_entries,
            state: Mutex::new(State {
                newest: Stamp(0),
                entries: HashMap::new(),
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State<V>) -> T) -> T {
        match self.state.lock() {
            Ok(mut state) => f(&mut state),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The tables' state now: take it before reading, hand it to `put`.
    pub fn stamp(&self, db: &Db) -> Stamp {
        let generations = db.generations();
        let of = |table: &str| match self.rows_only {
            true => generations.rows_of(table),
            false => generations.of(table),
        };
        Stamp(self.tables.iter().map(|t| of(t)).sum())
    }

    /// The value remembered for `key`, if its tables have not changed since.
    pub fn get(&self, db: &Db, key: &str) -> Option<V> {
        let stamp = self.stamp(db);
        self.with(|s| match s.entries.get(key) {
            Some(entry) if entry.stamp == stamp && entry.at.elapsed() < MAX_AGE => {
                Some(entry.value.clone())
            }
            _ => None,
        })
    }

    /// Remembers a value read at `stamp`. A value read before a write that
    /// has since committed is kept only until `get` compares stamps, so it
    /// is never handed out.
    pub fn put(&self, key: String, stamp: Stamp, value: V) {
        self.with(|s| {
            if stamp < s.newest {
                return;
            }
            if stamp > s.newest {
                // Every entry is older than a committed write.
                s.newest = stamp;
                s.entries.clear();
            }
            if s.entries.len() >= self.max_entries {
                s.entries.clear();
            }
            s.entries.insert(
                key,
                Entry {
                    stamp,
                    at: Instant::now(),
                    value,
                },
            );
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Synchronous;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("cache.db"), Synchronous::Normal).unwrap();
        db.write(|tx| {
            tx.execute_batch("CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER);")?;
            Ok::<_, crate::error::Error>(())
        })
        .await
        .unwrap();
        (dir, db)
    }

    async fn insert(db: &Db, table: &'static str) -> crate::error::Result<()> {
        db.write(move |tx| {
            tx.execute(&format!("INSERT INTO {table} (x) VALUES (1)"), [])?;
            Ok(())
        })
        .await
    }

    #[tokio::test]
    async fn a_commit_to_a_table_forgets_what_was_read_from_it_only() {
        let (_dir, db) = db().await;
        let on_a: Cache<i64> = Cache::new(&["a"], 10);
        let on_b: Cache<i64> = Cache::new(&["b"], 10);
        on_a.put("k".into(), on_a.stamp(&db), 5);
        on_b.put("k".into(), on_b.stamp(&db), 7);
        assert_eq!(on_a.get(&db, "k"), Some(5));
        insert(&db, "a").await.unwrap();
        assert_eq!(on_a.get(&db, "k"), None, "a write to a forgets a's values");
        assert_eq!(on_b.get(&db, "k"), Some(7), "and keeps b's");
    }

    #[tokio::test]
    async fn a_value_read_before_a_commit_is_never_handed_out() {
        let (_dir, db) = db().await;
        let cache: Cache<i64> = Cache::new(&["a", "b"], 10);
        let before = cache.stamp(&db);
        insert(&db, "b").await.unwrap();
        cache.put("k".into(), before, 9);
        assert_eq!(cache.get(&db, "k"), None);
    }

    #[tokio::test]
    async fn a_rows_only_cache_keeps_its_values_across_updates() {
        let (_dir, db) = db().await;
        let counts: Cache<i64> = Cache::rows_only(&["a"], 10);
        let rows: Cache<i64> = Cache::new(&["a"], 10);
        insert(&db, "a").await.unwrap();
        counts.put("k".into(), counts.stamp(&db), 1);
        rows.put("k".into(), rows.stamp(&db), 1);
        db.write(|tx| {
            tx.execute("UPDATE a SET x = 2", [])?;
            Ok::<_, crate::error::Error>(())
        })
        .await
        .unwrap();
        assert_eq!(counts.get(&db, "k"), Some(1), "an update keeps the count");
        assert_eq!(rows.get(&db, "k"), None, "and forgets the rows");
        db.write(|tx| {
            tx.execute("DELETE FROM a WHERE x = 2", [])?;
            Ok::<_, crate::error::Error>(())
        })
        .await
        .unwrap();
        assert_eq!(counts.get(&db, "k"), None, "a delete forgets the count");
    }

    #[tokio::test]
    async fn a_rolled_back_write_changes_nothing() {
        let (_dir, db) = db().await;
        let cache: Cache<i64> = Cache::new(&["a"], 10);
        cache.put("k".into(), cache.stamp(&db), 3);
        let failed = db
            .write(|tx| {
                tx.execute("INSERT INTO a (x) VALUES (1)", [])?;
                Err::<(), _>(crate::error::Error::Other("refused".into()))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(cache.get(&db, "k"), Some(3));
    }
}
