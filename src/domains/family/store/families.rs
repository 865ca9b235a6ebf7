//! Families.

use super::*;
use crate::db::CachedSql;
use crate::db::Write;

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
            "SELECT id, username, role, slot FROM family_users WHERE family_id = ?1 ORDER BY slot, id",
        )?
        .query_map([id], |row| {
            Ok(FamilyMember {
                id: row.get(0)?,
                username: row.get(1)?,
                role: row.get(2)?,
                slot: row.get(3)?,
            })
        })?
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

/// The lowest free place of a family among `places`, if any.
fn free_slot(
    conn: &Connection,
    family_id: i64,
    places: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, Error> {
    let taken: Vec<i64> = conn
        .prepare_cached("SELECT slot FROM family_users WHERE family_id = ?1 AND slot IS NOT NULL")?
        .query_map([family_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(places.into_iter().find(|slot| !taken.contains(slot)))
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
        "UPDATE family_users SET family_id = ?2, role = ?3, slot = ?4 WHERE id = ?1",
        params![user_id, family_id, PARENT, PARENT_SLOTS.start()],
    )?;
    withdraw_applications(conn, user_id, now)?;
    Ok(family_id)
}

/// Sends a message from `sender` to every parent of a family.
fn notify_parents(
    write: &Write,
    family_id: i64,
    sender: i64,
    kind: MessageKind,
    [title, text]: [&str; 2],
    now: i64,
) -> Result<(), Error> {
    let parents = write
        .prepare_cached("SELECT id FROM family_users WHERE family_id = ?1 AND role = 2")?
        .query_map([family_id], |row| row.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for parent in parents {
        let message = Outgoing {
            sender: Some(sender),
            receiver: parent,
            kind,
            title,
            text,
        };
        insert_message(write, message, now)?;
    }
    Ok(())
}

/// A notice from `sender` (the acting parent) to one user.
fn notice(
    write: &Write,
    sender: i64,
    receiver: i64,
    [title, text]: [&str; 2],
    now: i64,
) -> Result<(), Error> {
    let message = Outgoing {
        sender: Some(sender),
        receiver,
        kind: MessageKind::Notice,
        title,
        text,
    };
    insert_message(write, message, now).map(|_| ())
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
    write: &Write,
    family_id: i64,
    change: &'static str,
    user: &User,
    also: Option<i64>,
) -> Result<(), Error> {
    let mut readers: Vec<i64> = write
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
    events::stage(write, DOMAIN, "family", &news, Audience::Accounts(readers));
    Ok(())
}

/// Applies to join a family: 460 when the caller has a family or the family
/// is full, 404 for an unknown family, 400 when already waiting. The
/// parents get a message.
pub fn apply(write: &Write, user_id: i64, family_id: i64, now: i64) -> Result<(), Error> {
    let user = fresh_user(write, user_id)?;
    if user.family_id.is_some() {
        return Err(Error::UpperLimit);
    }
    let family = family_by_id(write, family_id)?
        .ok_or_else(|| not_found(format!("没有 id 为 {family_id} 的家庭")))?;
    if free_slot(write, family_id, MEMBER_SLOTS)?.is_none() {
        return Err(Error::UpperLimit);
    }
    let inserted = write.execute_cached(
        "INSERT INTO family_applications (user_id, family_id, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        params![user_id, family_id, now],
    )?;
    if inserted == 0 {
        return Err(bad("已经申请过这个家庭，请等待家长审核"));
    }
    // From the applicant, as a join request (type 2): the original's
    // front-end answers it with `user_id` = the message's sender.
    let text = format!(
        "用户 {}（user_id {}）申请加入家庭「{}」。同意或拒绝：PUT family/familyMember/，user_id={}，is_agree 0 同意、1 拒绝。",
        user.username, user.id, family.name, user.id
    );
    notify_parents(
        write,
        family_id,
        user.id,
        MessageKind::JoinRequest,
        ["加入家庭申请", &text],
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
    write: &Write,
    parent_id: i64,
    applicant_id: i64,
    agree: bool,
    now: i64,
) -> Result<(), Error> {
    let (parent, family_id) = fresh_parent(write, parent_id)?;
    let application: Option<i64> = write
        .prepare_cached(
            "SELECT id FROM family_applications WHERE user_id = ?1 AND family_id = ?2 AND state = 'pending'",
        )?
        .query_row(params![applicant_id, family_id], |row| row.get(0))
        .optional()?;
    let Some(application) = application else {
        // An application withdrawn because its applicant joined another
        // family meanwhile: that is "already in a family", not "none".
        let joined_elsewhere: bool = write
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
    let family_name: String = write.query_row_cached(
        "SELECT name FROM family_families WHERE id = ?1",
        [family_id],
        |row| row.get(0),
    )?;
    if agree {
        let applicant = fresh_user(write, applicant_id)?;
        if applicant.family_id.is_some() {
            return Err(Error::UpperLimit);
        }
        let slot = free_slot(write, family_id, MEMBER_SLOTS)?.ok_or(Error::UpperLimit)?;
        write.execute_cached(
            "UPDATE family_users SET family_id = ?2, role = ?3, slot = ?4 WHERE id = ?1",
            params![applicant_id, family_id, MEMBER, slot],
        )?;
        decide_application(write, application, "accepted", parent.id, now)?;
        withdraw_applications(write, applicant_id, now)?;
        tell_family(write, family_id, "joined", &applicant, None)?;
        let text = format!(
            "{} 同意了你加入家庭「{family_name}」的申请。",
            parent.username
        );
        notice(
            write,
            parent.id,
            applicant_id,
            ["家庭申请已通过", &text],
            now,
        )?;
    } else {
        decide_application(write, application, "rejected", parent.id, now)?;
        if let Some(applicant) = user_by_id(write, applicant_id)? {
            tell_family(write, family_id, "rejected", &applicant, Some(applicant_id))?;
        }
        let text = format!(
            "{} 拒绝了你加入家庭「{family_name}」的申请。",
            parent.username
        );
        notice(
            write,
            parent.id,
            applicant_id,
            ["家庭申请未通过", &text],
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
pub fn leave(write: &Write, user_id: i64, now: i64) -> Result<Left, Error> {
    let user = fresh_user(write, user_id)?;
    let Some(family_id) = user.family_id else {
        return Err(bad("你还没有加入家庭"));
    };
    let (members, parents) = head_count(write, family_id)?;
    if user.role == PARENT && parents == 1 && members > 1 {
        return Err(forbidden(
            "你是家庭唯一的家长，请先把家长身份转让给其他成员（PUT family/familyManage/，user_id）",
        ));
    }
    write.execute_cached(
        "UPDATE family_users SET family_id = NULL, role = ?2, slot = NULL WHERE id = ?1",
        params![user_id, NO_FAMILY],
    )?;
    if members == 1 {
        write.execute_cached("DELETE FROM family_families WHERE id = ?1", [family_id])?;
        tell_family(write, family_id, "removed", &user, Some(user_id))?;
        return Ok(Left::Removed);
    }
    tell_family(write, family_id, "left", &user, Some(user_id))?;
    let text = format!("{} 退出了家庭。", user.username);
    notify_parents(
        write,
        family_id,
        user.id,
        MessageKind::Notice,
        ["成员退出家庭", &text],
        now,
    )?;
    Ok(Left::Stayed)
}

/// Makes another member of the caller's family a parent. With two parents
/// already, the caller steps down to member.
pub fn hand_over(write: &Write, parent_id: i64, target_id: i64, now: i64) -> Result<(), Error> {
    let (parent, family_id) = fresh_parent(write, parent_id)?;
    let target = user_by_id(write, target_id)?
        .filter(|t| t.family_id == Some(family_id))
        .ok_or_else(|| not_found(format!("家庭里没有 user_id 为 {target_id} 的成员")))?;
    if target.role == PARENT {
        return Err(bad("该成员已经是家长"));
    }
    let set_place = |id: i64, role: i64, slot: Option<i64>| {
        write.execute_cached(
            "UPDATE family_users SET role = ?2, slot = ?3 WHERE id = ?1",
            params![id, role, slot],
        )
    };
    match free_slot(write, family_id, PARENT_SLOTS)? {
        Some(free) => {
            set_place(target.id, PARENT, Some(free))?;
        }
        None => {
            // Two parents already: the caller and the member swap places.
            let parent_slot: i64 = write.query_row_cached(
                "SELECT slot FROM family_users WHERE id = ?1",
                [parent.id],
                |row| row.get(0),
            )?;
            let member_slot: i64 = write.query_row_cached(
                "SELECT slot FROM family_users WHERE id = ?1",
                [target.id],
                |row| row.get(0),
            )?;
            set_place(parent.id, MEMBER, None)?;
            set_place(target.id, PARENT, Some(parent_slot))?;
            set_place(parent.id, MEMBER, Some(member_slot))?;
        }
    }
    tell_family(write, family_id, "parent", &target, None)?;
    let text = format!("{} 把家长身份交给了你。", parent.username);
    notice(write, parent.id, target.id, ["你成为了家长", &text], now)
}
