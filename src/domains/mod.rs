//! The registry of systems. Each is a module that owns its routes,
//! handlers, SQL (tables prefixed with its name), wire envelope, demo data,
//! command-line flags and subcommands; none reads another's tables. Each
//! exports one [`Descriptor`] the core iterates: the core names no domain,
//! so a sixth one touches its own folder and the lines of this file.

pub use crate::descriptor::{ApiDocs, Descriptor, ROUTING_STATUSES};

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

/// Each domain's administration subcommands (`onebox <domain> ...`).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Parking administration.
    Parking {
        #[command(subcommand)]
        command: parking::Command,
    },
    /// Lab projects administration.
    Labs {
        #[command(subcommand)]
        command: labs::Command,
    },
    /// House rental administration.
    Rental {
        #[command(subcommand)]
        command: rental::Command,
    },
    /// Family finance administration.
    Family {
        #[command(subcommand)]
        command: family::Command,
    },
    /// Shop administration.
    Shop {
        #[command(subcommand)]
        command: shop::Command,
    },
}

impl Command {
    /// Runs the subcommand; the line to print, or the error to show.
    pub fn run(self) -> Result<String, String> {
        match self {
            Command::Parking { command } => command.run(),
            Command::Labs { command } => command.run(),
            Command::Rental { command } => command.run(),
            Command::Family { command } => command.run(),
            Command::Shop { command } => command.run(),
        }
    }
}

/// The domain of this name.
pub fn find(name: &str) -> Option<&'static Descriptor> {
    ALL.iter().copied().find(|d| d.name == name)
}

/// Parses a domain name on the command line.
pub fn name_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(ALL.iter().map(|d| d.name))
}
