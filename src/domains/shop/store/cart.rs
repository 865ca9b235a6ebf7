//! Carts: what a customer means to buy, one line per product.

use super::*;
use crate::db::CachedSql;

/// The most of one product a cart holds.
pub const MOST_IN_CART: i64 = 1000;

/// A line of a cart with its product.
pub struct CartLine {
    pub item_id: i64,
    pub quantity: i64,
    pub updated_us: i64,
    pub product: Product,
    pub shop_name: String,
}

/// The line's own columns, then the product's in `PRODUCT_COLUMNS` order.
const LINE_SELECT: &str = "SELECT c.id, c.quantity, c.updated_us, s.name,
            p.id, p.shop_id, p.name, p.description, p.price, p.stock_quantity, p.status,
            p.image_id, p.created_us, p.category_id
     FROM shop_cart_items c
     JOIN shop_products p ON p.id = c.product_id
     JOIN shop_shops s ON s.id = p.shop_id";

fn line_from(row: &Row<'_>) -> rusqlite::Result<CartLine> {
    Ok(CartLine {
        item_id: row.get(0)?,
        quantity: row.get(1)?,
        updated_us: row.get(2)?,
        shop_name: row.get(3)?,
        product: product_at(row, 4)?,
    })
}

/// A customer's cart, by shop then by when each line was added.
pub fn cart(conn: &Connection, user_id: i64) -> Result<Vec<CartLine>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "{LINE_SELECT} WHERE c.user_id = ?1 ORDER BY p.shop_id, c.id"
        ))?
        .query_map([user_id], line_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// One line of the customer's cart, or 404 (someone else's is not theirs
/// to see).
pub fn cart_line(conn: &Connection, user_id: i64, item_id: i64) -> Result<CartLine, Error> {
    conn.prepare_cached(&format!("{LINE_SELECT} WHERE c.id = ?1 AND c.user_id = ?2"))?
        .query_row(params![item_id, user_id], line_from)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("购物车里没有 id 为 {item_id} 的商品")))
}

/// Puts `quantity` of a product on sale in the cart, adding to a line
/// already there; the line's id.
pub fn add_to_cart(
    conn: &Connection,
    user_id: i64,
    product_id: i64,
    quantity: i64,
    now_us: i64,
) -> Result<i64, Error> {
    let product = product_by_id(conn, product_id)?
        .ok_or_else(|| Error::NotFound(format!("没有 id 为 {product_id} 的商品")))?;
    if product.status == UNAVAILABLE {
        return Err(shop_error("商品已下架"));
    }
    let held: i64 = conn
        .prepare_cached(
            "SELECT quantity FROM shop_cart_items WHERE user_id = ?1 AND product_id = ?2",
        )?
        .query_row(params![user_id, product_id], |row| row.get(0))
        .optional()?
        .unwrap_or(0);
    if held + quantity > MOST_IN_CART {
        return Err(shop_error(format!(
            "购物车里一种商品最多 {MOST_IN_CART} 件"
        )));
    }
    conn.execute_cached(
        "INSERT INTO shop_cart_items (user_id, product_id, quantity, updated_us) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = quantity + excluded.quantity,
             updated_us = excluded.updated_us",
        params![user_id, product_id, quantity, now_us],
    )?;
    Ok(conn.query_row_cached(
        "SELECT id FROM shop_cart_items WHERE user_id = ?1 AND product_id = ?2",
        params![user_id, product_id],
        |row| row.get(0),
    )?)
}

/// Sets a line's quantity; 0 or less takes it out. Whether it stays.
pub fn set_cart_quantity(
    conn: &Connection,
    user_id: i64,
    item_id: i64,
    quantity: i64,
    now_us: i64,
) -> Result<bool, Error> {
    cart_line(conn, user_id, item_id)?;
    if quantity <= 0 {
        remove_from_cart(conn, user_id, item_id)?;
        return Ok(false);
    }
    conn.execute_cached(
        "UPDATE shop_cart_items SET quantity = ?2, updated_us = ?3 WHERE id = ?1",
        params![item_id, quantity, now_us],
    )?;
    Ok(true)
}

pub fn remove_from_cart(conn: &Connection, user_id: i64, item_id: i64) -> Result<(), Error> {
    cart_line(conn, user_id, item_id)?;
    conn.execute_cached("DELETE FROM shop_cart_items WHERE id = ?1", [item_id])?;
    Ok(())
}
