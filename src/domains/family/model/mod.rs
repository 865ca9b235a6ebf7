//! Family's data as the handlers see it, the checks on client values, and
//! the seed's JSON shapes (times as `2019-12-13 21:42:22`, messages as
//! `2019-11-16T16:17:52Z`, money as JSON numbers).

use serde_json::{Map, Value, json};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::envelope::{Error, bad};
use crate::body::Cents;
use crate::money::Amount;

/// `role`: not in a family.
pub const NO_FAMILY: i64 = 0;
/// `role`: an ordinary member.
pub const MEMBER: i64 = 1;
/// `role`: a parent, who decides applications and sees everyone's money.
pub const PARENT: i64 = 2;

/// A family account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub telephone: String,
    pub email: String,
    pub sex: String,
    pub family_id: Option<i64>,
    pub role: i64,
}

impl crate::app::LoginAccount for User {
    fn account_id(&self) -> i64 {
        self.id
    }
    fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

impl User {
    pub fn is_parent(&self) -> bool {
        self.role == PARENT && self.family_id.is_some()
    }
}

/// A family with its members, in the order of their places.
#[derive(Debug, Clone)]
pub struct Family {
    pub id: i64,
    pub name: String,
    pub members: Vec<FamilyMember>,
}

/// One member and their place: parents hold places 1 and 2, other members
/// 3 to 8 (the original's `parent1`, `parent2`, `members3` ... `members8`).
#[derive(Debug, Clone)]
pub struct FamilyMember {
    pub id: i64,
    pub username: String,
    pub role: i64,
    pub slot: i64,
}

/// The places parents hold.
pub const PARENT_SLOTS: std::ops::RangeInclusive<i64> = 1..=2;
/// The places other members hold.
pub const MEMBER_SLOTS: std::ops::RangeInclusive<i64> = 3..=8;

impl Family {
    /// The seed's `family_member`: `parent1`, `parent2`, `members3` ...
    /// `members8` → username, as the document's example and the original
    /// system number them (`familyManage/models.py`, `FamilyMembers`).
    pub fn member_map(&self) -> Map<String, Value> {
        let mut map = Map::new();
        for member in &self.members {
            let key = if member.role == PARENT {
                format!("parent{}", member.slot)
            } else {
                format!("members{}", member.slot)
            };
            map.insert(key, json!(member.username));
        }
        map
    }

    /// `{"id", "family_name", "family_member"}`.
    pub fn view(&self) -> FamilyJson {
        FamilyJson {
            id: self.id,
            family_name: self.name.clone(),
            family_member: self.member_map(),
        }
    }
}

/// `GET user_info`: the user without any secret; `family1` is the string
/// `"null"` without a family, as the seed shows.
pub fn user_json(user: &User, family: Option<&Family>) -> UserJson {
    UserJson {
        id: user.id,
        username: user.username.clone(),
        telephone: user.telephone.clone(),
        email: user.email.clone(),
        sex: user.sex.clone(),
        family1: match family {
            Some(family) => FamilyOrNull::Family(family.view()),
            None => FamilyOrNull::None("null"),
        },
    }
}

/// A message in someone's inbox.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    /// The sender's id and username; `None` for the system.
    pub sender: Option<(i64, String)>,
    pub receiver: (i64, String),
    pub title: String,
    pub text: String,
    pub sent_at: i64,
    pub state: i64,
    pub kind: MessageKind,
}

/// What a message is, as the original's `type` numbers it
/// (`messageManage/models.py`, `MESSAGE_TYPE`); its front-end draws the
/// agree and refuse buttons for 2 and 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// From a user.
    User = 0,
    /// A notice: a decision, a hand-over, someone leaving.
    Notice = 1,
    /// A request to join the receiver's family, from the applicant.
    JoinRequest = 2,
    /// A request to borrow money from the receiver, from the borrower.
    BorrowRequest = 3,
}

impl MessageKind {
    pub fn from_code(code: i64) -> MessageKind {
        match code {
            1 => MessageKind::Notice,
            2 => MessageKind::JoinRequest,
            3 => MessageKind::BorrowRequest,
            _ => MessageKind::User,
        }
    }
}

/// Who system messages come from, as `send_id` and `send_name`.
pub const SYSTEM_SENDER: &str = "系统";

impl Message {
    /// The document's message (`send_id` and `receive_id` are usernames);
    /// `numeric_ids`: the original's, where they are user ids (its
    /// front-end answers a join request with `user_id: send_id`).
    pub fn view(&self, numeric_ids: bool) -> MessageJson {
        let (send_id, send_name) = match &self.sender {
            Some((id, name)) => (*id, name.clone()),
            None => (0, SYSTEM_SENDER.to_string()),
        };
        let (receive_id, receive_name) = self.receiver.clone();
        let user_ref = |id: i64, name: &str| {
            if numeric_ids {
                views::UserRef::Id(id)
            } else {
                views::UserRef::Name(name.to_string())
            }
        };
        MessageJson {
            id: self.id,
            send_id: user_ref(send_id, &send_name),
            receive_id: user_ref(receive_id, &receive_name),
            send_name,
            receive_name,
            title: self.title.clone(),
            text: self.text.clone(),
            send_time: format_iso(self.sent_at),
            state: self.state,
            kind: self.kind as i64,
        }
    }
}

/// Income or expense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillKind {
    Income,
    Expense,
}

impl BillKind {
    /// The `kind` column.
    pub fn column(self) -> &'static str {
        match self {
            BillKind::Income => "income",
            BillKind::Expense => "expense",
        }
    }

    /// The original's type code of a plain bill of this kind.
    pub fn default_code(self) -> i64 {
        match self {
            BillKind::Income => 0,
            BillKind::Expense => 10,
        }
    }

    /// The kind of an original type code: under 10 is money coming in.
    pub fn of_code(code: i64) -> BillKind {
        if code < 10 {
            BillKind::Income
        } else {
            BillKind::Expense
        }
    }
}

/// The original's bill types (`billsManage/models.py`, `BILL_TYPE`):
/// `bill_type` as sent, and as shown.
pub const BILL_TYPES: [(i64, &str); 5] = [
    (0, "收入"),
    (1, "借来的钱"),
    (10, "支出"),
    (11, "借出去的钱"),
    (12, "存入银行的钱"),
];

/// The label of a type code.
pub fn bill_type_label(code: i64) -> &'static str {
    BILL_TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("收入", |(_, label)| label)
}

/// An income or expense record.
#[derive(Debug, Clone)]
pub struct Bill {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub kind: BillKind,
    pub money: i64,
    pub remarks: String,
    pub time: i64,
    /// The original's type code (see [`BILL_TYPES`]).
    pub type_code: i64,
}

impl Bill {
    pub fn view(&self) -> BillJson {
        BillJson {
            id: self.id,
            remarks: self.remarks.clone(),
            money: Amount(self.money),
            time: format_time(self.time),
            username: self.username.clone(),
            bill_type: bill_type_label(self.type_code),
        }
    }
}

/// A bank deposit.
#[derive(Debug, Clone)]
pub struct Deposit {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub bank: String,
    /// 活期 or 定期.
    pub kind: String,
    pub money: i64,
    /// Yearly interest in hundredths of a percent.
    pub rate: i64,
    pub start_time: i64,
    pub end_time: Option<i64>,
}

impl Deposit {
    pub fn view(&self) -> DepositJson {
        DepositJson {
            id: self.id,
            bank: self.bank.clone(),
            kind: self.kind.clone(),
            money: Amount(self.money),
            rate: Amount(self.rate),
            start_time: format_time(self.start_time),
            end_time: self.end_time.map(format_time),
            username: self.username.clone(),
        }
    }
}

/// Money borrowed or lent.
#[derive(Debug, Clone)]
pub struct Loan {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    /// 借入 or 借出.
    pub direction: String,
    pub counterparty: String,
    pub money: i64,
    pub repaid: i64,
    pub time: i64,
    pub due_time: Option<i64>,
}

impl Loan {
    pub fn outstanding(&self) -> i64 {
        self.money - self.repaid
    }

    pub fn view(&self) -> LoanJson {
        LoanJson {
            id: self.id,
            direction: self.direction.clone(),
            counterparty: self.counterparty.clone(),
            money: Amount(self.money),
            repaid: Amount(self.repaid),
            time: format_time(self.time),
            due_time: self.due_time.map(format_time),
            state: if self.outstanding() == 0 {
                "已还清"
            } else {
                "未还清"
            },
            username: self.username.clone(),
        }
    }
}

/// A request to borrow from another user (`borrow_money/`).
#[derive(Debug, Clone)]
pub struct Borrowing {
    pub id: i64,
    pub borrower_id: i64,
    pub borrower: String,
    pub lender_id: i64,
    pub lender: String,
    pub money: i64,
    pub due_time: i64,
    /// Agreed by the lender (else still waiting).
    pub agreed: bool,
    /// What is still to pay back.
    pub owed: i64,
}

impl Borrowing {
    /// The original's record: `money` is what is still owed, `status` its
    /// 未处理 / 已发款, `deadline` the day to pay back by.
    pub fn view(&self) -> BorrowingJson {
        BorrowingJson {
            id: self.id,
            money: Amount(self.owed),
            deadline: format_day(self.due_time),
            borrower: self.borrower.clone(),
            status: if self.agreed {
                "已发款"
            } else {
                "未处理"
            },
            lender: self.lender.clone(),
            lender_id: self.lender_id,
        }
    }
}

/// One repayment of a loan.
#[derive(Debug, Clone)]
pub struct Repayment {
    pub id: i64,
    pub loan_id: i64,
    pub money: i64,
    pub time: i64,
}

impl Repayment {
    pub fn view(&self) -> RepaymentJson {
        RepaymentJson {
            id: self.id,
            loan_id: self.loan_id,
            money: Amount(self.money),
            time: format_time(self.time),
        }
    }
}

mod times;
mod values;
mod views;

pub use times::*;
pub use values::*;
pub use views::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_the_forms_clients_send() {
        let expected = parse_time("2019-10-01 12:12:12").unwrap();
        assert_eq!(format_time(expected), "2019-10-01 12:12:12");
        assert_eq!(parse_time("2019-10-1 12:12:12"), Some(expected));
        assert_eq!(parse_time("2019-10-01T12:12:12Z"), Some(expected));
        assert_eq!(parse_time("2019-10-01T12:12:12.5Z"), Some(expected));
        assert_eq!(parse_time("2019/10/1 12:12:12"), Some(expected));
        assert_eq!(
            parse_time("2019-10-01"),
            Some(expected - 12 * 3600 - 12 * 60 - 12)
        );
        for bad in [
            "",
            "yesterday",
            "2019-13-01",
            "2019-02-30",
            "2019-10-01 25:00:00",
            "1969-12-31",
            "2019-10-01+08:00",
            "20190-1-1",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_iso(expected), "2019-10-01T12:12:12Z");
        assert_eq!(format_month(expected), "2019-10");
    }

    #[test]
    fn month_and_day_boundaries() {
        let dec = parse_time("2019-12-13 21:42:22").unwrap();
        assert_eq!(format_time(next_month(dec)), "2020-01-01 00:00:00");
        assert_eq!(format_time(end_of_day(dec)), "2019-12-13 23:59:59");
    }

    #[test]
    fn family_member_keys_name_the_role_and_place_not_the_user_id() {
        let family = Family {
            id: 2,
            name: "newfamily".into(),
            members: vec![
                FamilyMember {
                    id: 7,
                    username: "家长".into(),
                    role: PARENT,
                    slot: 1,
                },
                FamilyMember {
                    id: 2,
                    username: "用户3".into(),
                    role: MEMBER,
                    slot: 3,
                },
            ],
        };
        assert_eq!(
            Value::Object(family.member_map()),
            json!({"parent1": "家长", "members3": "用户3"})
        );
    }
}
