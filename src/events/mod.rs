//! Realtime events (`GET /{domain}/events`, server-sent events).
//!
//! A domain's store stages an event inside the write transaction that makes
//! the change ([`stage`]), naming who may read it. The [`Hub`] observes the
//! database's writer ([`crate::db::CommitObserver`]): it publishes what a
//! write staged only after that transaction commits, in commit order, and
//! drops it if it rolls back. So no one hears of a change that
//! did not happen, and the last event about a thing is its latest state.
//!
//! Each domain has its own channel: ids count up from 1, and the last
//! [`BACKLOG`] events are kept for `Last-Event-ID`. Each open stream has a
//! queue of its own that only the events it may read are put in; a slow
//! reader can fall behind by at most [`BACKLOG`] before it is skipped ahead
//! (and told so in a `skipped` event). The state of a busy thing (a lot's
//! free spots) goes out at most every [`COALESCE`] ([`stage_state`]). A
//! stream checks its session again whenever a committed write ended
//! sessions and at every heartbeat, and ends when the session has.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;
use warp::reply::Reply;

use crate::web::Response;

/// Events a stream can resume from, per domain.
pub const BACKLOG: usize = 256;
/// A comment line this often keeps proxies and browsers from closing an
/// idle stream.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// How often a stream looks whether a write ended sessions.
const SESSION_CHECK: Duration = Duration::from_millis(250);
/// The least time between two states of one thing (see [`stage_state`]).
pub const COALESCE: Duration = Duration::from_millis(250);
/// Streams one account may hold open in one domain by default.
pub const DEFAULT_PER_ACCOUNT: usize = 8;
/// Streams the whole server holds open by default (`--max-streams`): half
/// of the default `--max-connections`, so streams never take every one.
pub const DEFAULT_TOTAL: usize = 512;

/// The query of `GET /{domain}/events`, for the API document: an
/// `EventSource` cannot set headers, so the session token may come here.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = events::StreamQuery)]
pub struct StreamQuery {
    /// The session token, where no `Authorization: Bearer` header or
    /// session cookie is sent.
    pub token: Option<String>,
    /// The last event id seen, where no `Last-Event-ID` header is sent.
    pub last_event_id: Option<u64>,
}

/// Who may read an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every logged-in user of the domain.
    Everyone,
    /// These accounts of the domain.
    Accounts(Vec<i64>),
}

impl Audience {
    fn includes(&self, account: i64) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Accounts(ids) => ids.contains(&account),
        }
    }
}

/// One committed change, as its readers receive it.
#[derive(Debug)]
pub struct Event {
    pub id: u64,
    pub name: &'static str,
    /// The JSON data, in the domain's own field names.
    pub data: String,
    pub audience: Audience,
}

mod hub;
mod sse;
mod staging;

pub use hub::{Feed, Hub, Live, Refused, Subscription};
pub use sse::{SessionGuard, StillValid, open, stream, token_of};
pub(crate) use staging::Staged;
pub use staging::{stage, stage_state};
