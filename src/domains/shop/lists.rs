//! Remembered product lists. The first pages of the lists are what every
//! visitor asks for; pages (rows and count) and per-filter counts are kept
//! until the products table changes (an add, an update, a delete or a
//! sale), which the database's write generations tell without any handler
//! saying so.

use std::sync::Arc;

use super::model::Product;
use super::store::PRODUCTS;
use crate::cache::Cache;

/// A page as it was read: the list's count and the page's rows.
pub type Page = (i64, Arc<Vec<Product>>);

/// The remembered lists of products.
pub struct Lists {
    /// Pages by filter, ordering and number.
    pub pages: Cache<Page>,
    /// Counts by filter.
    pub counts: Cache<i64>,
}

impl Default for Lists {
    fn default() -> Self {
        Lists {
            pages: Cache::new(&[PRODUCTS], 1_000),
            counts: Cache::new(&[PRODUCTS], 10_000),
        }
    }
}
