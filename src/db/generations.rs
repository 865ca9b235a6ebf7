//! Per-table write generations, bumped by the writer after each commit.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};

/// How many committed writes changed each table since the server started:
/// any change, and changes to which rows exist (inserts and deletes).
#[derive(Default)]
pub struct Generations {
    counts: RwLock<HashMap<String, (u64, u64)>>,
}

impl Generations {
    fn read(&self, table: &str) -> (u64, u64) {
        let counts = match self.counts.read() {
            Ok(counts) => counts,
            Err(poisoned) => poisoned.into_inner(),
        };
        counts.get(table).copied().unwrap_or((0, 0))
    }

    /// The table's generation: it grows with every commit that changed it.
    pub fn of(&self, table: &str) -> u64 {
        self.read(table).0
    }

    /// It grows with every commit that inserted or deleted rows of the
    /// table (not one that only updated rows).
    pub fn rows_of(&self, table: &str) -> u64 {
        self.read(table).1
    }

    pub(super) fn bump(&self, touched: &Changes) {
        let mut counts = match self.counts.write() {
            Ok(counts) => counts,
            Err(poisoned) => poisoned.into_inner(),
        };
        for table in &touched.changed {
            let entry = counts.entry(table.clone()).or_insert((0, 0));
            entry.0 += 1;
            if touched.rows_changed.contains(table) {
                entry.1 += 1;
            }
        }
    }
}

/// What the transaction in progress changed: every table, and the tables
/// that gained or lost rows.
#[derive(Default)]
pub(super) struct Changes {
    pub(super) changed: BTreeSet<String>,
    pub(super) rows_changed: BTreeSet<String>,
}

impl Changes {
    pub(super) fn is_empty(&self) -> bool {
        self.changed.is_empty()
    }
}

/// Tables the transaction in progress has changed, filled by the hook.
pub(super) type Touched = Arc<Mutex<Changes>>;

pub(super) fn take_touched(touched: &Touched) -> Changes {
    match touched.lock() {
        Ok(mut set) => std::mem::take(&mut *set),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    }
}
