//! The five systems. Each is a module that owns its routes, handlers, SQL
//! (tables prefixed with its name) and wire envelope; none reads another's
//! tables. A domain is mounted under `/{name}`.

use warp::filters::BoxedFilter;

use crate::app::SharedApp;
use crate::web::{Endpoint, Example, Response};

pub mod family;
pub mod labs;
pub mod parking;
pub mod rental;
pub mod shop;

/// One of the five systems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Domain {
    Parking,
    Labs,
    Rental,
    Family,
    Shop,
}

impl Domain {
    pub const ALL: [Domain; 5] = [
        Domain::Parking,
        Domain::Labs,
        Domain::Rental,
        Domain::Family,
        Domain::Shop,
    ];

    /// URL prefix and command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Domain::Parking => "parking",
            Domain::Labs => "labs",
            Domain::Rental => "rental",
            Domain::Family => "family",
            Domain::Shop => "shop",
        }
    }

    /// What the system is, for people.
    pub fn title(self) -> &'static str {
        match self {
            Domain::Parking => "Parking reservation: users with a balance, lots, orders",
            Domain::Labs => "University lab projects: students, lab leaders, admins",
            Domain::Rental => "House rental: listings, demands, applications, deals",
            Domain::Family => "Family finance: families, messages, bills, savings, loans",
            Domain::Shop => "Multi-seller shop: customers, sellers, shops, products",
        }
    }

    /// The documented routes, relative to the prefix.
    pub fn endpoints(self) -> &'static [Endpoint] {
        match self {
            Domain::Parking => parking::ENDPOINTS,
            Domain::Labs => labs::ENDPOINTS,
            Domain::Rental => rental::ENDPOINTS,
            Domain::Family => family::ENDPOINTS,
            Domain::Shop => shop::ENDPOINTS,
        }
    }

    /// Example request bodies, for the API docs.
    pub fn examples(self) -> &'static [Example] {
        match self {
            Domain::Parking => parking::EXAMPLES,
            Domain::Labs => labs::EXAMPLES,
            Domain::Rental => rental::EXAMPLES,
            Domain::Family => family::EXAMPLES,
            Domain::Shop => shop::EXAMPLES,
        }
    }

    /// The domain's route tree, answering every request under its prefix.
    pub fn routes(self, app: &SharedApp) -> BoxedFilter<(Response,)> {
        match self {
            Domain::Parking => parking::routes(app.clone()),
            Domain::Labs => labs::routes(app.clone()),
            Domain::Rental => rental::routes(app.clone()),
            Domain::Family => family::routes(app.clone()),
            Domain::Shop => shop::routes(app.clone()),
        }
    }

    /// Loads demo data when the domain's tables are empty.
    pub async fn load_demo(self, app: &SharedApp) -> crate::error::Result<()> {
        match self {
            Domain::Parking => parking::demo::load(app).await,
            Domain::Labs => labs::demo::load(app).await,
            Domain::Rental => rental::demo::load(app).await,
            Domain::Family => family::demo::load(app).await,
            Domain::Shop => shop::demo::load(app).await,
        }
    }

    /// Starts the domain's periodic work (expiry sweeps and the like).
    pub fn spawn_background(
        self,
        app: &SharedApp,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        match self {
            Domain::Parking => Some(parking::spawn_background(app.clone(), stop)),
            Domain::Labs => Some(labs::spawn_background(app.clone(), stop)),
            _ => None,
        }
    }
}
