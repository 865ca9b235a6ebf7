//! Every SQL statement on rental's tables. Functions taking a transaction
//! run on the single writer: accepting a request checks the house is still
//! to let, records the deal and lets the house with nothing in between, and
//! a unique index on the deals' house backs that up.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use serde_json::json;

use super::DOMAIN;
use super::envelope::{Error, failed};
use super::model::{
    self, ADMIN_GRADE, CLOSED, LET, ListQuery, Listing, RequestKind, Stored, TO_LET, User,
};
use crate::events::{self, Audience};

pub const HOUSES: &str = "rental_houses";
pub const DEMANDS: &str = "rental_demands";

mod accounts;
mod deals;
mod listings;
pub mod lists;
mod requests;

pub use accounts::*;
pub use deals::*;
pub use listings::*;
pub use requests::*;
