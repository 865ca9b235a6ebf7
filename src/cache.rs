//! Answers remembered until a table they were read from changes.
//!
//! A cache names the tables its values are read from. Its stamp is the sum
//! of those tables' write generations ([`crate::db::Generations`]), which
//! every committed write that changes one of them bumps, so no handler has
//! to remember to forget: a value stored under an older stamp is never
//! handed out again. A minute is the limit either way, a safety net for
//! writes from outside the server (a second process on the same file).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::Connection;

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

/// A change to one table that makes a remembered value stale.
#[derive(Debug, Clone, Copy)]
pub enum Dep {
    /// Any committed change.
    Any(&'static str),
    /// Only inserts and deletes: the value depends on which rows exist,
    /// and on columns an update never changes.
    Rows(&'static str),
}

/// Values keyed by text, valid while their tables are unchanged.
pub struct Cache<V> {
    deps: Vec<Dep>,
    max_entries: usize,
    state: Mutex<State<V>>,
    /// Keys whose values are being read in the background.
    filling: Mutex<HashSet<String>>,
}

impl<V: Clone> Cache<V> {
    /// A cache of values read from `tables`, holding at most `max_entries`.
    pub fn new(tables: &'static [&'static str], max_entries: usize) -> Self {
        Self::on(tables.iter().map(|t| Dep::Any(t)), max_entries)
    }

    /// A cache of values that depend only on which rows of `tables` exist,
    /// not on what an update changes in them: counts filtered by columns
    /// that never change (a product's shop), kept across sales.
    pub fn rows_only(tables: &'static [&'static str], max_entries: usize) -> Self {
        Self::on(tables.iter().map(|t| Dep::Rows(t)), max_entries)
    }

    /// A cache of values that go stale on the changes `deps` name.
    pub fn on(deps: impl IntoIterator<Item = Dep>, max_entries: usize) -> Self {
        Cache {
            deps: deps.into_iter().collect(),
            max_entries,
            state: Mutex::new(State {
                newest: Stamp(0),
                entries: HashMap::new(),
            }),
            filling: Mutex::new(HashSet::new()),
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
        Stamp(
            self.deps
                .iter()
                .map(|dep| match *dep {
                    Dep::Any(table) => generations.of(table),
                    Dep::Rows(table) => generations.rows_of(table),
                })
                .sum(),
        )
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

impl<V: Clone + Send + 'static> Cache<V> {
    /// Reads the value of `key` on a reader, off the request, unless it is
    /// being read already: for values too costly to read while a client
    /// waits (the order of a million rows), which requests do without
    /// until it is remembered.
    pub fn fill_in_background<F>(self: &Arc<Self>, db: &Db, key: String, read: F)
    where
        F: FnOnce(&Connection) -> crate::error::Result<V> + Send + 'static,
    {
        let claimed = match self.filling.lock() {
            Ok(mut filling) => filling.insert(key.clone()),
            Err(poisoned) => poisoned.into_inner().insert(key.clone()),
        };
        if !claimed {
            return;
        }
        let (cache, db) = (self.clone(), db.clone());
        tokio::spawn(async move {
            let stamp = cache.stamp(&db);
            match db.read(read).await {
                Ok(value) => cache.put(key.clone(), stamp, value),
                Err(e) => tracing::warn!("reading {key} in the background: {e}"),
            }
            match cache.filling.lock() {
                Ok(mut filling) => filling.remove(&key),
                Err(poisoned) => poisoned.into_inner().remove(&key),
            };
        });
    }
}

/// The ids of one page of a list whose whole order is remembered
/// ascending: `size` from `offset`, read from the end when the list is in
/// the reverse order (an ordering and its reverse share one remembered
/// order).
pub fn page_of(order: &[i64], offset: i64, size: i64, backwards: bool) -> Vec<i64> {
    let start = usize::try_from(offset).unwrap_or(0).min(order.len());
    let end = start
        .saturating_add(usize::try_from(size).unwrap_or(0))
        .min(order.len());
    match backwards {
        false => order[start..end].to_vec(),
        true => order[order.len() - end..order.len() - start]
            .iter()
            .rev()
            .copied()
            .collect(),
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

    #[test]
    fn a_page_is_cut_from_either_end() {
        let order = [1, 2, 3, 4, 5];
        assert_eq!(page_of(&order, 0, 2, false), [1, 2]);
        assert_eq!(page_of(&order, 4, 2, false), [5]);
        assert_eq!(page_of(&order, 0, 2, true), [5, 4]);
        assert_eq!(page_of(&order, 4, 2, true), [1]);
        assert!(page_of(&order, 5, 2, true).is_empty());
        assert!(page_of(&order, i64::MAX, i64::MAX, false).is_empty());
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
