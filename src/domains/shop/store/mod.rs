//! Every SQL statement on shop's tables. Joining by code and buying run on
//! the single writer in one `BEGIN IMMEDIATE` transaction, each as one
//! guarded UPDATE (`usage_count < usage_limit`, `stock_quantity >= ?`), so
//! no concurrency uses a code past its limit or sells stock that is gone.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::DOMAIN;
use super::envelope::{Error, shop_error};
use super::model::{
    Invitation, Order, Ordering, Product, ProductFilter, ProductNews, Shop, UNAVAILABLE, User,
    status_for,
};
use crate::events::{self, Audience};

/// The products table, for remembered totals.
pub const PRODUCTS: &str = "shop_products";
/// Written by a trigger when a product's price, name or description changes.
pub const PRODUCT_MOVES: &str = "shop_product_moves";

mod accounts;
mod cart;
pub mod lists;
mod orders;
mod products;
mod shops;

pub use accounts::*;
pub use cart::*;
pub use orders::*;
pub use products::*;
pub use shops::*;
