//! Users.

use super::*;
use crate::db::CachedSql;

const USER_COLUMNS: &str = "id, sid, email, name, password_hash, is_admin";

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        sid: row.get(1)?,
        email: row.get(2)?,
        name: row.get(3)?,
        password_hash: row.get(4)?,
        is_admin: row.get(5)?,
    })
}

fn user_where(
    conn: &Connection,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM labs_users WHERE {condition}"
        ))?
        .query_row([value], user_from)
        .optional()?)
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<Option<User>, Error> {
    user_where(conn, "id = ?1", &id)
}

pub fn user_by_sid(conn: &Connection, sid: &str) -> Result<Option<User>, Error> {
    user_where(conn, "sid = ?1", &sid)
}

pub fn user_by_email(conn: &Connection, email: &str) -> Result<Option<User>, Error> {
    user_where(conn, "email = ?1", &email)
}

/// The user a login names: by student number, else by e-mail.
pub fn user_by_login(conn: &Connection, login: &str) -> Result<Option<User>, Error> {
    match user_by_sid(conn, login)? {
        Some(user) => Ok(Some(user)),
        None => user_by_email(conn, &login.to_lowercase()),
    }
}

/// The caller behind a user id: the user and the lab they lead.
pub fn caller(conn: &Connection, user_id: i64) -> Result<Option<Account>, Error> {
    let Some(user) = user_by_id(conn, user_id)? else {
        return Ok(None);
    };
    let lab = lab_led_by(conn, user.id)?;
    Ok(Some(Account { user, lab }))
}

/// Adds a user; a taken sid or e-mail is a status-300 failure.
pub fn insert_user(
    conn: &Connection,
    user: &NewUser,
    password_hash: &str,
    now: i64,
) -> Result<i64, Error> {
    if user_by_sid(conn, &user.sid)?.is_some() {
        return Err(failed(format!("学号 {} 已被注册", user.sid)));
    }
    if let Some(email) = &user.email
        && user_by_email(conn, email)?.is_some()
    {
        return Err(failed("该邮箱已注册"));
    }
    let p = &user.profile;
    conn.execute_cached(
        "INSERT INTO labs_users (sid, email, name, password_hash, is_admin, phone, college, grade, major, introduce, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            user.sid,
            user.email,
            user.name,
            password_hash,
            user.is_admin,
            p.phone,
            p.college,
            p.grade,
            p.major,
            p.introduce,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn set_password(conn: &Connection, user_id: i64, password_hash: &str) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE labs_users SET password_hash = ?2 WHERE id = ?1",
        params![user_id, password_hash],
    )?;
    Ok(())
}
