//! Families.

use super::*;
use crate::db::CachedSql;

/// A family with its members (parents first, then by id).
pub fn family_by_id(conn: &Connection, id: i64) -> Result<Option<Family>, Error> {
    let Some(name) = conn
        .prepare_cached("SELECT name FROM family_families WHERE id = ?1")?
        .query_row([id], |row| row.get::<_, String>(0))
        .optional()?
    else {
        return Ok(None);
    };
    let members = conn
        .prepare_cached(
            "SELECT id, username, role FROM family_users WHERE family_id = ?1 ORDER BY role DESC, id",
        )?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Family { id, name, members }))
}

/// (members, parents) of a family.
fn head_count(conn: &Connection, family_id: i64) -> Result<(i64, i64), Error> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE role = 2) FROM family_users WHERE family_id = ?1",
        )?
        .query_row([family_id], |row| Ok((row.get(0)?, row.get(1)?)))?)
}

/// The caller, re-read inside the transaction.
fn fresh_user(conn: &Connection, id: i64) -> Result<User, Error> {
    user_by_id(conn, id)?.ok_or(Error::Unauthenticated("no user"))
}

/// The caller as a parent of their family, or 403.
fn fresh_parent(conn: &Connection, id: i64) -> Result<(User, i64), Error> {
    let user = fresh_user(conn, id)?;
    match user.family_id {
        Some(family_id) if user.role == PARENT => Ok((user, family_id)),
        Some(_) => Err(forbidden("只有家长可以这样做")),
        None => Err(forbidden("你还没有加入家庭")),
    }
}

fn withdraw_applications(conn: &Connection, user_id: i64, now: i64) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE family_applications SET state = 'withdrawn', decided_at = ?2
         WHERE user_id = ?1 AND state = 'pending'",
        params![user_id, now],
    )?;
    Ok(())
}

/// Creates a family with the caller as its parent; 460 when the caller has
/// one already. The caller's pending applications are withdrawn.
pub fn create_family(conn: &Connection, user_id: i64, name: &str, now: i64) -> Result<i64, Error> {
    let user = fresh_user(conn, user_id)?;
    if user.family_id.is_some() {
        return Err(Error::UpperLimit);
    }
    conn.execute_cached(
        "INSERT INTO family_families (name, created_at) VALUES (?1, ?2)",
        params![name, now],
    )?;
    let family_id = conn.last_insert_rowid();
    conn.execute_cached(
        "UPDATE family_users SET family_id = ?2, role = ?3 WHERE id = ?1",
        params![user_id, family_id, PARENT],
    )?;
    withdraw_applications(conn, user_id, now)?;
    Ok(family_id)
}

/// Sends a system message to every parent of a family.
fn notify_parents(
    conn: &Connection,
    family_id: i64,
    title: &str,
    text: &str,
    now: i64,
) -> Result<(), Error> {
    let parents = conn
        .prepare_cached("SELECT id FROM family_users WHERE family_id = ?1 AND role = 2")?
        .query_map([family_id], |row| row.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for parent in parents {
        insert_message(conn, None, parent, title, text, now)?;
    }
    Ok(())
}

/// The `family` event: what changed in a family, and to whom.
#[derive(serde::Serialize)]
struct FamilyNews<'a> {
    family_id: i64,
    /// `joined`, `rejected`, `left`, `removed` (the last member left) or
    /// `parent` (a member became a parent).
    change: &'static str,
    user_id: i64,
    username: &'a str,
}

/// Tells the family's members (as they are after the change) and `also`
/// what changed, once the write commits.
fn tell_family(
    conn: &Connection,
    family_id: i64,
    change: &'static str,
    user: &User,
    also: Option<i64>,
) -> Result<(), Error> {
    let mut readers: Vec<i64> = conn
        .prepare_cached("SELECT id FROM family_users WHERE family_id = ?1")?
        .query_map([family_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if let Some(id) = also.filter(|id| !readers.contains(id)) {
        readers.push(id);
    }
    let news = FamilyNews {
        family_id,
        change,
        user_id: user.id,
        username: &user.username,
    };
    events::stage(DOMAIN, "family", &news, Audience::Accounts(readers));
    Ok(())
}

/// Applies to join a family: 460 when the caller has a family or the family
/// is full, 404 for an unknown family, 400 when already waiting. The
/// parents get a message.
pub fn apply(conn: &Connection, user_id: i64, family_id: i64, now: i64) -> Result<(), Error> {
    let user = fresh_user(conn, user_id)?;
    if user.family_id.is_some() {
        return Err(Error::UpperLimit);
    }
    let family = family_by_id(conn, family_id)?
        .ok_or_else(|| not_found(format!("没有 id 为 {family_id} 的家庭")))?;
    if family.members.len() as i64 >= MAX_MEMBERS {
        return Err(Error::UpperLimit);
    }
    let inserted = conn.execute_cached(
        "INSERT INTO family_applications (user_id, family_id, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        params![user_id, family_id, now],
    )?;
    if inserted == 0 {
        return Err(bad("已经申请过这个家庭，请等待家长审核"));
    }
    notify_parents(
        conn,
        family_id,
        "加入家庭申请",
        &format!(
            "用户 {}（user_id {}）申请加入家庭「{}」。同意或拒绝：PUT family/familyMember/，user_id={}，is_agree 0 同意、1 拒绝。",
            user.username, user.id, family.name, user.id
        ),
        now,
    )
}

/// A pending application, as a parent sees it.
pub struct Application {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub created_at: i64,
}

/// Pending applications to a family, oldest first.
pub fn pending_applications(conn: &Connection, family_id: i64) -> Result<Vec<Application>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT a.id, a.user_id, u.username, a.created_at
             FROM family_applications a JOIN family_users u ON u.id = a.user_id
             WHERE a.family_id = ?1 AND a.state = 'pending' ORDER BY a.id",
        )?
        .query_map([family_id], |row| {
            Ok(Application {
                id: row.get(0)?,
                user_id: row.get(1)?,
                username: row.get(2)?,
                created_at: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A parent decides an application to their family: 403 for a non-parent,
/// 418 when there is no such pending application, 460 when the family is
/// full or the applicant has joined another family meanwhile.
pub fn decide(
    conn: &Connection,
    parent_id: i64,
    applicant_id: i64,
    agree: bool,
    now: i64,
) -> Result<(), Error> {
    let (parent, family_id) = fresh_parent(conn, parent_id)?;
    let application: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM family_applications WHERE user_id = ?1 AND family_id = ?2 AND state = 'pending'",
        )?
        .query_row(params![applicant_id, family_id], |row| row.get(0))
        .optional()?;
    let Some(application) = application else {
        // An application withdrawn because its applicant joined another
        // family meanwhile: that is "already in a family", not "none".
        let joined_elsewhere: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM family_applications a
                   JOIN family_users u ON u.id = a.user_id
                  WHERE a.user_id = ?1 AND a.family_id = ?2 AND a.state = 'withdrawn'
                    AND u.family_id IS NOT NULL AND u.family_id <> ?2)",
            )?
            .query_row(params![applicant_id, family_id], |row| row.get(0))?;
        return Err(if joined_elsewhere {
            Error::UpperLimit
        } else {
            Error::NoApplication
        });
    };
    let family_name: String = conn.query_row_cached(
        "SELECT name FROM family_families WHERE id = ?1",
        [family_id],
        |row| row.get(0),
    )?;
    if agree {
        let applicant = fresh_user(conn, applicant_id)?;
        if applicant.family_id.is_some() {
            return Err(Error::UpperLimit);
        }
        let (members, _) = head_count(conn, family_id)?;
        if members >= MAX_MEMBERS {
            return Err(Error::UpperLimit);
        }
        conn.execute_cached(
            "UPDATE family_users SET family_id = ?2, role = ?3 WHERE id = ?1",
            params![applicant_id, family_id, MEMBER],
        )?;
        decide_application(conn, application, "accepted", parent.id, now)?;
        withdraw_applications(conn, applicant_id, now)?;
        tell_family(conn, family_id, "joined", &applicant, None)?;
        insert_message(
            conn,
            None,
            applicant_id,
            "家庭申请已通过",
            &format!(
                "{} 同意了你加入家庭「{family_name}」的申请。",
                parent.username
            ),
            now,
        )?;
    } else {
        decide_application(conn, application, "rejected", parent.id, now)?;
        if let Some(applicant) = user_by_id(conn, applicant_id)? {
            tell_family(conn, family_id, "rejected", &applicant, Some(applicant_id))?;
        }
        insert_message(
            conn,
            None,
            applicant_id,
            "家庭申请未通过",
            &format!(
                "{} 拒绝了你加入家庭「{family_name}」的申请。",
                parent.username
            ),
            now,
        )?;
    }
    Ok(())
}

fn decide_application(
    conn: &Connection,
    id: i64,
    state: &str,
    by: i64,
    now: i64,
) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE family_applications SET state = ?2, decided_at = ?3, decided_by = ?4 WHERE id = ?1",
        params![id, state, now, by],
    )?;
    Ok(())
}

/// What leaving did to the family.
#[derive(Debug, PartialEq, Eq)]
pub enum Left {
    /// Others remain.
    Stayed,
    /// The caller was the last member; the family is gone.
    Removed,
}

/// Leaves the caller's family. The only parent of a family with other
/// members must hand the role over first (403); the last member leaving
/// removes the family and its pending applications.
pub fn leave(conn: &Connection, user_id: i64, now: i64) -> Result<Left, Error> {
    let user = fresh_user(conn, user_id)?;
    let Some(family_id) = user.family_id else {
        return Err(bad("你还没有加入家庭"));
    };
    let (members, parents) = head_count(conn, family_id)?;
    if user.role == PARENT && parents == 1 && members > 1 {
        return Err(forbidden(
            "你是家庭唯一的家长，请先把家长身份转让给其他成员（PUT family/familyManage/，user_id）",
        ));
    }
    conn.execute_cached(
        "UPDATE family_users SET family_id = NULL, role = ?2 WHERE id = ?1",
        params![user_id, NO_FAMILY],
    )?;
    if members == 1 {
        conn.execute_cached("DELETE FROM family_families WHERE id = ?1", [family_id])?;
        tell_family(conn, family_id, "removed", &user, Some(user_id))?;
        return Ok(Left::Removed);
    }
    tell_family(conn, family_id, "left", &user, Some(user_id))?;
    notify_parents(
        conn,
        family_id,
        "成员退出家庭",
        &format!("{} 退出了家庭。", user.username),
        now,
    )?;
    Ok(Left::Stayed)
}

/// Makes another member of the caller's family a parent. With two parents
/// already, the caller steps down to member.
pub fn hand_over(conn: &Connection, parent_id: i64, target_id: i64, now: i64) -> Result<(), Error> {
    let (parent, family_id) = fresh_parent(conn, parent_id)?;
    let target = user_by_id(conn, target_id)?
        .filter(|t| t.family_id == Some(family_id))
        .ok_or_else(|| not_found(format!("家庭里没有 user_id 为 {target_id} 的成员")))?;
    if target.role == PARENT {
        return Err(bad("该成员已经是家长"));
    }
    let (_, parents) = head_count(conn, family_id)?;
    if parents >= MAX_PARENTS {
        conn.execute_cached(
            "UPDATE family_users SET role = ?2 WHERE id = ?1",
            params![parent.id, MEMBER],
        )?;
    }
    conn.execute_cached(
        "UPDATE family_users SET role = ?2 WHERE id = ?1",
        params![target.id, PARENT],
    )?;
    tell_family(conn, family_id, "parent", &target, None)?;
    insert_message(
        conn,
        None,
        target.id,
        "你成为了家长",
        &format!("{} 把家长身份交给了你。", parent.username),
        now,
    )
}
