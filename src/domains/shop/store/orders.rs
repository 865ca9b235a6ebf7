//! Orders.

use super::*;
use crate::db::CachedSql;
use crate::db::Write;

const ORDER_SELECT: &str = "SELECT o.id, o.shop_id, o.product_id, o.product_name, o.unit_price, o.quantity, o.total_price, o.status, o.created_us,
            u.id, u.email, u.name, u.phone, u.role, u.password_hash
     FROM shop_orders o JOIN shop_users u ON u.id = o.customer_id";

fn order_from(row: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: row.get(0)?,
        shop_id: row.get(1)?,
        product_id: row.get(2)?,
        product_name: row.get(3)?,
        unit_price: row.get(4)?,
        quantity: row.get(5)?,
        total_price: row.get(6)?,
        status: row.get(7)?,
        created_us: row.get(8)?,
        customer: User {
            id: row.get(9)?,
            email: row.get(10)?,
            name: row.get(11)?,
            phone: row.get(12)?,
            role: row.get(13)?,
            password_hash: row.get(14)?,
        },
    })
}

pub fn order_by_id(conn: &Connection, id: i64) -> Result<Option<Order>, Error> {
    Ok(conn
        .prepare_cached(&format!("{ORDER_SELECT} WHERE o.id = ?1"))?
        .query_row([id], order_from)
        .optional()?)
}

/// A customer's orders, or a shop's, newest first.
pub fn orders(
    conn: &Connection,
    customer: Option<i64>,
    shop: Option<i64>,
) -> Result<Vec<Order>, Error> {
    let (column, id) = match (customer, shop) {
        (Some(c), _) => ("o.customer_id", c),
        (None, Some(s)) => ("o.shop_id", s),
        (None, None) => return Ok(Vec::new()),
    };
    Ok(conn
        .prepare_cached(&format!(
            "{ORDER_SELECT} WHERE {column} = ?1 ORDER BY o.id DESC"
        ))?
        .query_map([id], order_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Buys `quantity` of a product: the stock is taken by one guarded UPDATE
/// (never below zero; `Sold Out` at zero) and the order records the price
/// paid. 404 for no such product, 300 when off sale or short of stock.
pub fn buy(
    write: &Write,
    customer_id: i64,
    product_id: i64,
    quantity: i64,
    now_us: i64,
) -> Result<Order, Error> {
    let product = product_by_id(write, product_id)?
        .ok_or_else(|| Error::NotFound(format!("没有 id 为 {product_id} 的商品")))?;
    if is_off_sale(&product) {
        return Err(shop_error("商品已下架"));
    }
    let taken = write
        .prepare_cached(
            "UPDATE shop_products
             SET stock_quantity = stock_quantity - ?2,
                 status = CASE WHEN stock_quantity - ?2 = 0 THEN 'Sold Out' ELSE status END
             WHERE id = ?1 AND stock_quantity >= ?2 AND status = 'Available'",
        )?
        .execute(params![product_id, quantity])?;
    if taken == 0 {
        return Err(shop_error(match product.stock_quantity {
            0 => "商品已售罄".to_string(),
            left => format!("库存不足：还剩 {left} 件"),
        }));
    }
    let total = product
        .price
        .checked_mul(quantity)
        .ok_or_else(|| shop_error("订单金额太大"))?;
    write.execute_cached(
        "INSERT INTO shop_orders (customer_id, shop_id, product_id, product_name, unit_price, quantity, total_price, created_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            customer_id,
            product.shop_id,
            product_id,
            product.name,
            product.price,
            quantity,
            total,
            now_us
        ],
    )?;
    let order =
        order_by_id(write, write.last_insert_rowid())?.ok_or_else(|| shop_error("订单不存在"))?;
    // The shop's sellers and the customer hear of the order; everyone of
    // the stock it took.
    let mut readers = seller_ids(write, product.shop_id)?;
    readers.push(customer_id);
    events::stage(
        write,
        DOMAIN,
        "order",
        &order.view(),
        Audience::Accounts(readers),
    );
    tell_product(write, product_id)?;
    Ok(order)
}
