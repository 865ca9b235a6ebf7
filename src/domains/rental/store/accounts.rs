//! Users.

use super::*;
use crate::db::CachedSql;

const USER_COLUMNS: &str = "id, username, password_hash, name, id_type, id_number, phone, grade, register_city, created_at";

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        password_hash: row.get(2)?,
        name: row.get(3)?,
        id_type: row.get(4)?,
        id_number: row.get(5)?,
        phone: row.get(6)?,
        grade: row.get(7)?,
        register_city: row.get(8)?,
        created_at: row.get(9)?,
    })
}

pub fn user_by_name(conn: &Connection, username: &str) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM rental_users WHERE username = ?1"
        ))?
        .query_row([username], user_from)
        .optional()?)
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM rental_users WHERE id = ?1"
        ))?
        .query_row([id], user_from)
        .optional()?)
}

/// A user about to be stored.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub id_type: &'a str,
    pub id_number: &'a str,
    pub phone: &'a str,
    pub city: &'a str,
    pub admin: bool,
}

/// Adds a user; a taken name is a failure.
pub fn insert_user(
    conn: &Connection,
    user: &NewUser<'_>,
    hash: &str,
    now: i64,
) -> Result<i64, Error> {
    let inserted = conn.execute_cached(
        "INSERT INTO rental_users (username, password_hash, name, id_type, id_number, phone, grade, register_city, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (username) DO NOTHING",
        params![
            user.username,
            hash,
            user.name,
            user.id_type,
            user.id_number,
            user.phone,
            if user.admin { ADMIN_GRADE } else { "普通用户" },
            user.city,
            now
        ],
    )?;
    if inserted == 0 {
        return Err(failed("用户名已存在"));
    }
    Ok(conn.last_insert_rowid())
}

pub fn set_password(conn: &Connection, user_id: i64, hash: &str) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE rental_users SET password_hash = ?2 WHERE id = ?1",
        params![user_id, hash],
    )?;
    Ok(())
}

pub fn set_phone(conn: &Connection, user_id: i64, phone: &str) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE rental_users SET phone = ?2 WHERE id = ?1",
        params![user_id, phone],
    )?;
    Ok(())
}
