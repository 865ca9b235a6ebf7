//! Bulletins and notifications, the original's `bulletin/` and `noti/`.

use super::*;
use crate::db::CachedSql;

/// Who a notice or bulletin is from: 系统管理员 for an admin, else the
/// name of the lab the caller leads.
pub fn sender_name(caller: &Account, admin_name: &str) -> String {
    match &caller.lab {
        Some(lab) if !caller.is_admin() => lab.name.clone(),
        _ => admin_name.to_string(),
    }
}

/// Sends every member of a project a notification from the caller (an
/// admin, or the leader of its lab).
pub fn notify_members(
    conn: &Connection,
    caller: &Account,
    project_id: i64,
    [kind, content]: [&str; 2],
    now: i64,
) -> Result<(), Error> {
    let from = sender_name(caller, SYSTEM_ADMIN);
    let notice = Notice {
        kind,
        content,
        from: &from,
    };
    conn.execute_cached(
        "INSERT INTO labs_notifications (type, content, from_name, time) VALUES (?1, ?2, ?3, ?4)",
        params![notice.kind, notice.content, notice.from, now],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute_cached(
        "INSERT OR IGNORE INTO labs_unread (user_id, notification_id)
         SELECT user_id, ?2 FROM labs_members WHERE project_id = ?1",
        params![project_id, id],
    )?;
    Ok(())
}

/// A user's unread notifications, newest first.
pub fn unread_notifications(
    conn: &Connection,
    user_id: i64,
) -> Result<Vec<NotificationJson>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT n.id, n.type, n.content, n.from_name, n.time FROM labs_notifications n
         JOIN labs_unread u ON u.notification_id = n.id
         WHERE u.user_id = ?1 ORDER BY n.time DESC, n.id DESC",
    )?;
    let rows = stmt.query_map([user_id], |row| {
        Ok(NotificationJson {
            id: row.get(0)?,
            kind: row.get(1)?,
            content: row.get(2)?,
            from: row.get(3)?,
            time: millis(row.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks one notification (or, with `None`, all) read for a user; one
/// that nobody has left to read is removed.
pub fn read_notifications(conn: &Connection, user_id: i64, id: Option<i64>) -> Result<(), Error> {
    let removed = conn.execute_cached(
        "DELETE FROM labs_unread WHERE user_id = ?1 AND (?2 IS NULL OR notification_id = ?2)",
        params![user_id, id],
    )?;
    if id.is_some() && removed == 0 {
        return Err(failed("通知不存在或已读"));
    }
    conn.execute_cached(
        "DELETE FROM labs_notifications
         WHERE id NOT IN (SELECT notification_id FROM labs_unread)",
        [],
    )?;
    Ok(())
}

const BULLETIN_SELECT: &str =
    "SELECT id, title, content, from_name, time, read_count, lab_id FROM labs_bulletins";

fn bulletin_from(row: &Row<'_>) -> rusqlite::Result<(BulletinJson, Option<i64>)> {
    Ok((
        BulletinJson {
            id: row.get(0)?,
            title: row.get(1)?,
            content: row.get(2)?,
            from: row.get(3)?,
            time: millis(row.get(4)?),
            read_count: row.get(5)?,
        },
        row.get(6)?,
    ))
}

/// A page of bulletins, newest first, without their content.
pub fn bulletins(
    conn: &Connection,
    (page, rows): (i64, i64),
) -> Result<Vec<BulletinItemJson>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, from_name, time FROM labs_bulletins
         ORDER BY time DESC, id DESC LIMIT ?1 OFFSET ?2",
    )?;
    let items = stmt.query_map(params![rows, (page - 1) * rows], |row| {
        Ok(BulletinItemJson {
            id: row.get(0)?,
            title: row.get(1)?,
            from: row.get(2)?,
            time: millis(row.get(3)?),
        })
    })?;
    Ok(items.collect::<rusqlite::Result<_>>()?)
}

pub fn bulletin_count(conn: &Connection) -> Result<i64, Error> {
    Ok(conn.query_row_cached("SELECT count(*) FROM labs_bulletins", [], |row| row.get(0))?)
}

/// One bulletin, counting the read when asked to.
pub fn read_bulletin(conn: &Connection, id: i64, count_read: bool) -> Result<BulletinJson, Error> {
    if count_read {
        conn.execute_cached(
            "UPDATE labs_bulletins SET read_count = read_count + 1 WHERE id = ?1",
            [id],
        )?;
    }
    bulletin(conn, id).map(|(bulletin, _)| bulletin)
}

fn bulletin(conn: &Connection, id: i64) -> Result<(BulletinJson, Option<i64>), Error> {
    conn.prepare_cached(&format!("{BULLETIN_SELECT} WHERE id = ?1"))?
        .query_row([id], bulletin_from)
        .optional()?
        .ok_or_else(|| failed(format!("公告 {id} 不存在")))
}

/// Who may post: an admin (for everyone) or a lab's leader (for the lab).
fn poster(caller: &Account) -> Result<Option<i64>, Error> {
    match &caller.lab {
        _ if caller.is_admin() => Ok(None),
        Some(lab) => Ok(Some(lab.id)),
        None => Err(Error::Denied),
    }
}

/// A bulletin the caller may change: any for an admin, their lab's for a
/// leader.
fn own_bulletin(conn: &Connection, caller: &Account, id: i64) -> Result<(), Error> {
    let (_, lab_id) = bulletin(conn, id)?;
    if caller.is_admin() || (lab_id.is_some() && lab_id == caller.lab.as_ref().map(|l| l.id)) {
        Ok(())
    } else {
        Err(Error::Denied)
    }
}

pub fn insert_bulletin(
    conn: &Connection,
    caller: &Account,
    [title, content]: [&str; 2],
    now: i64,
) -> Result<i64, Error> {
    let lab_id = poster(caller)?;
    conn.execute_cached(
        "INSERT INTO labs_bulletins (title, content, lab_id, from_name, time) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![title, content, lab_id, sender_name(caller, SYSTEM_BULLETIN), now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Rewrites a bulletin; its time becomes now, as the original's does.
pub fn update_bulletin(
    conn: &Connection,
    caller: &Account,
    id: i64,
    [title, content]: [&str; 2],
    now: i64,
) -> Result<(), Error> {
    own_bulletin(conn, caller, id)?;
    conn.execute_cached(
        "UPDATE labs_bulletins SET title = ?2, content = ?3, time = ?4 WHERE id = ?1",
        params![id, title, content, now],
    )?;
    Ok(())
}

/// Deletes bulletins, all or none.
pub fn delete_bulletins(conn: &Connection, caller: &Account, ids: &[i64]) -> Result<(), Error> {
    for id in ids {
        own_bulletin(conn, caller, *id)?;
    }
    for id in ids {
        conn.execute_cached("DELETE FROM labs_bulletins WHERE id = ?1", [id])?;
    }
    Ok(())
}
