//! Shop's command line: `onebox shop`.

use std::path::Path;

use super::demo;
use crate::args::DbArg;

/// `onebox shop ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add COUNT generated products in 20 generated shops, the same on
    /// every run: for trying a front-end's paging and for load tests. The
    /// shops' sellers (generated-seller0..19@example.com) get a password
    /// nobody is told; reset one in the console to log in. A running
    /// server's remembered lists show the new products within a minute.
    GenerateProducts {
        /// How many products to add.
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
            Command::GenerateProducts { count, db } => generate_products(&db.path, count),
        }
    }
}

/// `onebox shop generate-products`: adds the products to a database file;
/// the line to print names the product that never runs out.
pub fn generate_products(db: &Path, count: u64) -> Result<String, String> {
    let seller_hash = crate::password::unknown_password_hash()?;
    let added =
        crate::db::write_for_cli(db, |tx| demo::generated_products(tx, count, &seller_hash))?;
    let first = match added.first {
        Some((product, shop)) => format!("; product {product} (shop {shop}) never runs out"),
        None => String::new(),
    };
    Ok(format!(
        "added {} shop products in {} shops{first}",
        added.count, added.shops
    ))
}
