//! Bills, deposits, loans.

use super::*;
use crate::db::CachedSql;

const BILL_SELECT: &str =
    "SELECT b.id, b.user_id, u.username, b.kind, b.money, b.remarks, b.time, b.type_code
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
        type_code: row.get(7)?,
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
    let bill_type = BillType {
        code: kind.default_code(),
        concrete_type: "其他",
    };
    insert_typed_bill(conn, user_id, bill_type, fields, now)
}

/// The original's type of a bill (its kind follows: under 10 is income)
/// and what it was for.
#[derive(Debug, Clone, Copy)]
pub struct BillType<'a> {
    pub code: i64,
    pub concrete_type: &'a str,
}

pub fn insert_typed_bill(
    conn: &Connection,
    user_id: i64,
    bill_type: BillType<'_>,
    fields: &BillFields,
    now: i64,
) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO family_bills (user_id, kind, money, remarks, time, created_at, type_code, concrete_type)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        user_id,
        BillKind::of_code(bill_type.code).column(),
        fields.money,
        fields.remarks,
        fields.time,
        now,
        bill_type.code,
        bill_type.concrete_type,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// One kind's total and its totals by `concrete_type`, in the order each
/// type first appears.
pub fn bill_totals(
    conn: &Connection,
    user_id: i64,
    code: i64,
) -> Result<(i64, Vec<(String, i64)>), Error> {
    let by_type: Vec<(String, i64)> = conn
        .prepare_cached(
            "SELECT concrete_type, sum(money) FROM family_bills WHERE user_id = ?1 AND type_code = ?2
             GROUP BY concrete_type ORDER BY min(id)",
        )?
        .query_map(params![user_id, code], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((by_type.iter().map(|(_, sum)| sum).sum(), by_type))
}

pub fn update_bill(conn: &Connection, id: i64, fields: &BillFields) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE family_bills SET money = ?2, remarks = ?3, time = ?4 WHERE id = ?1",
        params![id, fields.money, fields.remarks, fields.time],
    )?;
    Ok(())
}

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
    conn.execute_cached(
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
    conn.execute_cached(
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
    conn.execute_cached(
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
    let repaid: i64 = conn.query_row_cached(
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
    conn.execute_cached(
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
    let (total, repaid): (i64, i64) = conn.query_row_cached(
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
    conn.execute_cached(
        "UPDATE family_loans SET repaid = repaid + ?2 WHERE id = ?1",
        params![loan_id, money],
    )?;
    conn.execute_cached(
        "INSERT INTO family_repayments (loan_id, money, time) VALUES (?1, ?2, ?3)",
        params![loan_id, money, time],
    )?;
    // The other side of a borrow_money/ debt is repaid with it; never past
    // its own amount, which its owner may have changed.
    if let Some(twin) = twin_loan(conn, loan_id)? {
        let changed = conn.execute_cached(
            "UPDATE family_loans SET repaid = min(money, repaid + ?2) WHERE id = ?1",
            params![twin, money],
        )?;
        if changed > 0 {
            conn.execute_cached(
                "INSERT INTO family_repayments (loan_id, money, time) VALUES (?1, ?2, ?3)",
                params![twin, money, time],
            )?;
        }
    }
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
