//! The multi-seller shop over real HTTP: accounts, shops, invitation codes,
//! products with images, pages, orders, and the races on codes and stock.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod events;
mod generated;
mod input;
mod orders;
mod products;
mod shops;

use common::shop::*;
use common::{TestApp, assert_no_secrets, spawn_app};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
