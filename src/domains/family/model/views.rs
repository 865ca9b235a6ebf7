//! Family's typed answers in the seed's shape: the keys a success carries
//! after `code` and `msg`, or the bare body of the lists and user info.
//! Their schemas are the response schemas of `/openapi.json`.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::money::Amount;

/// A family: `family_member` maps `parent<id>` / `members<id>` to
/// usernames, parents first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::FamilyJson)]
pub struct FamilyJson {
    pub id: i64,
    pub family_name: String,
    #[schema(value_type = std::collections::HashMap<String, String>)]
    pub family_member: Map<String, Value>,
}

/// A user's family, or the string `"null"` without one (as the seed shows).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[schema(as = family::FamilyOrNull)]
pub enum FamilyOrNull {
    Family(FamilyJson),
    /// Always `"null"`.
    None(&'static str),
}

/// `user_manage/user_info`: the user without any secret.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::UserJson)]
pub struct UserJson {
    pub id: i64,
    pub username: String,
    pub telephone: String,
    pub email: String,
    pub sex: String,
    pub family1: FamilyOrNull,
}

/// `GET family/familyManage`: the family with the caller's token, or
/// `family: "null"`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[schema(as = family::FamilyInfo)]
pub enum FamilyInfo {
    Family {
        token: String,
        #[serde(flatten)]
        family: FamilyJson,
    },
    None {
        /// Always `"null"`.
        family: &'static str,
    },
}

/// A message; `send_id` and `receive_id` are usernames (`系统` for the
/// system) as the document shows, or user ids under `--compat family`;
/// `state` 0 unread, 1 starred, 2 read; `type` 0 from a user, 1 a notice,
/// 2 a join request, 3 a borrow request.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::MessageJson)]
pub struct MessageJson {
    pub id: i64,
    pub send_id: UserRef,
    pub receive_id: UserRef,
    pub send_name: String,
    pub receive_name: String,
    pub title: String,
    pub text: String,
    pub send_time: String,
    pub state: i64,
    #[serde(rename = "type")]
    pub kind: i64,
}

/// A user named by username, or by id.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[schema(as = family::UserRef)]
pub enum UserRef {
    Name(String),
    Id(i64),
}

/// An application to join the caller's family.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::ApplicationJson)]
pub struct ApplicationJson {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub apply_time: String,
}

/// An income or expense bill; `bill_type` 收入 or 支出.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::BillJson)]
pub struct BillJson {
    pub id: i64,
    pub remarks: String,
    #[schema(value_type = f64)]
    pub money: Amount,
    pub time: String,
    pub username: String,
    pub bill_type: &'static str,
}

/// `bill/data/`: the caller's income (type 0) and expense (type 10) in
/// total and by `concrete_type`, as the original's charts read them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::StatisticsJson)]
pub struct StatisticsJson {
    #[schema(value_type = f64)]
    pub all_income: Amount,
    #[schema(value_type = f64)]
    pub all_expend: Amount,
    pub income_projects: Vec<String>,
    #[schema(value_type = Vec<f64>)]
    pub income_money: Vec<Amount>,
    pub expend_projects: Vec<String>,
    #[schema(value_type = Vec<f64>)]
    pub expend_money: Vec<Amount>,
    /// Income less expense.
    #[schema(value_type = f64)]
    pub overage: Amount,
}

/// `{"code": 200, "msg": "ok", "data": [bills]}`: the original's answer
/// that the document shows bare.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::BillsData)]
pub struct BillsData {
    pub data: Vec<BillJson>,
}

/// `{"code": 200, "msg": "ok", "data": {statistics}}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::StatisticsData)]
pub struct StatisticsData {
    pub data: StatisticsJson,
}

/// One of the caller's borrowings in `borrow_money/payBack/`, by the
/// original's field names.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::BorrowingJson)]
pub struct BorrowingJson {
    pub id: i64,
    /// Still owed.
    #[schema(value_type = f64)]
    pub money: Amount,
    /// The day to pay back by, `2019-12-31`.
    pub deadline: String,
    pub borrower: String,
    /// 未处理 (waiting for the lender) or 已发款 (agreed).
    pub status: &'static str,
    pub lender: String,
    pub lender_id: i64,
}

/// `{"code": 200, "msg": "ok", "data": [borrowings]}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::BorrowingsData)]
pub struct BorrowingsData {
    pub data: Vec<BorrowingJson>,
}

/// A bank deposit; `rate` a yearly percentage.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::DepositJson)]
pub struct DepositJson {
    pub id: i64,
    pub bank: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = f64)]
    pub money: Amount,
    #[schema(value_type = f64)]
    pub rate: Amount,
    pub start_time: String,
    pub end_time: Option<String>,
    pub username: String,
}

/// A loan; `state` 已还清 once repaid in full, else 未还清.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::LoanJson)]
pub struct LoanJson {
    pub id: i64,
    pub direction: String,
    pub counterparty: String,
    #[schema(value_type = f64)]
    pub money: Amount,
    #[schema(value_type = f64)]
    pub repaid: Amount,
    pub time: String,
    pub due_time: Option<String>,
    pub state: &'static str,
    pub username: String,
}

/// One repayment of a loan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::RepaymentJson)]
pub struct RepaymentJson {
    pub id: i64,
    pub loan_id: i64,
    #[schema(value_type = f64)]
    pub money: Amount,
    pub time: String,
}

/// One month of the report (`2019-10`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::MonthJson)]
pub struct MonthJson {
    pub month: String,
    #[schema(value_type = f64)]
    pub income: Amount,
    #[schema(value_type = f64)]
    pub expense: Amount,
}

/// One member's part of a family report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::MemberJson)]
pub struct MemberJson {
    pub username: String,
    #[schema(value_type = f64)]
    pub income: Amount,
    #[schema(value_type = f64)]
    pub expense: Amount,
    #[schema(value_type = f64)]
    pub net: Amount,
}

/// `report`: totals over the period, net worth, the months (gaps filled)
/// and the members.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::ReportJson)]
pub struct ReportJson {
    /// `self` or `family`.
    pub scope: &'static str,
    #[schema(value_type = f64)]
    pub income: Amount,
    #[schema(value_type = f64)]
    pub expense: Amount,
    #[schema(value_type = f64)]
    pub net: Amount,
    #[schema(value_type = f64)]
    pub savings: Amount,
    #[schema(value_type = f64)]
    pub lent_outstanding: Amount,
    #[schema(value_type = f64)]
    pub borrowed_outstanding: Amount,
    #[schema(value_type = f64)]
    pub net_worth: Amount,
    pub months: Vec<MonthJson>,
    pub members: Vec<MemberJson>,
}

/// A new session's token (register, login).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::TokenJson)]
pub struct TokenJson {
    pub token: String,
}

/// `DELETE user_manage/about_family`: whether the family went with the
/// caller (the last member).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::Left)]
pub struct LeftJson {
    pub family_removed: bool,
}

/// A success with nothing after `code` and `msg`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = family::Done)]
pub struct Done {}

// What handlers answer (their schemas in the API docs).
crate::shaped!(
    ApplicationJson,
    BillJson,
    BillsData,
    BorrowingsData,
    DepositJson,
    Done,
    FamilyInfo,
    FamilyJson,
    LeftJson,
    LoanJson,
    MessageJson,
    RepaymentJson,
    ReportJson,
    StatisticsData,
    TokenJson,
    UserJson,
);
