//! Products.

use super::*;
use crate::db::CachedSql;
use crate::db::Write;

const PRODUCT_COLUMNS: &str = "id, shop_id, name, description, price, stock_quantity, status, image_id, created_us, category_id";

fn product_from(row: &Row<'_>) -> rusqlite::Result<Product> {
    product_at(row, 0)
}

/// A product read from [`PRODUCT_COLUMNS`] in that order, the first at
/// column `first` (a join puts other columns before it).
pub(super) fn product_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Product> {
    Ok(Product {
        id: row.get(first)?,
        shop_id: row.get(first + 1)?,
        name: row.get(first + 2)?,
        description: row.get(first + 3)?,
        price: row.get(first + 4)?,
        stock_quantity: row.get(first + 5)?,
        status: row.get(first + 6)?,
        image_id: row.get(first + 7)?,
        created_us: row.get(first + 8)?,
        category_id: row.get(first + 9)?,
    })
}

pub fn product_by_id(conn: &Connection, id: i64) -> Result<Option<Product>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM shop_products WHERE id = ?1"
        ))?
        .query_row([id], product_from)
        .optional()?)
}

/// A product of shop `shop_id`, or 404.
pub fn product_in_shop(conn: &Connection, shop_id: i64, id: i64) -> Result<Product, Error> {
    product_by_id(conn, id)?
        .filter(|p| p.shop_id == shop_id)
        .ok_or_else(|| Error::NotFound(format!("商铺 {shop_id} 没有 id 为 {id} 的商品")))
}

/// The fields of a product a seller sets.
pub struct ProductFields {
    pub name: String,
    pub description: String,
    pub price: i64,
    pub stock_quantity: i64,
    /// Taken off sale by the seller.
    pub off_sale: bool,
    pub image_id: Option<i64>,
    /// One of [`crate::domains::shop::model::CATEGORIES`], 1-based.
    pub category_id: Option<i64>,
}

pub fn insert_product(
    conn: &Connection,
    shop_id: i64,
    fields: &ProductFields,
    now_us: i64,
) -> Result<i64, Error> {
    conn.execute_cached(
        "INSERT INTO shop_products (shop_id, name, description, price, stock_quantity, status, image_id, created_us, category_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            shop_id,
            fields.name,
            fields.description,
            fields.price,
            fields.stock_quantity,
            status_for(fields.stock_quantity, fields.off_sale),
            fields.image_id,
            now_us,
            fields.category_id
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update_product(write: &Write, id: i64, fields: &ProductFields) -> Result<(), Error> {
    write.execute_cached(
        "UPDATE shop_products SET name = ?2, description = ?3, price = ?4, stock_quantity = ?5, status = ?6, image_id = ?7,
             category_id = ?8
         WHERE id = ?1",
        params![
            id,
            fields.name,
            fields.description,
            fields.price,
            fields.stock_quantity,
            status_for(fields.stock_quantity, fields.off_sale),
            fields.image_id,
            fields.category_id
        ],
    )?;
    tell_product(write, id)
}

/// Tells everyone a product's stock and status, once the write commits (a
/// busy product's at most every [`events::COALESCE`], the latest always).
pub fn tell_product(write: &Write, id: i64) -> Result<(), Error> {
    if let Some(product) = product_by_id(write, id)? {
        let news = ProductNews {
            id: product.id,
            shop: product.shop_id,
            stock_quantity: product.stock_quantity,
            status: &product.status,
        };
        events::stage_state(write, DOMAIN, "product", id, &news, Audience::Everyone);
    }
    Ok(())
}

/// Whether a stored product was taken off sale by its seller.
pub fn is_off_sale(product: &Product) -> bool {
    product.status == UNAVAILABLE
}

pub fn delete_product(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.execute_cached("DELETE FROM shop_products WHERE id = ?1", [id])?;
    Ok(())
}

/// The WHERE clause and its values for a product list.
fn product_condition(filter: &ProductFilter) -> (String, Vec<Sql>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    if let Some(shop_id) = filter.shop_id {
        values.push(Sql::Integer(shop_id));
        clauses.push(format!("shop_id = ?{}", values.len()));
    }
    if let Some(category) = filter.category {
        values.push(Sql::Integer(category));
        clauses.push(format!("category_id = ?{}", values.len()));
    }
    if let Some(q) = &filter.q {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        values.push(Sql::Text(format!("%{escaped}%")));
        let n = values.len();
        clauses.push(format!(
            "(name LIKE ?{n} ESCAPE '\\' OR description LIKE ?{n} ESCAPE '\\')"
        ));
    }
    let condition = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (condition, values)
}

/// Every id of a list, in an ascending ordering: the remembered order a
/// far page is cut from, where OFFSET would walk the index to it.
pub fn product_order(
    conn: &Connection,
    filter: &ProductFilter,
    ordering: Ordering,
) -> crate::error::Result<Vec<i64>> {
    let (condition, values) = product_condition(filter);
    let order = ordering.sql();
    Ok(conn
        .prepare(&format!(
            "SELECT id FROM shop_products {condition} ORDER BY {order}"
        ))?
        .query_map(params_from_iter(values), |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?)
}

/// The products of `ids`, in that order (an id deleted since is left out).
pub fn products_by_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<Product>, Error> {
    let list = format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let mut found: std::collections::HashMap<i64, Product> = conn
        .prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM shop_products WHERE id IN (SELECT value FROM json_each(?1))"
        ))?
        .query_map([list], product_from)?
        .map(|p| p.map(|p| (p.id, p)))
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// How many products a list shows.
pub fn count_products(conn: &Connection, filter: &ProductFilter) -> Result<i64, Error> {
    let (condition, values) = product_condition(filter);
    Ok(conn
        .prepare_cached(&format!("SELECT count(*) FROM shop_products {condition}"))?
        .query_row(params_from_iter(values), |row| row.get(0))?)
}

/// One page of a product list. The page's ids are found by walking an
/// index that holds only the ordering (so a far page skips index entries,
/// not rows); then just those rows are read.
pub fn product_page(
    conn: &Connection,
    filter: &ProductFilter,
    ordering: Ordering,
    offset: i64,
    limit: i64,
) -> Result<Vec<Product>, Error> {
    let (condition, mut values) = product_condition(filter);
    values.push(Sql::Integer(limit));
    values.push(Sql::Integer(offset));
    let n = values.len();
    let order = ordering.sql();
    let sql = format!(
        "WITH page AS (SELECT id FROM shop_products {condition} ORDER BY {order} LIMIT ?{} OFFSET ?{n})
         SELECT {PRODUCT_COLUMNS} FROM shop_products WHERE id IN (SELECT id FROM page) ORDER BY {order}",
        n - 1
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values), product_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The categories a shop's products are in, in the list's order.
pub fn shop_categories(conn: &Connection, shop_id: i64) -> Result<Vec<i64>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT DISTINCT category_id FROM shop_products
             WHERE shop_id = ?1 AND category_id IS NOT NULL ORDER BY category_id",
        )?
        .query_map([shop_id], |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?)
}
