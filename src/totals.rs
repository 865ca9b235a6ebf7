//! Remembered list totals. A filtered list that reports `total` would
//! otherwise count every matching row on every page; here the count is kept
//! per (table, filter) until a write to that table changes its generation,
//! or a minute passes (a safety net for writes from outside the server).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_AGE: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
struct State {
    generations: HashMap<&'static str, u64>,
    entries: HashMap<(&'static str, String), (u64, Instant, i64)>,
}

/// The totals of every domain's lists.
#[derive(Default)]
pub struct Totals {
    state: Mutex<State>,
}

impl Totals {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        match self.state.lock() {
            Ok(mut state) => f(&mut state),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The table's generation; read it before counting, hand it to `put`.
    pub fn generation(&self, table: &'static str) -> u64 {
        self.with(|s| s.generations.get(table).copied().unwrap_or(0))
    }

    /// A remembered total still valid for the table's current generation.
    pub fn get(&self, table: &'static str, filter: &str) -> Option<i64> {
        self.with(|s| {
            let generation = s.generations.get(table).copied().unwrap_or(0);
            match s.entries.get(&(table, filter.to_string())) {
                Some((g, at, total)) if *g == generation && at.elapsed() < MAX_AGE => Some(*total),
                _ => None,
            }
        })
    }

    /// Remembers a total counted at `generation` (ignored if a write came
    /// in between, since its generation is then stale).
    pub fn put(&self, table: &'static str, filter: String, generation: u64, total: i64) {
        self.with(|s| {
            if s.entries.len() >= MAX_ENTRIES {
                s.entries.clear();
            }
            s.entries
                .insert((table, filter), (generation, Instant::now(), total));
        })
    }

    /// Forgets every total of a table (call after a committed write to it).
    pub fn changed(&self, table: &'static str) {
        self.with(|s| *s.generations.entry(table).or_insert(0) += 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_forgets_the_totals_of_its_table_only() {
        let totals = Totals::default();
        let g = totals.generation("a");
        totals.put("a", "x".into(), g, 5);
        totals.put("b", "x".into(), totals.generation("b"), 7);
        assert_eq!(totals.get("a", "x"), Some(5));
        totals.changed("a");
        assert_eq!(totals.get("a", "x"), None);
        assert_eq!(totals.get("b", "x"), Some(7));
        // A count that raced with a write is not believed.
        totals.put("a", "y".into(), g, 9);
        assert_eq!(totals.get("a", "y"), None);
    }
}
