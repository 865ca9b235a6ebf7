//! Whose records.

use super::*;
use crate::db::CachedSql;

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
    pub(super) fn condition(self) -> (&'static str, i64) {
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
    conn.execute_cached(
        &format!("DELETE FROM {} WHERE id = ?1", ledger.table()),
        [id],
    )?;
    Ok(())
}
