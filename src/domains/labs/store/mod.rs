//! Every SQL statement on labs' tables. Functions taking a transaction run
//! on the single writer, so a code is checked and used, or a project's lab
//! checked and the project changed, with nothing in between.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::DOMAIN;
use super::envelope::{Error, failed};
use super::model::{
    Account, CAPTCHA_LIFETIME_SECS, CODE_LIFETIME_SECS, CODE_TRIES, CodeProblem, Lab,
    MAIL_GAP_SECS, Member, NewUser, Profile, Project, ProjectFields, ProjectItemJson, Purpose,
    Status, User, code_hash, shown_opt_status, stage,
};
use super::model::{
    BulletinItemJson, BulletinJson, Notice, NotificationJson, SYSTEM_ADMIN, SYSTEM_BULLETIN, millis,
};
use crate::events::{self, Audience};

mod accounts;
mod codes;
mod labs;
mod notices;
mod projects;

pub use accounts::*;
pub use codes::*;
pub use labs::*;
pub use notices::*;
pub use projects::*;
