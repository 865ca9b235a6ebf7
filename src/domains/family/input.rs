//! Family's typed inputs: one struct per request shape, decoded from the
//! body or query by [`crate::body::Form::decode`] after the token check.
//! Their schemas are the request schemas of `/openapi.json`. The token
//! itself may come as a `token` field too (see `handlers::Caller`).
//!
//! A field left out answers `缺少参数 <name>`; money and rates of the wrong
//! form answer their own message ([`wrong_value`]). Text an update may
//! clear is a [`Patch`]: sent empty, it clears; not sent, it stays.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::body::{Cents, Patch, Text};

/// What a wrong value of a money field answers.
pub fn wrong_value(field: &str) -> Option<String> {
    match field {
        "money" => Some("money 应为大于 0 的金额，最多两位小数".into()),
        "rate" => Some(RATE.into()),
        _ => None,
    }
}

/// What a rate of the wrong form or size answers.
pub const RATE: &str = "rate 应为 0 到 100 之间的年利率（百分比）";

/// `user_manage/register`: `pwdagain` repeats the password.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::Registration)]
pub struct Registration {
    #[schema(value_type = String)]
    pub username: Text,
    pub password: String,
    #[schema(required, value_type = String)]
    pub pwdagain: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub telephone: Patch,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Patch,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub sex: Patch,
}

/// `user_manage/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::Credentials)]
pub struct Credentials {
    #[schema(value_type = String)]
    pub username: Text,
    pub password: String,
}

/// `PUT user_manage/user_info`: the fields sent change; `id`, if sent,
/// must be the caller's; `password` needs `pwdagain`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::AccountChange)]
pub struct AccountChange {
    pub id: Option<i64>,
    pub username: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub telephone: Patch,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Patch,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub sex: Patch,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub password: Patch,
    pub pwdagain: Option<String>,
}

/// `GET message`: `state` 0 unread, 1 starred, 2 read.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::MessageFilter)]
pub struct MessageFilter {
    pub state: Option<i64>,
}

/// `POST message`: `receive_id` (or the original's `receive`) is the
/// receiver's username.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::NewMessage)]
pub struct NewMessage {
    #[schema(value_type = Option<String>)]
    pub receive_id: Option<Text>,
    #[schema(value_type = Option<String>)]
    pub receive: Option<Text>,
    #[schema(value_type = String)]
    pub title: Text,
    pub text: String,
}

/// `DELETE message`, the records' `DELETE`, `GET loan/repay`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::Id)]
pub struct Id {
    pub id: i64,
}

/// `PUT message`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::MessageState)]
pub struct MessageState {
    pub id: i64,
    pub state: i64,
}

/// `POST family/familyManage`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::NewFamily)]
pub struct NewFamily {
    #[schema(value_type = String)]
    pub family_name: Text,
}

/// `PUT family/familyManage`: the member who becomes a parent.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::Member)]
pub struct Member {
    pub user_id: i64,
}

/// `POST user_manage/about_family`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::FamilyId)]
pub struct FamilyId {
    pub family_id: i64,
}

/// `PUT family/familyMember`: `is_agree` 0 yes, 1 no; `parent_id`, if
/// sent, is the caller.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::Decision)]
pub struct Decision {
    pub user_id: i64,
    pub is_agree: i64,
    pub parent_id: Option<i64>,
}

/// The record lists and the report: `scope` `self` (the default) or
/// `family` (parents), `start` and `end` as dates (`2019-12-01`) or times.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::RecordQuery)]
pub struct RecordQuery {
    pub scope: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
}

/// `POST bill/Income`, `POST bill/Expense`: `time` (`2019-10-01 12:12:12`)
/// is now when left out.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::NewBill)]
pub struct NewBill {
    #[schema(value_type = f64)]
    pub money: Cents,
    pub remarks: Option<String>,
    pub time: Option<String>,
    /// The original's type: 0 收入, 1 借来的钱, 10 支出, 11 借出去的钱,
    /// 12 存入银行的钱 (default: the endpoint's kind).
    pub bill_type: Option<i64>,
    /// What it was for (the statistics group by it; default 其他).
    pub concrete_type: Option<String>,
}

/// `PUT bill/Income`, `PUT bill/Expense`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::BillChange)]
pub struct BillChange {
    pub id: i64,
    #[schema(value_type = Option<f64>)]
    pub money: Option<Cents>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub remarks: Patch,
    pub time: Option<String>,
}

/// `POST bank/Deposit`: `type` 活期 or 定期 (which needs `end_time`),
/// `rate` a yearly percentage.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::NewDeposit)]
pub struct NewDeposit {
    #[schema(value_type = String)]
    pub bank: Text,
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: Text,
    #[schema(value_type = f64)]
    pub money: Cents,
    #[schema(value_type = Option<f64>)]
    pub rate: Option<Cents>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
}

/// `PUT bank/Deposit`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::DepositChange)]
pub struct DepositChange {
    pub id: i64,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub bank: Patch,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub money: Option<Cents>,
    #[schema(value_type = Option<f64>)]
    pub rate: Option<Cents>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
}

/// `POST loan`: `direction` 借入 or 借出.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::NewLoan)]
pub struct NewLoan {
    #[schema(value_type = String)]
    pub direction: Text,
    #[schema(value_type = String)]
    pub counterparty: Text,
    #[schema(value_type = f64)]
    pub money: Cents,
    pub time: Option<String>,
    pub due_time: Option<String>,
}

/// `PUT loan`: `money` never below what is already repaid.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::LoanChange)]
pub struct LoanChange {
    pub id: i64,
    pub direction: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub counterparty: Patch,
    #[schema(value_type = Option<f64>)]
    pub money: Option<Cents>,
    pub time: Option<String>,
    pub due_time: Option<String>,
}

/// `POST loan/repay`: at most what is outstanding.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::Repayment)]
pub struct Repayment {
    pub id: i64,
    #[schema(value_type = f64)]
    pub money: Cents,
    pub time: Option<String>,
}

/// `POST borrow_money/borrow/`: ask `who` (a user id) for `money`, to pay
/// back by `pay_back_date` (`2019-12-31`).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::BorrowRequest)]
pub struct BorrowRequest {
    pub who: i64,
    #[schema(value_type = f64)]
    pub money: Cents,
    pub pay_back_date: String,
}

/// `PUT borrow_money/borrow/`: the lender's answer to request `borrow_id`;
/// `is_agree` 0 agrees and 1 refuses, as the original counts.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::BorrowDecision)]
pub struct BorrowDecision {
    pub is_agree: i64,
    pub borrow_id: i64,
}

/// `POST borrow_money/payBack/`: pay `money` of borrowing `bill_id` back
/// to its lender `who`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = family::PayBack)]
pub struct PayBack {
    pub who: i64,
    #[schema(value_type = f64)]
    pub money: Cents,
    pub bill_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{DecodeError, Form};

    fn form(json: &str) -> Form {
        Form::from_json(json).unwrap()
    }

    #[test]
    fn an_update_tells_cleared_from_kept() {
        let change: AccountChange = form(r#"{"email": "", "sex": "女"}"#).decode().unwrap();
        assert_eq!(change.email, Patch(Some(String::new())));
        assert_eq!(change.sex, Patch(Some("女".into())));
        assert_eq!(change.telephone, Patch(None));
    }

    #[test]
    fn money_is_read_in_yuan() {
        let bill: NewBill = form(r#"{"money": "12.5", "token": "t"}"#).decode().unwrap();
        assert_eq!(bill.money, Cents(1250));
        let error = form(r#"{"money": "1.234"}"#)
            .decode::<NewBill>()
            .unwrap_err();
        let DecodeError::Field(error) = error else {
            panic!("not a field error")
        };
        assert!(wrong_value(&error.field).is_some_and(|m| m.starts_with("money 应为")));
        let error = form("{}").decode::<Repayment>().unwrap_err();
        assert!(matches!(error, DecodeError::Missing(ref f) if f == "id"));
    }
}
