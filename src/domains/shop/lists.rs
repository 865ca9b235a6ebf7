//! Remembered product lists. The first pages of the lists are what every
//! visitor asks for; pages (rows and count) are kept until the products
//! table changes (an add, an update, a delete or a sale), and counts until
//! a change that can move them. The database's write generations tell
//! without any handler saying so.

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
    /// Counts of lists filtered by shop only (a product never moves):
    /// they change when products are added or deleted, not when one sells.
    pub counts: Cache<i64>,
    /// Counts of `q=` searches, which a renamed product changes too.
    pub searched_counts: Cache<i64>,
}

impl Lists {
    /// The remembered counts that fit a filter.
    pub fn counts_for(&self, filter: &super::model::ProductFilter) -> &Cache<i64> {
        match filter.q {
            None => &self.counts,
            Some(_) => &self.searched_counts,
        }
    }
}

impl Default for Lists {
    fn default() -> Self {
        Lists {
            pages: Cache::new(&[PRODUCTS], 1_000),
            counts: Cache::rows_only(&[PRODUCTS], 10_000),
            searched_counts: Cache::new(&[PRODUCTS], 10_000),
        }
    }
}
