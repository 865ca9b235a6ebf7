//! Shops, invitation codes.

use super::*;
use crate::db::CachedSql;

/// The shop a seller manages, if any.
pub fn shop_of(conn: &Connection, user_id: i64) -> Result<Option<i64>, Error> {
    Ok(conn
        .prepare_cached("SELECT shop_id FROM shop_sellers WHERE user_id = ?1")?
        .query_row([user_id], |row| row.get(0))
        .optional()?)
}

/// The accounts that manage a shop.
pub fn seller_ids(conn: &Connection, shop_id: i64) -> Result<Vec<i64>, Error> {
    Ok(conn
        .prepare_cached("SELECT user_id FROM shop_sellers WHERE shop_id = ?1")?
        .query_map([shop_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?)
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
    conn.execute_cached(
        "INSERT INTO shop_shops (name, address, description, created_us) VALUES (?1, ?2, ?3, ?4)",
        params![name, address, description, now_us],
    )?;
    let shop_id = conn.last_insert_rowid();
    conn.execute_cached(
        "INSERT INTO shop_sellers (user_id, shop_id, joined_us) VALUES (?1, ?2, ?3)",
        params![seller_id, shop_id, now_us],
    )?;
    Ok(shop_id)
}

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
    conn.execute_cached(
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
    conn.execute_cached(
        "INSERT INTO shop_sellers (user_id, shop_id, joined_us) VALUES (?1, ?2, ?3)",
        params![user_id, shop_id, now_us],
    )?;
    Ok(shop_id)
}
