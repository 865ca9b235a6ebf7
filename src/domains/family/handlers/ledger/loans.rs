//! Loans: lent and borrowed money, and its repayments.

use super::*;

fn check_loan(fields: &LoanFields) -> Result<(), Error> {
    if fields.due_time.is_some_and(|due| due < fields.time) {
        return Err(bad("due_time 不能早于 time"));
    }
    Ok(())
}

/// GET loan/: loans made in `?start=&end=`; `?scope=`.
pub async fn loans(
    call: Call,
    Caller { user, .. }: Caller,
    Input(records): Input<input::RecordQuery>,
) -> Result<Vec<model::LoanJson>, Error> {
    let app = call.app;
    let (scope, period) = query(records, &user)?;
    let loans = app
        .db
        .read(move |conn| store::loans(conn, scope, period))
        .await?;
    Ok(list(&loans, model::Loan::view))
}

/// POST loan/: `direction` (借入/借出), `counterparty`, `money`, `time`,
/// `due_time`.
pub async fn add_loan(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<input::NewLoan>,
) -> Result<model::LoanJson, Error> {
    let app = call.app;
    let now = clock::now();
    let fields = LoanFields {
        direction: loan_direction(&input.direction.0)?,
        counterparty: required_text(input.counterparty, "counterparty", 50)?,
        money: required_money(input.money)?,
        time: time_field(input.time, "time")?.unwrap_or(now),
        due_time: time_field(input.due_time, "due_time")?,
    };
    check_loan(&fields)?;
    let loan = app
        .db
        .write(move |tx| {
            let id = store::insert_loan(tx, user.id, &fields, now)?;
            store::loan_by_id(tx, id)?.ok_or_else(|| not_found("借款不存在"))
        })
        .await?;
    Ok(loan.view())
}

/// PUT loan/: `id` plus the fields to change; `money` never below what is
/// already repaid.
pub async fn update_loan(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<input::LoanChange>,
) -> Result<model::LoanJson, Error> {
    let app = call.app;
    let id = input.id;
    let direction = input.direction.map(|d| loan_direction(&d)).transpose()?;
    let counterparty = changed_text(input.counterparty, "counterparty", 50)?;
    let money = positive_money(input.money, "money")?;
    let time = time_field(input.time, "time")?;
    let due_time = time_field(input.due_time, "due_time")?;
    let loan = app
        .db
        .write(move |tx| {
            store::own_record(tx, Ledger::Loans, None, user.id, id)?;
            let old = store::loan_by_id(tx, id)?.ok_or_else(|| not_found("借款不存在"))?;
            let fields = LoanFields {
                direction: direction.unwrap_or(if old.direction == "借出" {
                    "借出"
                } else {
                    "借入"
                }),
                counterparty: counterparty.unwrap_or(old.counterparty),
                money: money.unwrap_or(old.money),
                time: time.unwrap_or(old.time),
                due_time: due_time.or(old.due_time),
            };
            check_loan(&fields)?;
            store::update_loan(tx, id, &fields)?;
            store::loan_by_id(tx, id)?.ok_or_else(|| not_found("借款不存在"))
        })
        .await?;
    Ok(loan.view())
}

/// DELETE loan/: `id` (its repayments go with it).
pub async fn delete_loan(
    call: Call,
    caller: Caller,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<model::Done, Error> {
    delete(call, caller, id, Ledger::Loans, None).await
}

/// POST loan/repay/: `id`, `money` (at most what is outstanding), `time`.
pub async fn repay(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::Repayment { id, money, time }): Input<input::Repayment>,
) -> Result<model::LoanJson, Error> {
    let app = call.app;
    let money = required_money(money)?;
    let time = time_field(time, "time")?.unwrap_or_else(clock::now);
    let loan = app
        .db
        .write(move |tx| {
            store::repay(tx, user.id, id, money, time)?;
            store::loan_by_id(tx, id)?.ok_or_else(|| not_found("借款不存在"))
        })
        .await?;
    Ok(loan.view())
}

/// GET loan/repay/?id=: the repayments of a loan the caller may read (their
/// own, or a family member's for a parent).
pub async fn repayments(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<Vec<model::RepaymentJson>, Error> {
    let app = call.app;
    let found = app
        .db
        .read(move |conn| {
            let missing = || not_found(format!("没有 id 为 {id} 的借款"));
            let loan = store::loan_by_id(conn, id)?.ok_or_else(missing)?;
            let owner = store::user_by_id(conn, loan.user_id)?.ok_or_else(missing)?;
            let readable = owner.id == user.id
                || (user.is_parent()
                    && owner.family_id.is_some()
                    && owner.family_id == user.family_id);
            if !readable {
                return Err(missing());
            }
            store::repayments(conn, id)
        })
        .await?;
    Ok(list(&found, model::Repayment::view))
}
