//! Remembered product pages. The first pages of the lists are what every
//! visitor asks for; they are kept (rows and count) until any product
//! changes: an add, an update, a delete or a sale bumps the generation and
//! every page is read again. A minute is the limit either way, a safety net
//! for writes from outside the server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::model::Product;

const MAX_AGE: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 1_000;

/// A page as it was read: the list's count and the page's rows.
pub type Page = (i64, Arc<Vec<Product>>);

#[derive(Default)]
struct State {
    generation: u64,
    entries: HashMap<String, (u64, Instant, Page)>,
}

/// The product pages read since the last change.
#[derive(Default)]
pub struct PageCache {
    state: Mutex<State>,
}

impl PageCache {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        match self.state.lock() {
            Ok(mut state) => f(&mut state),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The generation to hand to `put` (read it before reading the page).
    pub fn generation(&self) -> u64 {
        self.with(|s| s.generation)
    }

    /// A page read since the last change, if any.
    pub fn get(&self, key: &str) -> Option<Page> {
        self.with(|s| match s.entries.get(key) {
            Some((g, at, page)) if *g == s.generation && at.elapsed() < MAX_AGE => {
                Some(page.clone())
            }
            _ => None,
        })
    }

    /// Remembers a page read at `generation` (dropped if a change came in
    /// between).
    pub fn put(&self, key: String, generation: u64, page: Page) {
        self.with(|s| {
            if generation != s.generation {
                return;
            }
            if s.entries.len() >= MAX_ENTRIES {
                s.entries.clear();
            }
            s.entries.insert(key, (generation, Instant::now(), page));
        })
    }

    /// Forgets every page (call after a committed change to any product).
    pub fn changed(&self) {
        self.with(|s| {
            s.generation += 1;
            s.entries.clear();
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_forgets_pages_and_refuses_stale_ones() {
        let cache = PageCache::default();
        let g = cache.generation();
        cache.put("a".into(), g, (3, Arc::new(Vec::new())));
        assert_eq!(cache.get("a").map(|p| p.0), Some(3));
        cache.changed();
        assert!(cache.get("a").is_none());
        // Read before the change, stored after it: not kept.
        cache.put("a".into(), g, (3, Arc::new(Vec::new())));
        assert!(cache.get("a").is_none());
    }
}
