//! The parking domain over real HTTP: every endpoint, every documented code,
//! the token rule (406), bad input, expiry and the concurrency invariants.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod events;
mod input;
mod lots;
mod money;
mod orders;

use common::parking::*;
use common::{TestApp, assert_no_secrets, spawn_app, spawn_app_with};
use serde_json::{Value, json};
