//! kill -9 in the middle of writes to all five domains, round after round:
//! every write the server acknowledged is in the file afterwards, `onebox
//! check` is clean and the invariants hold (a lot's live orders within its
//! capacity, a product's stock plus what was sold equal to what it had).
//! `ONEBOX_CRASH_ROUNDS` sets the rounds (5 here; `scripts/crash-rounds`
//! runs 20).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{RunningBinary, binary};
use serde_json::{Value, json};

/// An acknowledged write, as a query that must find exactly one row.
type Proof = (&'static str, String);

/// The demo lot with the smallest capacity (5): reservations race for it.
const CRAMPED_LOT: i64 = 3;

async fn post(
    client: &reqwest::Client,
    url: String,
    body: Value,
    token: Option<&str>,
) -> Option<Value> {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.ok()?.json().await.ok()
}

/// One writer: until stopped (or the server dies), makes a write in its
/// domain and records the proof of each acknowledged one.
async fn write_until_stopped(
    domain: &'static str,
    writer: usize,
    round: usize,
    base: String,
    stop: Arc<AtomicBool>,
    proofs: Arc<Mutex<Vec<Proof>>>,
) {
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{base}{path}");
    let mut shop_token: Option<String> = None;
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let name = format!("r{round}w{writer}n{i}");
        let proof: Option<Proof> = match domain {
            "parking" => {
                let Some(made) = post(
                    &client,
                    url("/parking/api/user/new"),
                    json!({"username": name, "password": "secret123", "email": "c@example.com"}),
                    None,
                )
                .await
                else {
                    return;
                };
                if made["code"] != 200 {
                    continue;
                }
                proofs.lock().unwrap().push((
                    "SELECT count(*) FROM parking_users WHERE username = ?1",
                    name.clone(),
                ));
                let Some(login) = post(
                    &client,
                    url("/parking/api/user/login"),
                    json!({"username": name, "password": "secret123"}),
                    None,
                )
                .await
                else {
                    return;
                };
                let Some(token) = login["data"]["token"].as_str() else {
                    continue;
                };
                // A reservation needs money on the balance.
                if post(
                    &client,
                    url("/parking/api/user/recharge"),
                    json!({"username": name, "amount": "100"}),
                    Some(token),
                )
                .await
                .is_none()
                {
                    return;
                }
                let Some(order) = post(
                    &client,
                    url("/parking/api/order/new"),
                    json!({"username": name, "parkinglot_id": CRAMPED_LOT}),
                    Some(token),
                )
                .await
                else {
                    return;
                };
                order["data"]["id"].as_i64().map(|id| {
                    (
                        "SELECT count(*) FROM parking_orders WHERE id = ?1",
                        id.to_string(),
                    )
                })
            }
            "labs" => {
                let email = format!("{name}@example.com");
                let Some(sent) = post(
                    &client,
                    url("/labs/user/register/mail"),
                    json!({"email": email}),
                    None,
                )
                .await
                else {
                    return;
                };
                (sent["status"] == 200).then(|| {
                    (
                        "SELECT count(*) FROM labs_codes WHERE email = ?1",
                        email.clone(),
                    )
                })
            }
            "rental" => {
                let Some(made) = post(
                    &client,
                    url("/rental/operation/register"),
                    json!({"username": name, "password": "secret123", "name": "张三",
                           "id_type": "身份证", "id_number": "110101199001011234",
                           "phone": "13800000000", "city": "北京"}),
                    None,
                )
                .await
                else {
                    return;
                };
                (made["state"] == 1).then(|| {
                    (
                        "SELECT count(*) FROM rental_users WHERE username = ?1",
                        name.clone(),
                    )
                })
            }
            "family" => {
                let Some(made) = post(
                    &client,
                    url("/family/api/v1/user_manage/register/"),
                    json!({"username": name, "password": "secret123", "pwdagain": "secret123"}),
                    None,
                )
                .await
                else {
                    return;
                };
                (made["code"] == 200).then(|| {
                    (
                        "SELECT count(*) FROM family_users WHERE username = ?1",
                        name.clone(),
                    )
                })
            }
            "shop" => {
                if shop_token.is_none() {
                    let Some(login) = post(
                        &client,
                        url("/shop/user/login"),
                        json!({"email": "customer@example.com", "password": "customer1234"}),
                        None,
                    )
                    .await
                    else {
                        return;
                    };
                    shop_token = login["data"]["token"].as_str().map(str::to_string);
                    continue;
                }
                let Some(order) = post(
                    &client,
                    url("/shop/order/create"),
                    json!({"product_id": 1 + i % 3, "quantity": 1}),
                    shop_token.as_deref(),
                )
                .await
                else {
                    return;
                };
                order["data"]["id"].as_i64().map(|id| {
                    (
                        "SELECT count(*) FROM shop_orders WHERE id = ?1",
                        id.to_string(),
                    )
                })
            }
            other => panic!("no domain {other}"),
        };
        if let Some(proof) = proof {
            proofs.lock().unwrap().push(proof);
        }
    }
}

/// Each product's stock plus the quantity sold of it.
fn stock_and_sold(db: &Path) -> BTreeMap<i64, i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut statement = conn
        .prepare(
            "SELECT p.id, p.stock_quantity + COALESCE((SELECT sum(quantity) FROM shop_orders o \
             WHERE o.product_id = p.id), 0) FROM shop_products p",
        )
        .unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_kill_9_in_every_domain_each_acknowledged_write_survives() {
    let rounds: usize = std::env::var("ONEBOX_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut expected_stock = None;
    let mut proofs_total = 0;
    for round in 0..rounds {
        let server = RunningBinary::start(&db, &["--demo", "--captcha", "off"]);
        let stock = stock_and_sold(&db);
        assert!(!stock.is_empty());
        assert_eq!(
            expected_stock.get_or_insert_with(|| stock.clone()),
            &stock,
            "round {round}: stock plus sold changed"
        );
        let stop = Arc::new(AtomicBool::new(false));
        let proofs: Arc<Mutex<Vec<Proof>>> = Arc::default();
        let mut writers = Vec::new();
        for (writer, domain) in ["parking", "labs", "rental", "family", "shop"]
            .into_iter()
            .cycle()
            .take(10)
            .enumerate()
        {
            writers.push(tokio::spawn(write_until_stopped(
                domain,
                writer,
                round,
                server.base.clone(),
                stop.clone(),
                proofs.clone(),
            )));
        }
        tokio::time::sleep(Duration::from_millis(500 + 97 * round as u64 % 400)).await;
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.await.unwrap();
        }
        let proofs = proofs.lock().unwrap().clone();
        assert!(
            proofs.len() > 10,
            "round {round}: too little traffic ({})",
            proofs.len()
        );
        proofs_total += proofs.len();

        let (ok, out) = {
            let output = binary()
                .args(["check", "--db", db.to_str().unwrap()])
                .output()
                .unwrap();
            (
                output.status.success(),
                String::from_utf8_lossy(&output.stdout).into_owned(),
            )
        };
        assert!(ok, "round {round}: check failed: {out}");
        let conn = rusqlite::Connection::open(&db).unwrap();
        for (query, key) in &proofs {
            let found: i64 = conn.query_row(query, [key], |row| row.get(0)).unwrap();
            assert_eq!(
                found, 1,
                "round {round}: acknowledged and lost: {query} {key}"
            );
        }
        let over_capacity: i64 = conn
            .query_row(
                "SELECT count(*) FROM parking_lots l WHERE (SELECT count(*) FROM parking_orders o \
                 WHERE o.lot_id = l.id AND o.status IN (0, 1)) > l.capacity",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(over_capacity, 0, "round {round}: a lot is over capacity");
        drop(conn);
        assert_eq!(
            expected_stock.as_ref(),
            Some(&stock_and_sold(&db)),
            "round {round}: stock plus sold changed"
        );
    }
    println!("{rounds} rounds, {proofs_total} acknowledged writes checked");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let orders: i64 = conn
        .query_row("SELECT count(*) FROM shop_orders", [], |row| row.get(0))
        .unwrap();
    let live: i64 = conn
        .query_row(
            "SELECT count(*) FROM parking_orders WHERE status IN (0, 1)",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(
        orders > 3,
        "too few shop orders to test the stock: {orders}"
    );
    assert!(live > 0, "no parking reservation was made");
    println!("shop orders: {orders}, live parking orders: {live}");
}
