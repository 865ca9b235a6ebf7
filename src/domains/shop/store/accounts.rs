//! Users.

use super::*;
use crate::db::CachedSql;

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
    let inserted = conn.execute_cached(
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
    conn.execute_cached(
        "UPDATE shop_users SET password_hash = ?2 WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}
