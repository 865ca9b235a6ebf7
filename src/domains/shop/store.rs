//! Every SQL statement on shop's tables. Joining by code and buying run on
//! the single writer in one `BEGIN IMMEDIATE` transaction, each as one
//! guarded UPDATE (`usage_count < usage_limit`, `stock_quantity >= ?`), so
//! no concurrency uses a code past its limit or sells stock that is gone.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::envelope::{Error, shop_error};
use super::model::{
    Invitation, Order, Ordering, Product, ProductFilter, Shop, UNAVAILABLE, User, status_for,
};

/// The products table, for remembered totals.
pub const PRODUCTS: &str = "shop_products";

// ---- users

const USER_COLUMNS: &str = "id, email, name, phone, role, password_hash";

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        name: row.get(2)?,
        phone: row.get(3)?,
        role: row.get(4)?,
        password_hash: row.get(5)?,
    })
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM shop_users WHERE id = ?1"
        ))?
        .query_row([id], user_from)
        .optional()?)
}

pub fn user_by_email(conn: &Connection, email: &str) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM shop_users WHERE email = ?1"
        ))?
        .query_row([email], user_from)
        .optional()?)
}

/// A user about to be stored.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub role: &'a str,
}

/// Adds a user; a taken e-mail is a registration failure.
pub fn insert_user(
    conn: &Connection,
    user: &NewUser<'_>,
    hash: &str,
    now: i64,
) -> Result<i64, Error> {
    let inserted = conn.execute(
        "INSERT INTO shop_users (email, name, phone, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (email) DO NOTHING",
        params![user.email, user.name, user.phone, user.role, hash, now],
    )?;
    if inserted == 0 {
        return Err(Error::Registration("该邮箱已注册".into()));
    }
    Ok(conn.last_insert_rowid())
}

pub fn set_password(conn: &Connection, id: i64, hash: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE shop_users SET password_hash = ?2 WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}

// ---- shops

/// The shop a seller manages, if any.
pub fn shop_of(conn: &Connection, user_id: i64) -> Result<Option<i64>, Error> {
    Ok(conn
        .prepare_cached("SELECT shop_id FROM shop_sellers WHERE user_id = ?1")?
        .query_row([user_id], |row| row.get(0))
        .optional()?)
}

const SHOP_COLUMNS: &str = "id, name, address, description, created_us";

fn shop_from(row: &Row<'_>) -> rusqlite::Result<Shop> {
    Ok(Shop {
        id: row.get(0)?,
        name: row.get(1)?,
        address: row.get(2)?,
        description: row.get(3)?,
        created_us: row.get(4)?,
        sellers: Vec::new(),
    })
}

/// Sellers of the given shops (all when `shop` is `None`), by join order.
fn sellers(conn: &Connection, shop: Option<i64>) -> Result<Vec<(i64, User)>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT s.shop_id, u.id, u.email, u.name, u.phone, u.role, u.password_hash
             FROM shop_sellers s JOIN shop_users u ON u.id = s.user_id
             WHERE ?1 IS NULL OR s.shop_id = ?1 ORDER BY s.shop_id, s.joined_us, u.id",
        )?
        .query_map([shop], |row| {
            Ok((
                row.get(0)?,
                User {
                    id: row.get(1)?,
                    email: row.get(2)?,
                    name: row.get(3)?,
                    phone: row.get(4)?,
                    role: row.get(5)?,
                    password_hash: row.get(6)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every shop with its sellers, oldest first.
pub fn shops(conn: &Connection) -> Result<Vec<Shop>, Error> {
    let mut shops = conn
        .prepare_cached(&format!(
            "SELECT {SHOP_COLUMNS} FROM shop_shops ORDER BY id"
        ))?
        .query_map([], shop_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (shop_id, seller) in sellers(conn, None)? {
        if let Ok(at) = shops.binary_search_by_key(&shop_id, |s| s.id) {
            shops[at].sellers.push(seller);
        }
    }
    Ok(shops)
}

pub fn shop_by_id(conn: &Connection, id: i64) -> Result<Option<Shop>, Error> {
    let Some(mut shop) = conn
        .prepare_cached(&format!(
            "SELECT {SHOP_COLUMNS} FROM shop_shops WHERE id = ?1"
        ))?
        .query_row([id], shop_from)
        .optional()?
    else {
        return Ok(None);
    };
    shop.sellers = sellers(conn, Some(id))?
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    Ok(Some(shop))
}

/// The shop, or 404.
pub fn existing_shop(conn: &Connection, id: i64) -> Result<Shop, Error> {
    shop_by_id(conn, id)?.ok_or_else(|| Error::NotFound(format!("没有 id 为 {id} 的商铺")))
}

/// Checks the caller is a seller of shop `id` (404 for no such shop, 301
/// for a seller of another or none).
pub fn check_manages(conn: &Connection, user_id: i64, shop_id: i64) -> Result<(), Error> {
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM shop_shops WHERE id = ?1)")?
        .query_row([shop_id], |row| row.get(0))?;
    if !exists {
        return Err(Error::NotFound(format!("没有 id 为 {shop_id} 的商铺")));
    }
    if shop_of(conn, user_id)? != Some(shop_id) {
        return Err(Error::ShopPermission("你不是这个商铺的管理者".into()));
    }
    Ok(())
}

/// A new shop managed by `seller_id`; 300 when they manage one already.
pub fn create_shop(
    conn: &Connection,
    seller_id: i64,
    name: &str,
    address: &str,
    description: &str,
    now_us: i64,
) -> Result<i64, Error> {
    if shop_of(conn, seller_id)?.is_some() {
        return Err(shop_error("一个商家只能管理一个商铺"));
    }
    conn.execute(
        "INSERT INTO shop_shops (name, address, description, created_us) VALUES (?1, ?2, ?3, ?4)",
        params![name, address, description, now_us],
    )?;
    let shop_id = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO shop_sellers (user_id, shop_id, joined_us) VALUES (?1, ?2, ?3)",
        params![seller_id, shop_id, now_us],
    )?;
    Ok(shop_id)
}

// ---- invitation codes

const INVITATION_COLUMNS: &str =
    "code, shop_id, creator_id, is_active, created_us, expires_us, usage_limit, usage_count";

fn invitation_from(row: &Row<'_>) -> rusqlite::Result<Invitation> {
    Ok(Invitation {
        code: row.get(0)?,
        shop_id: row.get(1)?,
        creator_id: row.get(2)?,
        is_active: row.get::<_, i64>(3)? == 1,
        created_us: row.get(4)?,
        expires_us: row.get(5)?,
        usage_limit: row.get(6)?,
        usage_count: row.get(7)?,
    })
}

pub fn invitation(conn: &Connection, code: &str) -> Result<Option<Invitation>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {INVITATION_COLUMNS} FROM shop_invitations WHERE code = ?1"
        ))?
        .query_row([code], invitation_from)
        .optional()?)
}

/// A new code for a shop.
pub fn insert_invitation(conn: &Connection, invitation: &Invitation) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO shop_invitations (code, shop_id, creator_id, is_active, created_us, expires_us, usage_limit, usage_count)
         VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, 0)",
        params![
            invitation.code,
            invitation.shop_id,
            invitation.creator_id,
            invitation.created_us,
            invitation.expires_us,
            invitation.usage_limit
        ],
    )?;
    Ok(())
}

/// A seller with no shop joins the shop of a code: one use is taken in
/// the same statement that checks the code is active, unexpired and not
/// used up (302 otherwise). The code turns inactive at its last use.
pub fn join_by_code(
    conn: &Connection,
    user_id: i64,
    code: &str,
    now_us: i64,
) -> Result<i64, Error> {
    if shop_of(conn, user_id)?.is_some() {
        return Err(shop_error("你已经是一个商铺的管理者"));
    }
    let shop_id: Option<i64> = conn
        .prepare_cached(
            "UPDATE shop_invitations
             SET usage_count = usage_count + 1,
                 is_active = (usage_count + 1 < usage_limit)
             WHERE code = ?1 AND is_active = 1 AND usage_count < usage_limit
               AND (expires_us IS NULL OR expires_us > ?2)
             RETURNING shop_id",
        )?
        .query_row(params![code, now_us], |row| row.get(0))
        .optional()?;
    let Some(shop_id) = shop_id else {
        return Err(Error::Invitation("邀请码无效、已过期或已用完".into()));
    };
    conn.execute(
        "INSERT INTO shop_sellers (user_id, shop_id, joined_us) VALUES (?1, ?2, ?3)",
        params![user_id, shop_id, now_us],
    )?;
    Ok(shop_id)
}

// ---- products

const PRODUCT_COLUMNS: &str =
    "id, shop_id, name, description, price, stock_quantity, status, image_id, created_us";

fn product_from(row: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: row.get(0)?,
        shop_id: row.get(1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        price: row.get(4)?,
        stock_quantity: row.get(5)?,
        status: row.get(6)?,
        image_id: row.get(7)?,
        created_us: row.get(8)?,
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
}

pub fn insert_product(
    conn: &Connection,
    shop_id: i64,
    fields: &ProductFields,
    now_us: i64,
) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO shop_products (shop_id, name, description, price, stock_quantity, status, image_id, created_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            shop_id,
            fields.name,
            fields.description,
            fields.price,
            fields.stock_quantity,
            status_for(fields.stock_quantity, fields.off_sale),
            fields.image_id,
            now_us
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update_product(conn: &Connection, id: i64, fields: &ProductFields) -> Result<(), Error> {
    conn.execute(
        "UPDATE shop_products SET name = ?2, description = ?3, price = ?4, stock_quantity = ?5, status = ?6, image_id = ?7
         WHERE id = ?1",
        params![
            id,
            fields.name,
            fields.description,
            fields.price,
            fields.stock_quantity,
            status_for(fields.stock_quantity, fields.off_sale),
            fields.image_id
        ],
    )?;
    Ok(())
}

/// Whether a stored product was taken off sale by its seller.
pub fn is_off_sale(product: &Product) -> bool {
    product.status == UNAVAILABLE
}

pub fn delete_product(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.execute("DELETE FROM shop_products WHERE id = ?1", [id])?;
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

// ---- orders

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
    conn: &Connection,
    customer_id: i64,
    product_id: i64,
    quantity: i64,
    now_us: i64,
) -> Result<i64, Error> {
    let product = product_by_id(conn, product_id)?
        .ok_or_else(|| Error::NotFound(format!("没有 id 为 {product_id} 的商品")))?;
    if is_off_sale(&product) {
        return Err(shop_error("商品已下架"));
    }
    let taken = conn
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
    conn.execute(
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
    Ok(conn.last_insert_rowid())
}
