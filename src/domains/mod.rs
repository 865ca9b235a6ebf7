//! The registry of systems. Each is a module that owns its routes,
//! handlers, SQL (tables prefixed with its name), wire envelope, demo data,
//! command-line flags and subcommands; none reads another's tables. Each
//! exports one [`Descriptor`] the core iterates: the core names no domain,
//! so a sixth one touches its own folder and the lines of this file.

use futures_util::future::BoxFuture;
use warp::filters::BoxedFilter;

use crate::app::SharedApp;
use crate::endpoint::Endpoint;
use crate::web::Response;

pub mod family;
pub mod labs;
pub mod parking;
pub mod rental;
pub mod shop;

/// Every domain this build serves, in the order they are listed.
pub static ALL: &[&Descriptor] = &[
    &parking::DESCRIPTOR,
    &labs::DESCRIPTOR,
    &rental::DESCRIPTOR,
    &family::DESCRIPTOR,
    &shop::DESCRIPTOR,
];

/// The flags of every domain, flattened into `onebox serve`.
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
pub struct Flags {
    #[command(flatten)]
    pub parking: parking::Flags,
    #[command(flatten)]
    pub labs: labs::Flags,
    #[command(flatten)]
    pub rental: rental::Flags,
}

impl Flags {
    /// Each domain's flags, by type, for [`crate::app::App::flags`].
    pub fn into_extensions(self) -> warp::http::Extensions {
        let mut flags = warp::http::Extensions::new();
        flags.insert(self.parking);
        flags.insert(self.labs);
        flags.insert(self.rental);
        flags
    }
}

/// The administration subcommands of the domains that have some.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Parking administration.
    Parking {
        #[command(subcommand)]
        command: parking::Command,
    },
    /// House rental administration.
    Rental {
        #[command(subcommand)]
        command: rental::Command,
    },
    /// Lab projects administration.
    Labs {
        #[command(subcommand)]
        command: labs::Command,
    },
}

impl Command {
    /// Runs the subcommand; the line to print, or the error to show.
    pub fn run(self) -> Result<String, String> {
        match self {
            Command::Parking { command } => command.run(),
            Command::Rental { command } => command.run(),
            Command::Labs { command } => command.run(),
        }
    }
}

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
    /// Its route tree, answering every request under its prefix.
    pub routes: fn(&SharedApp) -> BoxedFilter<(Response,)>,
    /// Loads demo data when its tables are empty.
    pub load_demo: fn(&SharedApp) -> BoxFuture<'_, crate::error::Result<()>>,
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
}

/// Statuses every domain may answer with, from routing.
pub const ROUTING_STATUSES: &[(u16, &str)] =
    &[(404, "No such path"), (405, "Wrong method (see Allow)")];

/// The domain of this name.
pub fn find(name: &str) -> Option<&'static Descriptor> {
    ALL.iter().copied().find(|d| d.name == name)
}

/// Parses a domain name on the command line.
pub fn name_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(ALL.iter().map(|d| d.name))
}
