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

/// Loads the demo data unless parking already has lots or users.
pub async fn load(app: &SharedApp) -> crate::error::Result<()> {
    let empty = app
        .db
        .read(|conn| {
            Ok::<bool, crate::error::Error>(conn.query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM parking_lots) AND NOT EXISTS (SELECT 1 FROM parking_users)",
                [],
                |row| row.get(0),
            )?)
        })
        .await?;
    if !empty {
        tracing::info!("parking: demo data skipped, the tables already hold data");
        return Ok(());
    }
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
    app.db
        .write(move |tx| {
            for (name, capacity, price) in LOTS {
                store::insert_lot(tx, name, *capacity, *price)?;
            }
            for (name, hash, email, balance) in &users {
                let id = store::insert_user(tx, name, email, hash, now)?;
                store::recharge(tx, id, *balance)?;
            }
            Ok::<_, Error>(())
        })
        .await
        .map_err(|e| crate::error::Error::Other(e.to_string()))?;
    tracing::info!("parking: demo data loaded (users demo/demo1234, alice/alice1234)");
    Ok(())
}
