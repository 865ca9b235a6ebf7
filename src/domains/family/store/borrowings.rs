//! Requests to borrow money from another user (`borrow_money/`). An agreed
//! request becomes a pair of loans, the borrower's 借入 and the lender's
//! 借出, each with its bill, so the same debt shows in `loan/` and the
//! report, and a repayment of either loan repays both.

use super::*;
use crate::db::CachedSql;

const BORROWING_SELECT: &str =
    "SELECT b.id, b.borrower_id, bu.username, b.lender_id, lu.username, b.money, b.due_time, b.state,
            CASE WHEN b.state = 'agreed' THEN coalesce(l.money - l.repaid, 0) ELSE b.money END
     FROM family_borrowings b
     JOIN family_users bu ON bu.id = b.borrower_id
     JOIN family_users lu ON lu.id = b.lender_id
     LEFT JOIN family_loans l ON l.id = b.borrower_loan";

fn borrowing_from(row: &Row<'_>) -> rusqlite::Result<Borrowing> {
    Ok(Borrowing {
        id: row.get(0)?,
        borrower_id: row.get(1)?,
        borrower: row.get(2)?,
        lender_id: row.get(3)?,
        lender: row.get(4)?,
        money: row.get(5)?,
        due_time: row.get(6)?,
        agreed: row.get::<_, String>(7)? == "agreed",
        owed: row.get(8)?,
    })
}

pub fn borrowing_by_id(conn: &Connection, id: i64) -> Result<Option<Borrowing>, Error> {
    Ok(conn
        .prepare_cached(&format!("{BORROWING_SELECT} WHERE b.id = ?1"))?
        .query_row([id], borrowing_from)
        .optional()?)
}

/// What a user still owes: requests waiting for an answer and agreed ones
/// not yet paid back, oldest first.
pub fn open_borrowings(conn: &Connection, borrower_id: i64) -> Result<Vec<Borrowing>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "{BORROWING_SELECT} WHERE b.borrower_id = ?1
               AND (b.state = 'pending' OR (b.state = 'agreed' AND l.money > l.repaid))
             ORDER BY b.id"
        ))?
        .query_map([borrower_id], borrowing_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A new request, waiting for the lender.
pub fn insert_borrowing(
    conn: &Connection,
    borrower_id: i64,
    lender_id: i64,
    money: i64,
    due_time: i64,
    now: i64,
) -> Result<i64, Error> {
    conn.execute_cached(
        "INSERT INTO family_borrowings (borrower_id, lender_id, money, due_time, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![borrower_id, lender_id, money, due_time, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The lender's request, still waiting: 404 when there is none for them
/// (a request to someone else is not theirs to see), 400 once decided.
pub fn pending_for_lender(conn: &Connection, lender_id: i64, id: i64) -> Result<Borrowing, Error> {
    let borrowing = borrowing_by_id(conn, id)?
        .filter(|b| b.lender_id == lender_id)
        .ok_or_else(|| not_found(format!("没有发给你的借款请求 {id}")))?;
    let state: String = conn.query_row_cached(
        "SELECT state FROM family_borrowings WHERE id = ?1",
        [id],
        |row| row.get(0),
    )?;
    if state != "pending" {
        return Err(bad("这笔借款请求已处理"));
    }
    Ok(borrowing)
}

pub fn refuse_borrowing(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE family_borrowings SET state = 'refused' WHERE id = ?1 AND state = 'pending'",
        [id],
    )?;
    Ok(())
}

/// Agrees to a request: the two loans, linked to it, and their bills (the
/// lender's 外借 expense, the borrower's 借款 income).
pub fn agree_borrowing(conn: &Connection, borrowing: &Borrowing, now: i64) -> Result<(), Error> {
    let loan = |user_id, direction, counterparty: &str| {
        let fields = LoanFields {
            direction,
            counterparty: counterparty.to_string(),
            money: borrowing.money,
            time: now,
            due_time: Some(borrowing.due_time),
        };
        insert_loan(conn, user_id, &fields, now)
    };
    let borrower_loan = loan(borrowing.borrower_id, "借入", &borrowing.lender)?;
    let lender_loan = loan(borrowing.lender_id, "借出", &borrowing.borrower)?;
    conn.execute_cached(
        "UPDATE family_borrowings SET state = 'agreed', borrower_loan = ?2, lender_loan = ?3 WHERE id = ?1",
        params![borrowing.id, borrower_loan, lender_loan],
    )?;
    let due = format_day(borrowing.due_time);
    insert_bill_pair(
        conn,
        borrowing.money,
        [
            (
                borrowing.lender_id,
                BillKind::Expense,
                "外借",
                format!("借给 {}，{due} 前还", borrowing.borrower),
            ),
            (
                borrowing.borrower_id,
                BillKind::Income,
                "借款",
                format!("向 {} 借，{due} 前还", borrowing.lender),
            ),
        ],
        now,
    )?;
    Ok(())
}

/// Pays part or all of an agreed borrowing back: both loans and a bill on
/// each side (the borrower's 还款 expense, the lender's 借款收回 income).
pub fn pay_back(
    conn: &Connection,
    borrowing: &Borrowing,
    money: i64,
    now: i64,
) -> Result<(), Error> {
    if !borrowing.agreed {
        return Err(bad("这笔借款还没有被同意"));
    }
    let loan_id: Option<i64> = conn.query_row_cached(
        "SELECT borrower_loan FROM family_borrowings WHERE id = ?1",
        [borrowing.id],
        |row| row.get(0),
    )?;
    let loan_id = loan_id.ok_or_else(|| bad("这笔借款的记录已删除"))?;
    repay(conn, borrowing.borrower_id, loan_id, money, now)?;
    insert_bill_pair(
        conn,
        money,
        [
            (
                borrowing.borrower_id,
                BillKind::Expense,
                "还款",
                format!("还给 {}", borrowing.lender),
            ),
            (
                borrowing.lender_id,
                BillKind::Income,
                "借款收回",
                format!("{} 还来", borrowing.borrower),
            ),
        ],
        now,
    )?;
    Ok(())
}

/// One bill on each side of a borrowing: (owner, kind, what for, remarks).
fn insert_bill_pair(
    conn: &Connection,
    money: i64,
    bills: [(i64, BillKind, &str, String); 2],
    now: i64,
) -> Result<(), Error> {
    for (user_id, kind, concrete_type, remarks) in bills {
        let bill_type = BillType {
            code: kind.default_code(),
            concrete_type,
        };
        let fields = BillFields {
            money,
            remarks,
            time: now,
        };
        insert_typed_bill(conn, user_id, bill_type, &fields, now)?;
    }
    Ok(())
}

/// The other loan of an agreed borrowing, if `loan_id` is one of a pair.
pub fn twin_loan(conn: &Connection, loan_id: i64) -> Result<Option<i64>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT CASE WHEN borrower_loan = ?1 THEN lender_loan ELSE borrower_loan END
             FROM family_borrowings WHERE borrower_loan = ?1 OR lender_loan = ?1",
        )?
        .query_row([loan_id], |row| row.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}
