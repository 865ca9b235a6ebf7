//! Family's command line: `onebox family`.

use crate::args::DbArg;

/// `onebox family ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add COUNT generated bills over the last three years, the same on
    /// every run, to the user generated-parent (in a family of their own):
    /// for trying the ledger's lists and the yearly report over a large
    /// ledger. generated-parent gets a password nobody is told; reset it
    /// in the console to log in.
    GenerateBills {
        /// How many bills to add.
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
            Command::GenerateBills { count, db } => {
                let parent_hash = crate::password::unknown_password_hash()?;
                let added = crate::db::write_for_cli(&db.path, |tx| {
                    super::demo::generated_bills(tx, count, &parent_hash)
                })?;
                Ok(format!("added {added} family bills of generated-parent"))
            }
        }
    }
}
