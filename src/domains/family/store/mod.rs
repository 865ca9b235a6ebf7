//! Every SQL statement on family's tables. Functions that change a family
//! run on the single writer inside one `BEGIN IMMEDIATE` transaction and
//! re-read what they check there: a decision counts the members it is about
//! to exceed with nothing in between, so no concurrency makes a family of
//! more than its eight places (two for parents) allow.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::DOMAIN;
use super::envelope::{Error, bad, forbidden, not_found};
use super::model::{
    Bill, BillKind, Borrowing, Deposit, Family, FamilyMember, Loan, MEMBER, MEMBER_SLOTS, Message,
    MessageKind, NO_FAMILY, PARENT, PARENT_SLOTS, Period, Repayment, User, format_day,
};
use crate::events::{self, Audience};

mod accounts;
mod borrowings;
mod families;
mod ledger;
mod messages;
mod records;
mod report;

pub use accounts::*;
pub use borrowings::*;
pub use families::*;
pub use ledger::*;
pub use messages::*;
pub use records::*;
pub use report::*;
