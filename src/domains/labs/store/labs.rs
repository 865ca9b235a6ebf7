//! Labs.

use super::*;
use crate::db::CachedSql;

const LAB_SELECT: &str =
    "SELECT l.id, l.name, l.leader_id, u.sid, u.name, l.description, l.created_at, l.classroom
     FROM labs_labs l LEFT JOIN labs_users u ON u.id = l.leader_id";

fn lab_from(row: &Row<'_>) -> rusqlite::Result<Lab> {
    Ok(Lab {
        id: row.get(0)?,
        name: row.get(1)?,
        leader_user_id: row.get(2)?,
        leader_sid: row.get(3)?,
        leader_name: row.get(4)?,
        description: row.get(5)?,
        created_at: row.get(6)?,
        classroom: row.get(7)?,
    })
}

/// Every lab's name, in the order of `labs` (`lab/get/name`).
pub fn lab_names(conn: &Connection) -> Result<Vec<String>, Error> {
    let mut stmt = conn.prepare_cached("SELECT name FROM labs_labs ORDER BY id")?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn labs(conn: &Connection) -> Result<Vec<Lab>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{LAB_SELECT} ORDER BY l.id"))?;
    let rows = stmt.query_map([], lab_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn lab_where(
    conn: &Connection,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<Lab>, Error> {
    Ok(conn
        .prepare_cached(&format!("{LAB_SELECT} WHERE {condition}"))?
        .query_row([value], lab_from)
        .optional()?)
}

pub fn lab_by_id(conn: &Connection, id: i64) -> Result<Option<Lab>, Error> {
    lab_where(conn, "l.id = ?1", &id)
}

pub fn lab_by_name(conn: &Connection, name: &str) -> Result<Option<Lab>, Error> {
    lab_where(conn, "l.name = ?1", &name)
}

pub fn lab_led_by(conn: &Connection, user_id: i64) -> Result<Option<Lab>, Error> {
    lab_where(conn, "l.leader_id = ?1", &user_id)
}

/// The user a `leader_id` names: an existing student leading no other lab.
fn leader_for(conn: &Connection, leader_sid: &str, lab_id: Option<i64>) -> Result<i64, Error> {
    let leader = user_by_sid(conn, leader_sid)?
        .filter(|u| !u.is_admin)
        .ok_or_else(|| failed(format!("负责人 {leader_sid} 不是已注册的学生")))?;
    if let Some(led) = lab_led_by(conn, leader.id)?
        && Some(led.id) != lab_id
    {
        return Err(failed(format!("{leader_sid} 已是「{}」的负责人", led.name)));
    }
    Ok(leader.id)
}

/// Adds a lab; a taken name or an unusable leader is a status-300 failure.
pub fn insert_lab(conn: &Connection, fields: &LabFields<'_>, now: i64) -> Result<i64, Error> {
    let LabFields {
        name,
        leader_sid,
        description,
        classroom,
    } = *fields;
    if lab_by_name(conn, name)?.is_some() {
        return Err(failed("实验室名称已存在"));
    }
    let leader = leader_sid
        .map(|sid| leader_for(conn, sid, None))
        .transpose()?;
    conn.execute_cached(
        "INSERT INTO labs_labs (name, leader_id, description, created_at, classroom) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, leader, description, now, classroom],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A lab's fields: in a change, `None` keeps one as it is.
#[derive(Debug, Clone, Copy)]
pub struct LabFields<'a> {
    pub name: &'a str,
    pub leader_sid: Option<&'a str>,
    pub description: &'a str,
    pub classroom: &'a str,
}

/// What `lab/update` changes; `None` keeps a field as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct LabChanges<'a> {
    pub name: Option<&'a str>,
    pub leader_sid: Option<&'a str>,
    pub description: Option<&'a str>,
    pub classroom: Option<&'a str>,
}

/// Changes a lab.
pub fn update_lab(conn: &Connection, id: i64, changes: &LabChanges<'_>) -> Result<(), Error> {
    let LabChanges {
        name,
        leader_sid,
        description,
        classroom,
    } = *changes;
    let lab = lab_by_id(conn, id)?.ok_or_else(|| failed("实验室不存在"))?;
    if let Some(name) = name
        && lab_by_name(conn, name)?.is_some_and(|other| other.id != id)
    {
        return Err(failed("实验室名称已存在"));
    }
    let leader = match leader_sid {
        Some(sid) => Some(leader_for(conn, sid, Some(id))?),
        None => lab.leader_user_id,
    };
    conn.execute_cached(
        "UPDATE labs_labs SET name = ?2, leader_id = ?3, description = ?4, classroom = ?5 WHERE id = ?1",
        params![
            id,
            name.unwrap_or(&lab.name),
            leader,
            description.unwrap_or(&lab.description),
            classroom.unwrap_or(&lab.classroom)
        ],
    )?;
    Ok(())
}

/// Deletes a lab that holds no project (deleted ones included).
pub fn delete_lab(conn: &Connection, id: i64) -> Result<(), Error> {
    lab_by_id(conn, id)?.ok_or_else(|| failed("实验室不存在"))?;
    let has_projects: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM labs_projects WHERE lab_id = ?1)",
        [id],
        |row| row.get(0),
    )?;
    if has_projects {
        return Err(failed("实验室下还有项目，不能删除"));
    }
    conn.execute_cached("DELETE FROM labs_labs WHERE id = ?1", [id])?;
    Ok(())
}
