//! Family finance over real HTTP: accounts and tokens, messages, families,
//! bills, deposits, loans, the report and its chart.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod borrowing;
mod events;
mod families;
mod generated;
mod ledger;
mod messages;
mod report;

use common::family::*;
use common::{TestApp, assert_no_secrets, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
