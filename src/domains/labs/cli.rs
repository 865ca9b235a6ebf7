//! Labs' command line: its flag of `onebox serve` and `onebox labs`.

use std::path::Path;

use super::{model, store};
use crate::args::{DbArg, Switch};

/// Labs' flags of `onebox serve`.
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[group(skip)]
pub struct Flags {
    /// Labs: whether login asks for the captcha of `user/login/code` (off
    /// for API-only clients).
    #[arg(long, env = "ONEBOX_CAPTCHA", value_enum, default_value_t = Switch::On)]
    pub captcha: Switch,
}

/// The defaults above, for a server started without a command line.
impl Default for Flags {
    fn default() -> Self {
        Flags {
            captcha: Switch::On,
        }
    }
}

/// `onebox labs ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an admin (role 3), who can manage labs and every project.
    AddAdmin {
        /// Login id (`sid`) of the admin.
        #[arg(long)]
        sid: String,
        /// Password, under the same rules as the API's.
        #[arg(long)]
        password: String,
        /// Display name (default: the sid).
        #[arg(long)]
        name: Option<String>,
        /// Shortest password accepted, in characters.
        #[arg(long, env = "ONEBOX_MIN_PASSWORD", default_value_t = 8)]
        min_password: usize,
        #[command(flatten)]
        db: DbArg,
    },
}

impl Command {
    /// Runs the subcommand; the line to print.
    pub fn run(self) -> Result<String, String> {
        match self {
            Command::AddAdmin {
                sid,
                password,
                name,
                min_password,
                db,
            } => {
                add_admin(&db.path, &sid, &password, name.as_deref(), min_password)?;
                Ok(format!("added labs admin {}", sid.trim()))
            }
        }
    }
}

/// `onebox labs add-admin`: adds an admin to a database file.
pub fn add_admin(
    db: &Path,
    sid: &str,
    password: &str,
    name: Option<&str>,
    min_password: usize,
) -> Result<(), String> {
    let sid = model::check_sid(sid).map_err(|e| e.to_string())?;
    let name = model::check_name(name.unwrap_or(&sid)).map_err(|e| e.to_string())?;
    let hash = crate::password::hash_for_cli(password, min_password)?;
    let user = model::NewUser {
        sid,
        email: None,
        name,
        profile: model::Profile::default(),
        is_admin: true,
    };
    crate::db::write_for_cli(db, |tx| {
        store::insert_user(tx, &user, &hash, crate::clock::now())
    })?;
    Ok(())
}
