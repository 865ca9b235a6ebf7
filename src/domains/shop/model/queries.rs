//! List queries: the orderings, filters and pages of product lists.

use super::*;

/// How a product list is ordered (`?ordering=`); each has an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    Oldest,
    Newest,
    Cheapest,
    Dearest,
}

impl Ordering {
    pub fn parse(text: Option<&str>) -> Result<Ordering, Error> {
        match text.map(str::trim) {
            None | Some("" | "id" | "create_date") => Ok(Ordering::Oldest),
            Some("-id" | "-create_date") => Ok(Ordering::Newest),
            Some("price") => Ok(Ordering::Cheapest),
            Some("-price") => Ok(Ordering::Dearest),
            Some(_) => Err(shop_error(
                "ordering 可取 id、-id、create_date、-create_date、price、-price",
            )),
        }
    }

    /// The ORDER BY clause.
    pub fn sql(self) -> &'static str {
        match self {
            Ordering::Oldest => "id",
            Ordering::Newest => "id DESC",
            Ordering::Cheapest => "price, id",
            Ordering::Dearest => "price DESC, id DESC",
        }
    }

    /// The ascending ordering this one walks, and whether it walks it from
    /// the end: each ordering and its reverse share one remembered order.
    pub fn ascending(self) -> (Ordering, bool) {
        match self {
            Ordering::Oldest => (Ordering::Oldest, false),
            Ordering::Newest => (Ordering::Oldest, true),
            Ordering::Cheapest => (Ordering::Cheapest, false),
            Ordering::Dearest => (Ordering::Cheapest, true),
        }
    }
}

/// Which products a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub shop_id: Option<i64>,
    /// Only this category's.
    pub category: Option<i64>,
    /// Matched anywhere in the name or description.
    pub q: Option<String>,
}

impl ProductFilter {
    /// A key for remembered totals.
    pub fn key(&self) -> String {
        format!(
            "{:?}|{:?}|{}",
            self.shop_id,
            self.category,
            self.q.as_deref().unwrap_or("")
        )
    }
}

/// `?page=`: 1-based, 1 when left out.
pub fn page_number(page: Option<i64>) -> Result<i64, Error> {
    match page {
        None => Ok(1),
        Some(page) if page >= 1 => Ok(page),
        _ => Err(shop_error("page 应为正整数")),
    }
}
