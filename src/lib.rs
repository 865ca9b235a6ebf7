//! onebox: one binary serving the REST backends of five classic web systems
//! (parking, labs, rental, family, shop) from one SQLite file.
//!
//! Shared pieces live once at the top level; each system is a module under
//! [`domains`] that owns its routes, handlers, SQL and wire envelope.
#![deny(clippy::unwrap_used, clippy::expect_used)]
pub mod app;
pub mod assets;
pub mod body;
pub mod cache;
pub mod captcha;
pub mod cli;
pub mod clock;
pub mod db;
pub mod domains;
pub mod endpoint;
pub mod error;
pub mod files;
pub mod mail;
pub mod money;
pub mod openapi;
pub mod operator;
pub mod outbox;
pub mod password;
pub mod server;
pub mod session;
pub mod throttle;
pub mod web;
