//! What every handler is given: the database, password hashing, the login
//! throttle, the mailer and the settings chosen on the command line.

use std::sync::Arc;
use std::time::Duration;

use warp::Filter;

use crate::body::Limits;
use crate::db::Db;
use crate::mail::Mailer;
use crate::password::Passwords;
use crate::throttle::Throttle;
use crate::totals::Totals;

/// Settings the domains read.
#[derive(Debug, Clone)]
pub struct Settings {
    pub limits: Limits,
    /// Parking: a reservation not started within this becomes expired.
    pub reserve_timeout: Duration,
    /// Added before every API answer (teaching front-ends about latency).
    pub delay: Duration,
    /// Labs: login asks for the captcha.
    pub captcha: bool,
    /// Rental: a deal's commission, in basis points of one month's rent.
    pub commission_bp: i64,
}

/// Shared state of a running server.
pub struct App {
    pub db: Db,
    pub passwords: Passwords,
    pub throttle: Throttle,
    pub mailer: Mailer,
    pub totals: Totals,
    pub settings: Settings,
}

pub type SharedApp = Arc<App>;

/// Hands the shared state to a handler.
pub fn with_app(
    app: SharedApp,
) -> impl Filter<Extract = (SharedApp,), Error = std::convert::Infallible> + Clone {
    warp::any().map(move || app.clone())
}
