//! `--demo` data for parking: three lots and two users with known passwords
//! (the README lists them).

use super::envelope::Error;
use super::store;
use crate::app::SharedApp;

const LOTS: &[(&str, i64, i64)] = &[
    ("parkinglot1", 20, 500),
    ("parkinglot2", 50, 800),
    ("东门停车场", 5, 300),
];
/// (username, password, email, balance in cents)
const USERS: &[(&str, &str, &str, i64)] = &[
    ("demo", "demo1234", "demo@example.com", 10_000),
    ("alice", "alice1234", "alice@example.com", 2_000),
];

/// The demo rows, passwords hashed before the write (see [`crate::demo`]).
pub async fn rows(app: &SharedApp) -> crate::error::Result<crate::descriptor::DemoRows> {
    let mut users = Vec::new();
    for (name, password, email, balance) in USERS {
        users.push((
            *name,
            app.passwords.hash(password.to_string()).await?,
            *email,
            *balance,
        ));
    }
    let now = crate::clock::now();
    Ok(crate::descriptor::demo_rows(move |tx| {
        for (name, capacity, price) in LOTS {
            store::insert_lot(tx, name, *capacity, *price)?;
        }
        for (name, hash, email, balance) in &users {
            let id = store::insert_user(tx, name, email, hash, now)?;
            store::recharge(tx, id, *balance)?;
        }
        Ok::<_, Error>(())
    }))
}
