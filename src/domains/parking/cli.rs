//! Parking's command line: its flag of `onebox serve` and `onebox parking`.

use std::path::Path;
use std::time::Duration;

use super::store;
use crate::args::{DbArg, parse_duration, parse_yuan};

/// Parking's flags of `onebox serve`.
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[group(skip)]
pub struct Flags {
    /// Parking: a reservation not started within this expires (e.g. 30m,
    /// 90s, 1h).
    #[arg(long, env = "ONEBOX_RESERVE_TIMEOUT", default_value = "30m", value_parser = parse_duration)]
    pub reserve_timeout: Duration,
}

/// The defaults above, for a server started without a command line.
impl Default for Flags {
    fn default() -> Self {
        Flags {
            reserve_timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// `onebox parking ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a parking lot.
    AddLot {
        /// Lot name, unique (shown to users as `parkinglot`).
        #[arg(long)]
        name: String,
        /// Number of spots.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        capacity: i64,
        /// Price per started hour in yuan, e.g. 5 or 4.50.
        #[arg(long, value_parser = parse_yuan)]
        price: i64,
        #[command(flatten)]
        db: DbArg,
    },
}

impl Command {
    /// Runs the subcommand; the line to print.
    pub fn run(self) -> Result<String, String> {
        match self {
            Command::AddLot {
                name,
                capacity,
                price,
                db,
            } => {
                let id = add_lot(&db.path, &name, capacity, price)?;
                Ok(format!(
                    "added parking lot {id}: {}, {capacity} spots",
                    name.trim()
                ))
            }
        }
    }
}

/// `onebox parking add-lot`: adds a lot to a database file.
pub fn add_lot(db: &Path, name: &str, capacity: i64, price_cents: i64) -> Result<i64, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err("the lot name must be 1 to 64 characters".into());
    }
    crate::db::write_for_cli(db, |tx| store::insert_lot(tx, name, capacity, price_cents))
}
