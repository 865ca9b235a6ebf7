//! Messages.

use super::*;
use crate::db::CachedSql;
use crate::db::Write;

const MESSAGE_SELECT: &str =
    "SELECT m.id, s.id, s.username, r.id, r.username, m.title, m.text, m.sent_at, m.state, m.kind
     FROM family_messages m
     JOIN family_users r ON r.id = m.receiver_id
     LEFT JOIN family_users s ON s.id = m.sender_id";

fn message_from(row: &Row<'_>) -> rusqlite::Result<Message> {
    let sender_id: Option<i64> = row.get(1)?;
    let sender_name: Option<String> = row.get(2)?;
    Ok(Message {
        id: row.get(0)?,
        sender: sender_id.zip(sender_name),
        receiver: (row.get(3)?, row.get(4)?),
        title: row.get(5)?,
        text: row.get(6)?,
        sent_at: row.get(7)?,
        state: row.get(8)?,
        kind: MessageKind::from_code(row.get(9)?),
    })
}

/// A user's inbox, newest first (the original's order), optionally of one state.
pub fn messages(
    conn: &Connection,
    receiver_id: i64,
    state: Option<i64>,
) -> Result<Vec<Message>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "{MESSAGE_SELECT} WHERE m.receiver_id = ?1 AND (?2 IS NULL OR m.state = ?2) ORDER BY m.sent_at DESC, m.id DESC"
        ))?
        .query_map(params![receiver_id, state], message_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn message_by_id(conn: &Connection, id: i64) -> Result<Option<Message>, Error> {
    Ok(conn
        .prepare_cached(&format!("{MESSAGE_SELECT} WHERE m.id = ?1"))?
        .query_row([id], message_from)
        .optional()?)
}

/// A message to store: `sender` `None` is the system.
pub struct Outgoing<'a> {
    pub sender: Option<i64>,
    pub receiver: i64,
    pub kind: MessageKind,
    pub title: &'a str,
    pub text: &'a str,
}

/// Stores a message; its id.
pub fn insert_message(write: &Write, message: Outgoing<'_>, now: i64) -> Result<i64, Error> {
    let Outgoing {
        sender,
        receiver,
        kind,
        title,
        text,
    } = message;
    write.prepare_cached(
        "INSERT INTO family_messages (sender_id, receiver_id, title, text, sent_at, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![sender, receiver, title, text, now, kind as i64])?;
    let id = write.last_insert_rowid();
    // The receiver hears of it once it commits.
    if let Some(message) = message_by_id(write, id)? {
        events::stage(
            write,
            DOMAIN,
            "message",
            &message.view(false),
            Audience::Accounts(vec![receiver]),
        );
    }
    Ok(id)
}

/// The receiver of a message: 404 when there is none, 403 when it is not
/// the caller's.
fn own_message(conn: &Connection, user_id: i64, id: i64) -> Result<(), Error> {
    let receiver: Option<i64> = conn
        .prepare_cached("SELECT receiver_id FROM family_messages WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    match receiver {
        None => Err(not_found(format!("没有 id 为 {id} 的消息"))),
        Some(r) if r != user_id => Err(forbidden("只能操作自己收到的消息")),
        Some(_) => Ok(()),
    }
}

pub fn delete_message(conn: &Connection, user_id: i64, id: i64) -> Result<(), Error> {
    own_message(conn, user_id, id)?;
    conn.execute_cached("DELETE FROM family_messages WHERE id = ?1", [id])?;
    Ok(())
}

pub fn set_message_state(
    conn: &Connection,
    user_id: i64,
    id: i64,
    state: i64,
) -> Result<(), Error> {
    own_message(conn, user_id, id)?;
    conn.execute_cached(
        "UPDATE family_messages SET state = ?2 WHERE id = ?1",
        params![id, state],
    )?;
    Ok(())
}
