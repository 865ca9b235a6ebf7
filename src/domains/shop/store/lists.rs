//! Remembered product lists. The first pages of the lists are what every
//! visitor asks for; pages (rows and count) are kept until the products
//! table changes (an add, an update, a delete or a sale), and counts until
//! a change that can move them. The database's write generations tell
//! without any handler saying so.
//!
//! Far pages are cut from a list's whole order (every id, in an ordering
//! and its reverse), read in the background the first time a far page is
//! asked for and kept across sales: OFFSET would walk the index to the
//! page, a million entries for the last page of a million products.

use std::sync::Arc;

use crate::cache::{Cache, Dep};
use crate::domains::shop::model::{Ordering, Product, ProductFilter};
use crate::domains::shop::store::{PRODUCT_MOVES, PRODUCTS};

/// A page starting this far into a list is cut from the list's order, once
/// it is remembered; nearer pages walk the index.
pub const FAR: i64 = 1_000;

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
    /// Every id of a list in an ascending ordering, by filter. Products
    /// added or deleted, or moved (price, name, description), forget them.
    pub orders: Arc<Cache<Arc<Vec<i64>>>>,
}

impl Lists {
    /// The remembered counts that fit a filter.
    pub fn counts_for(&self, filter: &crate::domains::shop::model::ProductFilter) -> &Cache<i64> {
        match filter.q {
            None => &self.counts,
            Some(_) => &self.searched_counts,
        }
    }

    /// The key of a list's remembered order.
    pub fn order_key(filter: &ProductFilter, ascending: Ordering) -> String {
        format!("{}|{ascending:?}", filter.key())
    }
}

impl Default for Lists {
    fn default() -> Self {
        Lists {
            pages: Cache::new(&[PRODUCTS], 1_000),
            counts: Cache::rows_only(&[PRODUCTS], 10_000),
            searched_counts: Cache::on([Dep::Rows(PRODUCTS), Dep::Any(PRODUCT_MOVES)], 10_000),
            // A million ids are 8 MB.
            orders: Arc::new(Cache::on(
                [Dep::Rows(PRODUCTS), Dep::Any(PRODUCT_MOVES)],
                32,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, Synchronous};

    async fn change(db: &Db, sql: &'static str) {
        db.write(move |tx| {
            tx.execute_batch(sql)?;
            Ok::<_, crate::error::Error>(())
        })
        .await
        .unwrap();
    }

    /// A sale keeps a remembered order; a new price, a new name, a new
    /// product or a deleted one forgets it.
    #[tokio::test]
    async fn an_order_outlives_sales_and_only_sales() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("lists.db"), Synchronous::Normal).unwrap();
        change(
            &db,
            "INSERT INTO shop_shops (name, created_us) VALUES ('s', 0);
             INSERT INTO shop_products (shop_id, name, price, stock_quantity, status, created_us)
             VALUES (1, 'a', 100, 5, 'Available', 0), (1, 'b', 200, 5, 'Available', 0);",
        )
        .await;
        let lists = Lists::default();
        let remember = || {
            let stamp = lists.orders.stamp(&db);
            lists.orders.put("k".into(), stamp, Arc::new(vec![1, 2]));
        };
        let remembered = || lists.orders.get(&db, "k").is_some();
        remember();
        change(
            &db,
            "UPDATE shop_products SET stock_quantity = 4 WHERE id = 1",
        )
        .await;
        change(&db, "UPDATE shop_products SET price = 100 WHERE id = 1").await;
        assert!(remembered(), "a sale, or the same price again, keeps it");
        for moved in [
            "UPDATE shop_products SET price = 300 WHERE id = 1",
            "UPDATE shop_products SET name = 'c' WHERE id = 2",
            "UPDATE shop_products SET description = 'd' WHERE id = 2",
            "INSERT INTO shop_products (shop_id, name, price, stock_quantity, status, created_us)
             VALUES (1, 'e', 1, 1, 'Available', 0)",
            "DELETE FROM shop_products WHERE id = 3",
        ] {
            remember();
            change(&db, moved).await;
            assert!(!remembered(), "{moved} forgets it");
        }
        let rows: i64 = db
            .read(|conn| {
                conn.query_row("SELECT count(*) FROM shop_product_moves", [], |r| r.get(0))
                    .map_err(crate::error::Error::from)
            })
            .await
            .unwrap();
        assert_eq!(rows, 1, "the trigger keeps one row");
    }
}
