//! Rental's command line: its flag of `onebox serve` and `onebox rental`.

use std::path::Path;

use super::{model, store};
use crate::args::{DbArg, parse_percent};

/// Rental's flags of `onebox serve`.
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[group(skip)]
pub struct Flags {
    /// Rental: a deal's commission, as a percentage of one month's rent
    /// (e.g. 10 or 7.5%).
    #[arg(long = "commission-rate", value_name = "COMMISSION_RATE", env = "ONEBOX_COMMISSION_RATE", default_value = "10", value_parser = parse_percent)]
    pub commission_bp: i64,
}

/// The defaults above, for a server started without a command line.
impl Default for Flags {
    fn default() -> Self {
        Flags {
            commission_bp: 1_000,
        }
    }
}

/// `onebox rental ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an admin (grade 管理员), who sees every deal.
    AddAdmin {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Password, under the same rules as the API's.
        #[arg(long)]
        password: String,
        /// Shortest password accepted, in characters.
        #[arg(long, env = "ONEBOX_MIN_PASSWORD", default_value_t = 8)]
        min_password: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// Add COUNT generated houses to let, the same on every run, across
    /// twelve districts: for trying a front-end's search and paging, and
    /// for load tests. Their owner, generated-owner, gets a password
    /// nobody is told; reset it in the console to log in. A running
    /// server's remembered lists show the new houses within a minute.
    GenerateHouses {
        /// How many houses to add.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        count: u64,
        #[command(flatten)]
        db: DbArg,
    },
}

impl Command {
    /// Runs the subcommand; the line to print.
    pub fn run(self) -> Result<String, String> {
        match self {
            Command::AddAdmin {
                username,
                password,
                min_password,
                db,
            } => {
                add_admin(&db.path, &username, &password, min_password)?;
                Ok(format!("added rental admin {}", username.trim()))
            }
            Command::GenerateHouses { count, db } => {
                let owner_hash = crate::password::unknown_password_hash()?;
                let added = crate::db::write_for_cli(&db.path, |tx| {
                    super::demo::generated_houses(tx, count, &owner_hash)
                })?;
                Ok(format!("added {added} rental houses"))
            }
        }
    }
}

/// `onebox rental add-admin`: adds a user of grade 管理员.
pub fn add_admin(
    db: &Path,
    username: &str,
    password: &str,
    min_password: usize,
) -> Result<(), String> {
    let username = model::check_username(username.trim()).map_err(|e| e.to_string())?;
    let hash = crate::password::hash_for_cli(password, min_password)?;
    let user = store::NewUser {
        username: &username,
        name: &username,
        id_type: "",
        id_number: "",
        phone: "",
        city: "",
        admin: true,
    };
    crate::db::write_for_cli(db, |tx| {
        store::insert_user(tx, &user, &hash, crate::clock::now())
    })?;
    Ok(())
}
