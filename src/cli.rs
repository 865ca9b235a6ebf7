//! The command line. Doc comments here are the `--help` text.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::db::Synchronous;

pub use crate::args::DbArg;
use crate::args::{parse_listen, parse_size};

/// Five classic web backends (parking, labs, rental, family, shop) in one
/// binary and one SQLite file. With no subcommand, serves.
#[derive(Debug, Parser)]
#[command(name = "onebox", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the APIs (the default).
    Serve(Box<ServeArgs>),
    /// Copy the database with SQLite's online backup (safe while serving).
    Backup {
        /// The new file to write.
        out: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Check the database's integrity; exits non-zero when it is damaged.
    Check {
        #[command(flatten)]
        db: DbArg,
    },
    /// Make a new operator token for the console at /_/ and print it (the
    /// old one stops working; a running server takes the new one at once).
    OperatorToken {
        #[command(flatten)]
        db: DbArg,
    },
    /// Put one domain (or all) back to its demo data, or empty it, in one
    /// transaction. With the server stopped; while serving, use the
    /// console's reset at /_/reset.
    Reset {
        /// The domain to reset (default: every domain).
        #[arg(long, value_parser = crate::domains::name_parser())]
        domain: Option<String>,
        /// Leave it empty instead of writing the demo data.
        #[arg(long)]
        empty: bool,
        /// bcrypt cost of the demo passwords' hashes.
        #[arg(long, env = "ONEBOX_BCRYPT_COST", default_value_t = crate::password::DEFAULT_COST,
              value_parser = clap::value_parser!(u32).range(4..=31))]
        bcrypt_cost: u32,
        /// The domains' flags, so the demo data is what the server writes.
        #[command(flatten)]
        flags: crate::domains::Flags,
        #[command(flatten)]
        db: DbArg,
    },
    /// Replace the database with a backup (from `onebox backup` or the
    /// console), the server stopped: the backup is checked first and the
    /// old file kept as DB.bak.
    Restore {
        /// The backup file to restore.
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    #[command(flatten)]
    Domain(crate::domains::Command),
}

/// Options of the server.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Address to listen on: `HOST:PORT` (`localhost`, IPv4, `[IPv6]`),
    /// `PORT` (on 127.0.0.1) or `:PORT` (every interface, for a LAN). Port
    /// 0 picks a free port.
    #[arg(long, env = "ONEBOX_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// Domains to serve, comma-separated (default: all in this build).
    #[arg(long, env = "ONEBOX_DOMAINS", value_delimiter = ',', value_parser = crate::domains::name_parser())]
    pub domains: Vec<String>,
    /// Also mount this domain at `/`, so clients written against the seed's
    /// original paths work unchanged.
    #[arg(long, env = "ONEBOX_ROOT", value_parser = crate::domains::name_parser())]
    pub root: Option<String>,
    /// Answer as this domain's original system did where it departs from
    /// its API document (repeatable, or comma-separated): what its own
    /// front-end reads. Each domain's API.md lists the differences.
    #[arg(long, env = "ONEBOX_COMPAT", value_delimiter = ',', value_parser = crate::domains::name_parser())]
    pub compat: Vec<String>,
    /// Serve this folder's files at `/` after every API route (`index.html`
    /// for a folder, and for `/` when it has one): a front-end beside its
    /// API on one origin, with `--root`.
    #[arg(long, env = "ONEBOX_PUBLIC")]
    pub public: Option<std::path::PathBuf>,
    /// Load demo data (users with known passwords, lots, ...) into domains
    /// whose tables are empty.
    #[arg(long, env = "ONEBOX_DEMO")]
    pub demo: bool,
    /// bcrypt cost for new password hashes (4 is for tests only).
    #[arg(long, env = "ONEBOX_BCRYPT_COST", default_value_t = crate::password::DEFAULT_COST,
          value_parser = clap::value_parser!(u32).range(4..=31))]
    pub bcrypt_cost: u32,
    /// Shortest password accepted for new passwords, in characters.
    #[arg(long, env = "ONEBOX_MIN_PASSWORD", default_value_t = 8)]
    pub min_password: usize,
    /// Largest upload accepted (e.g. 5MiB, 800KiB, 1000000).
    #[arg(long, env = "ONEBOX_MAX_UPLOAD", default_value = "5MiB", value_parser = parse_size)]
    pub max_upload: usize,
    /// Largest the database file may grow (e.g. 500MiB); past it writes
    /// fail as on a full disk, reads go on. Default: no limit but the disk.
    #[arg(long, env = "ONEBOX_MAX_DB_SIZE", value_parser = parse_size)]
    pub max_db_size: Option<usize>,
    /// Extra browser origin allowed to call the API with credentials
    /// (repeatable; localhost and 127.0.0.1 on any port always are).
    #[arg(
        long = "cors-origin",
        env = "ONEBOX_CORS_ORIGIN",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// SQLite durability: normal keeps every commit through a crash of the
    /// process; full also through a power loss (slower writes).
    #[arg(long, env = "ONEBOX_SYNCHRONOUS", value_enum, default_value_t = Synchronous::Normal)]
    pub synchronous: Synchronous,
    /// Milliseconds added before every API answer (to teach front-ends to
    /// cope with a slow network).
    #[arg(long, env = "ONEBOX_DELAY", default_value_t = 0)]
    pub delay: u64,
    /// Connections served at once; past it, new ones wait to be accepted
    /// (slow or idle clients cannot exhaust the server's file descriptors).
    #[arg(long, env = "ONEBOX_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Event streams (`GET /{domain}/events`) open at once on the server;
    /// each holds a connection, so keep it under `--max-connections`.
    #[arg(long, env = "ONEBOX_MAX_STREAMS", default_value_t = crate::events::DEFAULT_TOTAL as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams: u32,
    /// Event streams one account may hold open in one domain.
    #[arg(long, env = "ONEBOX_MAX_STREAMS_PER_ACCOUNT", default_value_t = crate::events::DEFAULT_PER_ACCOUNT as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams_per_account: u32,
    /// How long a client may take to send a request's headers (and an idle
    /// connection may wait for its next request) before it is closed.
    #[arg(long, env = "ONEBOX_HEADER_TIMEOUT", default_value = "5s", value_parser = crate::args::parse_duration)]
    pub header_timeout: Duration,
    /// How long a request body may take to arrive before the request is
    /// refused.
    #[arg(long, env = "ONEBOX_BODY_TIMEOUT", default_value = "60s", value_parser = crate::args::parse_duration)]
    pub body_timeout: Duration,
    /// Folder for scheduled backups (made if missing): a checked copy every
    /// --backup-every, the newest --backup-keep kept. Off without it.
    #[arg(long, env = "ONEBOX_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How often a scheduled backup is taken, e.g. 6h, 30m.
    #[arg(long, env = "ONEBOX_BACKUP_EVERY", default_value = "6h", value_parser = crate::args::parse_duration)]
    pub backup_every: Duration,
    /// How many scheduled backups are kept; older ones are removed.
    #[arg(long, env = "ONEBOX_BACKUP_KEEP", default_value_t = 7,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub backup_keep: u32,
    /// Token for the operator console under /_/, for this run (default: one
    /// made when the database is new, printed then, and kept as a digest).
    #[arg(long, env = "ONEBOX_ADMIN_TOKEN")]
    pub admin_token: Option<String>,
    /// SMTP server for the mail the server sends (register and reset codes,
    /// notices), e.g. smtp://localhost:25 or smtps://user:pass@smtp.example.com:465.
    /// Without it every mail goes to the operator's outbox at /_/outbox.
    #[arg(long, env = "ONEBOX_SMTP")]
    pub smtp: Option<String>,
    /// Sender of the mail sent through --smtp.
    #[arg(
        long,
        env = "ONEBOX_MAIL_FROM",
        default_value = "onebox <noreply@localhost>"
    )]
    pub mail_from: String,
    /// Failed logins per account in 15 minutes before its logins are
    /// refused for a while (a class sharing a demo account may want more),
    /// or off.
    #[arg(long, env = "ONEBOX_LOGIN_THROTTLE", default_value = "10", value_parser = crate::args::parse_login_throttle)]
    pub login_throttle: crate::args::LoginThrottle,
    /// A fault for front-ends to cope with, per domain (repeatable):
    /// DOMAIN:delay=MS,errors=RATE adds MS milliseconds before each answer
    /// and turns a RATE share (0 to 1) of answers into the domain's
    /// server error (HTTP 500). The console's /_/faults changes them live.
    #[arg(long = "fault", env = "ONEBOX_FAULT", value_delimiter = ';', value_parser = crate::faults::parse_fault)]
    pub faults: Vec<(String, crate::faults::Fault)>,
    /// No line per request on standard output (the console's request log
    /// at /_/requests still has them).
    #[arg(long, env = "ONEBOX_QUIET")]
    pub quiet: bool,
    #[command(flatten)]
    pub flags: crate::domains::Flags,
}

impl ServeArgs {
    /// The server's options from arguments, as on the command line (tests).
    pub fn from_args<I, T>(args: I) -> Result<ServeArgs, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::try_parse_from(
            std::iter::once("onebox".into()).chain(args.into_iter().map(Into::into)),
        )
        .map(|o| o.serve)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_flag_defaults_match_the_command_line() {
        let args = ServeArgs::from_args(Vec::<String>::new()).unwrap();
        assert_eq!(
            args.flags.parking,
            crate::domains::parking::Flags::default()
        );
        assert_eq!(args.flags.labs, crate::domains::labs::Flags::default());
        assert_eq!(args.flags.rental, crate::domains::rental::Flags::default());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
