//! Borrowing between users (`borrow_money/`), as the original system and
//! its front-end have it: a borrower asks a user for money, the lender
//! agrees or refuses from the message, and the borrower pays back against
//! the record. An agreed request is the same debt as a pair of `loan/`
//! records (see `store::borrowings`).

use super::{Call, Caller};
use crate::clock;
use crate::domains::family::envelope::{Error, bad, not_found};
use crate::domains::family::input::{BorrowDecision, BorrowRequest, PayBack};
use crate::domains::family::model::{
    self, BorrowingsData, Done, MessageKind, end_of_day, parse_time,
};
use crate::domains::family::store::{self, Outgoing};
use crate::endpoint::Input;
use crate::money::number;

/// POST borrow_money/borrow/: asks `who` for `money`; the lender gets a
/// borrow request (message type 3) whose text carries the record number
/// in 【】, which the original front-end reads to answer it.
pub async fn request(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<BorrowRequest>,
) -> Result<Done, Error> {
    let app = call.app;
    let money =
        model::positive_money(Some(input.money), "money")?.ok_or_else(|| bad("缺少参数 money"))?;
    let due_time = parse_time(&input.pay_back_date)
        .map(end_of_day)
        .ok_or_else(|| bad("pay_back_date 应为日期，如 2019-12-31"))?;
    if input.who == user.id {
        return Err(bad("不能向自己借款"));
    }
    let now = clock::now();
    if due_time < now {
        return Err(bad("pay_back_date 不能早于今天"));
    }
    app.db
        .write(move |tx| {
            let lender = store::user_by_id(tx, input.who)?
                .ok_or_else(|| not_found(format!("没有 id 为 {} 的用户", input.who)))?;
            let id = store::insert_borrowing(tx, user.id, lender.id, money, due_time, now)?;
            let text = format!(
                "{} 请你借给他 {} 元，{} 前还。同意吗？记录号：【{id}】",
                user.username,
                number(money),
                model::format_day(due_time)
            );
            let message = Outgoing {
                sender: Some(user.id),
                receiver: lender.id,
                kind: MessageKind::BorrowRequest,
                title: "借款请求",
                text: &text,
            };
            store::insert_message(tx, message, now)?;
            Ok(Done {})
        })
        .await
}

/// PUT borrow_money/borrow/: the lender answers a request sent to them;
/// the borrower is told either way.
pub async fn decide(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<BorrowDecision>,
) -> Result<Done, Error> {
    let app = call.app;
    let agree = match input.is_agree {
        0 => true,
        1 => false,
        _ => return Err(bad("is_agree 应为 0（同意）或 1（拒绝）")),
    };
    let now = clock::now();
    app.db
        .write(move |tx| {
            let borrowing = store::pending_for_lender(tx, user.id, input.borrow_id)?;
            let verdict = if agree {
                store::agree_borrowing(tx, &borrowing, now)?;
                "同意"
            } else {
                store::refuse_borrowing(tx, borrowing.id)?;
                "拒绝"
            };
            let text = format!(
                "{} {verdict}了你 {} 元的借款请求（记录号【{}】）",
                user.username,
                number(borrowing.money),
                borrowing.id
            );
            let message = Outgoing {
                sender: Some(user.id),
                receiver: borrowing.borrower_id,
                kind: MessageKind::Notice,
                title: "借款请求的答复",
                text: &text,
            };
            store::insert_message(tx, message, now)?;
            Ok(Done {})
        })
        .await
}

/// GET borrow_money/payBack/: what the caller still owes, in
/// `{code, msg, data}`; none answers 201 `no data`, as the original does.
pub async fn owed(
    call: Call,
    Caller { user, .. }: Caller,
) -> Result<Option<BorrowingsData>, Error> {
    let app = call.app;
    app.db
        .read(move |conn| {
            let data: Vec<_> = store::open_borrowings(conn, user.id)?
                .iter()
                .map(model::Borrowing::view)
                .collect();
            Ok((!data.is_empty()).then_some(BorrowingsData { data }))
        })
        .await
}

/// POST borrow_money/payBack/: pays `money` of the caller's agreed
/// borrowing `bill_id` back to its lender `who`; the lender is told.
pub async fn pay_back(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<PayBack>,
) -> Result<Done, Error> {
    let app = call.app;
    let money =
        model::positive_money(Some(input.money), "money")?.ok_or_else(|| bad("缺少参数 money"))?;
    let now = clock::now();
    app.db
        .write(move |tx| {
            let borrowing = store::borrowing_by_id(tx, input.bill_id)?
                .filter(|b| b.borrower_id == user.id && b.lender_id == input.who)
                .ok_or_else(|| {
                    not_found(format!(
                        "你没有向用户 {} 借过记录号 {} 的款",
                        input.who, input.bill_id
                    ))
                })?;
            store::pay_back(tx, &borrowing, money, now)?;
            let text = format!(
                "{} 还给你 {} 元（记录号【{}】）",
                user.username,
                number(money),
                borrowing.id
            );
            let message = Outgoing {
                sender: Some(user.id),
                receiver: borrowing.lender_id,
                kind: MessageKind::User,
                title: "还款",
                text: &text,
            };
            store::insert_message(tx, message, now)?;
            Ok(Done {})
        })
        .await
}
