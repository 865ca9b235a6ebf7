//! What the core knows of a domain: one [`Descriptor`] value each domain
//! exports and the registry ([`crate::domains::ALL`]) lists. Everything
//! the server does for every domain (mounting, API docs, the landing page,
//! demo data, background work) iterates these.

use futures_util::future::BoxFuture;
use warp::filters::BoxedFilter;

use crate::app::SharedApp;
use crate::endpoint::Endpoint;
use crate::web::Response;

/// A domain, as the core sees it.
pub struct Descriptor {
    /// URL prefix, command-line name, and the prefix of its tables.
    pub name: &'static str,
    /// What the system is, for people.
    pub title: &'static str,
    /// Its endpoints, from its route table.
    pub endpoints: fn() -> Vec<Endpoint>,
    /// Its envelope, statuses and ways of logging in, for the API docs.
    pub api: ApiDocs,
    /// Its API notes (Markdown, `API.md` beside its code): the decisions
    /// where the seed is silent, shown in its section of `/docs`.
    pub notes: &'static str,
    /// The tables it owns.
    pub tables: &'static [&'static str],
    /// Its server-error envelope (HTTP 500), for faults set in the console.
    pub server_error: fn() -> Response,
    /// Its table of accounts (with `id` and `password_hash`), for the
    /// console's password reset.
    pub accounts: &'static str,
    /// Its route tree, answering every request under its prefix.
    pub routes: fn(&SharedApp) -> BoxedFilter<(Response,)>,
    /// Its demo data, passwords already hashed (see [`crate::demo`]).
    pub demo: fn(&SharedApp) -> BoxFuture<'_, crate::error::Result<DemoRows>>,
    /// The demo logins, for the log line after loading them.
    pub demo_logins: &'static str,
    /// A line for the landing page on a switch a newcomer trips over (labs:
    /// whether login asks for the captcha), if any.
    pub landing_note: fn(&crate::app::App) -> Option<String>,
    /// Starts its periodic work (expiry sweeps and the like), if any.
    pub background: Option<Background>,
}

/// Starts a domain's periodic work; it ends when the receiver turns true.
pub type Background =
    fn(SharedApp, tokio::sync::watch::Receiver<bool>) -> tokio::task::JoinHandle<()>;

/// What a domain's answers look like in `/openapi.json`.
pub struct ApiDocs {
    /// The JSON schema (as JSON text) of every answer, success or failure.
    pub envelope: &'static str,
    /// HTTP statuses an operation may answer with, besides 200.
    pub statuses: &'static [(u16, &'static str)],
    /// Its security schemes: a name and the scheme as JSON text. `bearer`
    /// is shared by every domain and not listed here.
    pub security_schemes: &'static [(&'static str, &'static str)],
    /// Whether `Authorization: Bearer` is accepted.
    pub bearer: bool,
    /// How to log in, for the tag's description.
    pub login: &'static str,
    /// Endpoints whose success is not JSON: path, media type, description.
    pub binary_answers: &'static [(&'static str, &'static str, &'static str)],
    /// The schema of a 200 answer whose success carries `data` of the given
    /// schema (an endpoint with a typed output); without it, `envelope`.
    pub typed_success: Option<fn(serde_json::Value) -> serde_json::Value>,
}

/// Statuses every domain may answer with, from routing.
pub const ROUTING_STATUSES: &[(u16, &str)] =
    &[(404, "No such path"), (405, "Wrong method (see Allow)")];

/// A domain's demo inserts, ready to run inside a write transaction.
pub type DemoRows = Box<dyn FnOnce(&crate::db::Write) -> crate::error::Result<()> + Send>;

/// Wraps a domain's inserts, whatever its error type, as [`DemoRows`].
pub fn demo_rows<E: std::fmt::Display>(
    write: impl FnOnce(&crate::db::Write) -> std::result::Result<(), E> + Send + 'static,
) -> DemoRows {
    Box::new(move |tx| write(tx).map_err(|e| crate::error::Error::Other(format!("demo data: {e}"))))
}

/// A fixed sequence of picks for generated data (`onebox shop
/// generate-products`, `onebox rental generate-houses`): the same rows on
/// every run, so a benchmark over them can be repeated. Not for secrets.
pub struct Picks(u64);

impl Picks {
    pub fn new(seed: u64) -> Self {
        Picks(seed)
    }

    /// The next pick, in `0..below` (`below` > 0).
    pub fn below(&mut self, below: u64) -> u64 {
        // Knuth's MMIX multiplier and increment; the high bits are the
        // well-mixed ones.
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }

    /// One of `choices` (not empty).
    pub fn of<'a, T>(&mut self, choices: &'a [T]) -> &'a T {
        &choices[self.below(choices.len() as u64) as usize]
    }
}
