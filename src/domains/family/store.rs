//! Every SQL statement on family's tables. Functions that change a family
//! run on the single writer inside one `BEGIN IMMEDIATE` transaction and
//! re-read what they check there: a decision counts the members it is about
//! to exceed with nothing in between, so no concurrency makes a family of
//! more than eight or a third parent.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::envelope::{Error, bad, forbidden, not_found};
use super::model::{
    Bill, BillKind, Deposit, Family, Loan, MAX_MEMBERS, MAX_PARENTS, MEMBER, Message, NO_FAMILY,
    PARENT, Period, Repayment, User,
};

// ---- users

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
    let inserted = conn.execute(
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
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM family_users WHERE username = ?1 AND id <> ?2)",
        params![username, id],
        |row| row.get(0),
    )?;
    if taken {
        return Err(bad("用户名重复"));
    }
    conn.execute(
        "UPDATE family_users SET username = ?2, telephone = ?3, email = ?4, sex = ?5 WHERE id = ?1",
        params![id, username, profile.telephone, profile.email, profile.sex],
    )?;
    Ok(())
}

pub fn set_password(conn: &Connection, id: i64, hash: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE family_users SET password_hash = ?2 WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}

// ---- families

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
    conn.execute(
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
    conn.execute(
        "INSERT INTO family_families (name, created_at) VALUES (?1, ?2)",
        params![name, now],
    )?;
    let family_id = conn.last_insert_rowid();
    conn.execute(
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
    let inserted = conn.execute(
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
    let family_name: String = conn.query_row(
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
        conn.execute(
            "UPDATE family_users SET family_id = ?2, role = ?3 WHERE id = ?1",
            params![applicant_id, family_id, MEMBER],
        )?;
        decide_application(conn, application, "accepted", parent.id, now)?;
        withdraw_applications(conn, applicant_id, now)?;
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
    conn.execute(
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
    conn.execute(
        "UPDATE family_users SET family_id = NULL, role = ?2 WHERE id = ?1",
        params![user_id, NO_FAMILY],
    )?;
    if members == 1 {
        conn.execute("DELETE FROM family_families WHERE id = ?1", [family_id])?;
        return Ok(Left::Removed);
    }
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
        conn.execute(
            "UPDATE family_users SET role = ?2 WHERE id = ?1",
            params![parent.id, MEMBER],
        )?;
    }
    conn.execute(
        "UPDATE family_users SET role = ?2 WHERE id = ?1",
        params![target.id, PARENT],
    )?;
    insert_message(
        conn,
        None,
        target.id,
        "你成为了家长",
        &format!("{} 把家长身份交给了你。", parent.username),
        now,
    )
}

// ---- messages

const MESSAGE_SELECT: &str =
    "SELECT m.id, s.username, r.username, m.title, m.text, m.sent_at, m.state
     FROM family_messages m
     JOIN family_users r ON r.id = m.receiver_id
     LEFT JOIN family_users s ON s.id = m.sender_id";

fn message_from(row: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: row.get(0)?,
        sender: row.get(1)?,
        receiver: row.get(2)?,
        title: row.get(3)?,
        text: row.get(4)?,
        sent_at: row.get(5)?,
        state: row.get(6)?,
    })
}

/// A user's inbox in the order received, optionally of one state.
pub fn messages(
    conn: &Connection,
    receiver_id: i64,
    state: Option<i64>,
) -> Result<Vec<Message>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "{MESSAGE_SELECT} WHERE m.receiver_id = ?1 AND (?2 IS NULL OR m.state = ?2) ORDER BY m.id"
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

/// Stores a message; `sender` `None` is the system.
pub fn insert_message(
    conn: &Connection,
    sender: Option<i64>,
    receiver: i64,
    title: &str,
    text: &str,
    now: i64,
) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO family_messages (sender_id, receiver_id, title, text, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![sender, receiver, title, text, now])?;
    Ok(())
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
    conn.execute("DELETE FROM family_messages WHERE id = ?1", [id])?;
    Ok(())
}

pub fn set_message_state(
    conn: &Connection,
    user_id: i64,
    id: i64,
    state: i64,
) -> Result<(), Error> {
    own_message(conn, user_id, id)?;
    conn.execute(
        "UPDATE family_messages SET state = ?2 WHERE id = ?1",
        params![id, state],
    )?;
    Ok(())
}

// ---- whose records

/// Whose money a read covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// One user's records.
    User(i64),
    /// Every current member's records (parents only).
    Family(i64),
}

impl Scope {
    /// The condition on `u` (the owner, joined) and its parameter `?1`.
    fn condition(self) -> (&'static str, i64) {
        match self {
            Scope::User(id) => ("u.id = ?1", id),
            Scope::Family(id) => ("u.family_id = ?1", id),
        }
    }
}

/// Which money table a record lives in.
#[derive(Debug, Clone, Copy)]
pub enum Ledger {
    Bills,
    Deposits,
    Loans,
}

impl Ledger {
    fn table(self) -> &'static str {
        match self {
            Ledger::Bills => "family_bills",
            Ledger::Deposits => "family_deposits",
            Ledger::Loans => "family_loans",
        }
    }

    /// Names the record in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Ledger::Bills => "账单",
            Ledger::Deposits => "存款",
            Ledger::Loans => "借款",
        }
    }
}

/// Checks a record is the caller's own: 404 when it does not exist (or is
/// a bill of the other kind), 403 when it is someone else's.
pub fn own_record(
    conn: &Connection,
    ledger: Ledger,
    kind: Option<BillKind>,
    user_id: i64,
    id: i64,
) -> Result<(), Error> {
    let owner: Option<(i64, Option<String>)> = conn
        .prepare_cached(&match ledger {
            Ledger::Bills => "SELECT user_id, kind FROM family_bills WHERE id = ?1".to_string(),
            other => format!("SELECT user_id, NULL FROM {} WHERE id = ?1", other.table()),
        })?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let missing = || not_found(format!("没有 id 为 {id} 的{}", ledger.noun()));
    match owner {
        None => Err(missing()),
        Some((_, Some(stored))) if kind.is_some_and(|k| k.column() != stored) => Err(missing()),
        Some((owner, _)) if owner != user_id => {
            Err(forbidden(format!("只能修改自己的{}", ledger.noun())))
        }
        Some(_) => Ok(()),
    }
}

/// Deletes one of the caller's records.
pub fn delete_record(
    conn: &Connection,
    ledger: Ledger,
    kind: Option<BillKind>,
    user_id: i64,
    id: i64,
) -> Result<(), Error> {
    own_record(conn, ledger, kind, user_id, id)?;
    conn.execute(
        &format!("DELETE FROM {} WHERE id = ?1", ledger.table()),
        [id],
    )?;
    Ok(())
}

// ---- bills

const BILL_SELECT: &str = "SELECT b.id, b.user_id, u.username, b.kind, b.money, b.remarks, b.time
     FROM family_bills b JOIN family_users u ON u.id = b.user_id";

fn bill_from(row: &Row<'_>) -> rusqlite::Result<Bill> {
    let kind: String = row.get(3)?;
    Ok(Bill {
        id: row.get(0)?,
        user_id: row.get(1)?,
        username: row.get(2)?,
        kind: if kind == "income" {
            BillKind::Income
        } else {
            BillKind::Expense
        },
        money: row.get(4)?,
        remarks: row.get(5)?,
        time: row.get(6)?,
    })
}

/// Bills of one kind in a period, oldest first.
pub fn bills(
    conn: &Connection,
    scope: Scope,
    kind: BillKind,
    period: Period,
) -> Result<Vec<Bill>, Error> {
    let (condition, owner) = scope.condition();
    let (start, end) = period.bounds();
    Ok(conn
        .prepare_cached(&format!(
            "{BILL_SELECT} WHERE {condition} AND b.kind = ?2 AND b.time BETWEEN ?3 AND ?4 ORDER BY b.time, b.id"
        ))?
        .query_map(params![owner, kind.column(), start, end], bill_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn bill_by_id(conn: &Connection, id: i64) -> Result<Option<Bill>, Error> {
    Ok(conn
        .prepare_cached(&format!("{BILL_SELECT} WHERE b.id = ?1"))?
        .query_row([id], bill_from)
        .optional()?)
}

/// The fields of a bill.
pub struct BillFields {
    pub money: i64,
    pub remarks: String,
    pub time: i64,
}

pub fn insert_bill(
    conn: &Connection,
    user_id: i64,
    kind: BillKind,
    fields: &BillFields,
    now: i64,
) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO family_bills (user_id, kind, money, remarks, time, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        user_id,
        kind.column(),
        fields.money,
        fields.remarks,
        fields.time,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn update_bill(conn: &Connection, id: i64, fields: &BillFields) -> Result<(), Error> {
    conn.execute(
        "UPDATE family_bills SET money = ?2, remarks = ?3, time = ?4 WHERE id = ?1",
        params![id, fields.money, fields.remarks, fields.time],
    )?;
    Ok(())
}

// ---- deposits

const DEPOSIT_SELECT: &str =
    "SELECT d.id, d.user_id, u.username, d.bank, d.type, d.money, d.rate, d.start_time, d.end_time
     FROM family_deposits d JOIN family_users u ON u.id = d.user_id";

fn deposit_from(row: &Row<'_>) -> rusqlite::Result<Deposit> {
    Ok(Deposit {
        id: row.get(0)?,
        user_id: row.get(1)?,
        username: row.get(2)?,
        bank: row.get(3)?,
        kind: row.get(4)?,
        money: row.get(5)?,
        rate: row.get(6)?,
        start_time: row.get(7)?,
        end_time: row.get(8)?,
    })
}

/// Deposits started in a period, oldest first.
pub fn deposits(conn: &Connection, scope: Scope, period: Period) -> Result<Vec<Deposit>, Error> {
    let (condition, owner) = scope.condition();
    let (start, end) = period.bounds();
    Ok(conn
        .prepare_cached(&format!(
            "{DEPOSIT_SELECT} WHERE {condition} AND d.start_time BETWEEN ?2 AND ?3 ORDER BY d.start_time, d.id"
        ))?
        .query_map(params![owner, start, end], deposit_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn deposit_by_id(conn: &Connection, id: i64) -> Result<Option<Deposit>, Error> {
    Ok(conn
        .prepare_cached(&format!("{DEPOSIT_SELECT} WHERE d.id = ?1"))?
        .query_row([id], deposit_from)
        .optional()?)
}

/// The fields of a deposit.
pub struct DepositFields {
    pub bank: String,
    pub kind: &'static str,
    pub money: i64,
    pub rate: i64,
    pub start_time: i64,
    pub end_time: Option<i64>,
}

pub fn insert_deposit(
    conn: &Connection,
    user_id: i64,
    fields: &DepositFields,
    now: i64,
) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO family_deposits (user_id, bank, type, money, rate, start_time, end_time, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            user_id,
            fields.bank,
            fields.kind,
            fields.money,
            fields.rate,
            fields.start_time,
            fields.end_time,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update_deposit(conn: &Connection, id: i64, fields: &DepositFields) -> Result<(), Error> {
    conn.execute(
        "UPDATE family_deposits SET bank = ?2, type = ?3, money = ?4, rate = ?5, start_time = ?6, end_time = ?7
         WHERE id = ?1",
        params![
            id,
            fields.bank,
            fields.kind,
            fields.money,
            fields.rate,
            fields.start_time,
            fields.end_time
        ],
    )?;
    Ok(())
}

// ---- loans

const LOAN_SELECT: &str = "SELECT l.id, l.user_id, u.username, l.direction, l.counterparty, l.money, l.repaid, l.time, l.due_time
     FROM family_loans l JOIN family_users u ON u.id = l.user_id";

fn loan_from(row: &Row<'_>) -> rusqlite::Result<Loan> {
    Ok(Loan {
        id: row.get(0)?,
        user_id: row.get(1)?,
        username: row.get(2)?,
        direction: row.get(3)?,
        counterparty: row.get(4)?,
        money: row.get(5)?,
        repaid: row.get(6)?,
        time: row.get(7)?,
        due_time: row.get(8)?,
    })
}

/// Loans made in a period, oldest first.
pub fn loans(conn: &Connection, scope: Scope, period: Period) -> Result<Vec<Loan>, Error> {
    let (condition, owner) = scope.condition();
    let (start, end) = period.bounds();
    Ok(conn
        .prepare_cached(&format!(
            "{LOAN_SELECT} WHERE {condition} AND l.time BETWEEN ?2 AND ?3 ORDER BY l.time, l.id"
        ))?
        .query_map(params![owner, start, end], loan_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn loan_by_id(conn: &Connection, id: i64) -> Result<Option<Loan>, Error> {
    Ok(conn
        .prepare_cached(&format!("{LOAN_SELECT} WHERE l.id = ?1"))?
        .query_row([id], loan_from)
        .optional()?)
}

/// The fields of a loan.
pub struct LoanFields {
    pub direction: &'static str,
    pub counterparty: String,
    pub money: i64,
    pub time: i64,
    pub due_time: Option<i64>,
}

pub fn insert_loan(
    conn: &Connection,
    user_id: i64,
    fields: &LoanFields,
    now: i64,
) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO family_loans (user_id, direction, counterparty, money, time, due_time, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            user_id,
            fields.direction,
            fields.counterparty,
            fields.money,
            fields.time,
            fields.due_time,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Changes a loan; its amount may not drop below what is repaid.
pub fn update_loan(conn: &Connection, id: i64, fields: &LoanFields) -> Result<(), Error> {
    let repaid: i64 = conn.query_row(
        "SELECT repaid FROM family_loans WHERE id = ?1",
        [id],
        |row| row.get(0),
    )?;
    if fields.money < repaid {
        return Err(bad(format!(
            "money 不能少于已还金额 {}",
            crate::money::number(repaid)
        )));
    }
    conn.execute(
        "UPDATE family_loans SET direction = ?2, counterparty = ?3, money = ?4, time = ?5, due_time = ?6
         WHERE id = ?1",
        params![
            id,
            fields.direction,
            fields.counterparty,
            fields.money,
            fields.time,
            fields.due_time
        ],
    )?;
    Ok(())
}

/// Records a repayment of one of the caller's loans; more than is
/// outstanding is refused, so `repaid` never passes `money`.
pub fn repay(
    conn: &Connection,
    user_id: i64,
    loan_id: i64,
    money: i64,
    time: i64,
) -> Result<(), Error> {
    own_record(conn, Ledger::Loans, None, user_id, loan_id)?;
    let (total, repaid): (i64, i64) = conn.query_row(
        "SELECT money, repaid FROM family_loans WHERE id = ?1",
        [loan_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let outstanding = total - repaid;
    if outstanding == 0 {
        return Err(bad("这笔借款已还清"));
    }
    if money > outstanding {
        return Err(bad(format!(
            "还款金额超过未还金额 {}",
            crate::money::number(outstanding)
        )));
    }
    conn.execute(
        "UPDATE family_loans SET repaid = repaid + ?2 WHERE id = ?1",
        params![loan_id, money],
    )?;
    conn.execute(
        "INSERT INTO family_repayments (loan_id, money, time) VALUES (?1, ?2, ?3)",
        params![loan_id, money, time],
    )?;
    Ok(())
}

pub fn repayments(conn: &Connection, loan_id: i64) -> Result<Vec<Repayment>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT id, loan_id, money, time FROM family_repayments WHERE loan_id = ?1 ORDER BY time, id",
        )?
        .query_map([loan_id], |row| {
            Ok(Repayment {
                id: row.get(0)?,
                loan_id: row.get(1)?,
                money: row.get(2)?,
                time: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

// ---- report

/// One owner's sums over a period, in cents.
#[derive(Debug, Default, Clone)]
pub struct Sums {
    pub income: i64,
    pub expense: i64,
    pub savings: i64,
    pub lent_outstanding: i64,
    pub borrowed_outstanding: i64,
}

/// What the report is made of: sums per owner (every member of the scope,
/// with or without records) and income/expense per month (`2019-12`).
pub struct ReportData {
    /// (user id, username, role, sums), parents first.
    pub owners: Vec<(i64, String, i64, Sums)>,
    /// (month, income, expense), in order, months without bills left out.
    pub months: Vec<(String, i64, i64)>,
}

/// Sums for a report, read in one pass per table.
pub fn report(conn: &Connection, scope: Scope, period: Period) -> Result<ReportData, Error> {
    let (condition, owner) = scope.condition();
    let (start, end) = period.bounds();
    let mut owners: Vec<(i64, String, i64, Sums)> = conn
        .prepare_cached(&format!(
            "SELECT u.id, u.username, u.role FROM family_users u WHERE {condition} ORDER BY u.role DESC, u.id"
        ))?
        .query_map([owner], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, Sums::default()))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut add = |user_id: i64, apply: &dyn Fn(&mut Sums)| {
        if let Some((_, _, _, sums)) = owners.iter_mut().find(|(id, ..)| *id == user_id) {
            apply(sums);
        }
    };

    let mut statement = conn.prepare_cached(&format!(
        "SELECT b.user_id, b.kind, sum(b.money) FROM family_bills b JOIN family_users u ON u.id = b.user_id
         WHERE {condition} AND b.time BETWEEN ?2 AND ?3 GROUP BY b.user_id, b.kind"
    ))?;
    let mut rows = statement.query(params![owner, start, end])?;
    while let Some(row) = rows.next()? {
        let (user_id, kind, sum): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        if kind == "income" {
            add(user_id, &|s| s.income += sum);
        } else {
            add(user_id, &|s| s.expense += sum);
        }
    }

    let mut statement = conn.prepare_cached(&format!(
        "SELECT d.user_id, sum(d.money) FROM family_deposits d JOIN family_users u ON u.id = d.user_id
         WHERE {condition} AND d.start_time BETWEEN ?2 AND ?3 GROUP BY d.user_id"
    ))?;
    let mut rows = statement.query(params![owner, start, end])?;
    while let Some(row) = rows.next()? {
        let (user_id, sum): (i64, i64) = (row.get(0)?, row.get(1)?);
        add(user_id, &|s| s.savings += sum);
    }

    let mut statement = conn.prepare_cached(&format!(
        "SELECT l.user_id, l.direction, sum(l.money - l.repaid) FROM family_loans l JOIN family_users u ON u.id = l.user_id
         WHERE {condition} AND l.time BETWEEN ?2 AND ?3 GROUP BY l.user_id, l.direction"
    ))?;
    let mut rows = statement.query(params![owner, start, end])?;
    while let Some(row) = rows.next()? {
        let (user_id, direction, sum): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        if direction == "借出" {
            add(user_id, &|s| s.lent_outstanding += sum);
        } else {
            add(user_id, &|s| s.borrowed_outstanding += sum);
        }
    }

    let months = conn
        .prepare_cached(&format!(
            "SELECT strftime('%Y-%m', b.time, 'unixepoch') AS month,
                    coalesce(sum(b.money) FILTER (WHERE b.kind = 'income'), 0),
                    coalesce(sum(b.money) FILTER (WHERE b.kind = 'expense'), 0)
             FROM family_bills b JOIN family_users u ON u.id = b.user_id
             WHERE {condition} AND b.time BETWEEN ?2 AND ?3 GROUP BY month ORDER BY month"
        ))?
        .query_map(params![owner, start, end], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ReportData { owners, months })
}
