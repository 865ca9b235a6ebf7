//! The rental domain over real HTTP: accounts, listings with every filter
//! and ordering, uploads, the request → deal flow with its owner checks,
//! statistics, bad input, and 20 accepts racing for one house.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod deals;
mod events;
mod generated;
mod input;
mod listings;

use common::rental::*;
use common::{TestApp, assert_no_secrets, spawn_app, spawn_app_with};
use serde_json::{Value, json};
