//! Users.

use super::*;
use crate::db::CachedSql;

const USER_COLUMNS: &str = "id, username, password_hash, telephone, email, sex, family_id, role";

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        password_hash: row.get(2)?,
        telephone: row.get(3)?,
        email: row.get(4)?,
        sex: row.get(5)?,
        family_id: row.get(6)?,
        role: row.get(7)?,
    })
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM family_users WHERE id = ?1"
        ))?
        .query_row([id], user_from)
        .optional()?)
}

pub fn user_by_name(conn: &Connection, username: &str) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM family_users WHERE username = ?1"
        ))?
        .query_row([username], user_from)
        .optional()?)
}

/// The contact fields of a user.
#[derive(Debug, Default, Clone)]
pub struct Profile {
    pub telephone: String,
    pub email: String,
    pub sex: String,
}

/// Adds a user; a taken name is the seed's "用户名重复".
pub fn insert_user(
    conn: &Connection,
    username: &str,
    hash: &str,
    profile: &Profile,
    now: i64,
) -> Result<i64, Error> {
    let inserted = conn.execute_cached(
        "INSERT INTO family_users (username, password_hash, telephone, email, sex, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (username) DO NOTHING",
        params![
            username,
            hash,
            profile.telephone,
            profile.email,
            profile.sex,
            now
        ],
    )?;
    if inserted == 0 {
        return Err(bad("用户名重复"));
    }
    Ok(conn.last_insert_rowid())
}

/// Changes the username and contact fields of a user.
pub fn update_user(
    conn: &Connection,
    id: i64,
    username: &str,
    profile: &Profile,
) -> Result<(), Error> {
    let taken: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM family_users WHERE username = ?1 AND id <> ?2)",
        params![username, id],
        |row| row.get(0),
    )?;
    if taken {
        return Err(bad("用户名重复"));
    }
    conn.execute_cached(
        "UPDATE family_users SET username = ?2, telephone = ?3, email = ?4, sex = ?5 WHERE id = ?1",
        params![id, username, profile.telephone, profile.email, profile.sex],
    )?;
    Ok(())
}

pub fn set_password(conn: &Connection, id: i64, hash: &str) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE family_users SET password_hash = ?2 WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}
