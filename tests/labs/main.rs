//! The labs domain over real HTTP: every endpoint, the captcha, mailed codes
//! through the outbox and through a real SMTP server, the role rules, bad
//! input, and a code racing with itself.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod codes;
mod events;
mod input;
mod labs_and_notices;
mod projects;

use common::labs::*;
use common::smtp::SmtpSink;
use common::{TestApp, assert_no_secrets, code_in, outbox, spawn_app_with};
use serde_json::{Value, json};
