//! `--streams`: the parking order workload alone, then beside 1,000 open
//! event streams (`GET /parking/events`), then alone again. 64 users order
//! and cancel in a loop, each with a stream of their own; 117 more users
//! watch the lots with 8 streams each. It prints the order rate each time
//! and what every stream received: each must get every lot update (the
//! same count on every stream, none skipped), and each ordering user's
//! stream its own orders.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{Report, drive, order_cycle, parking_users};

const WATCHERS: usize = 117;
const STREAMS_PER_WATCHER: usize = 8;

/// What one stream received.
#[derive(Default)]
struct Received {
    lot: AtomicU64,
    order: AtomicU64,
    skipped: AtomicU64,
    open: AtomicU64,
}

/// Opens a stream for `name` and counts its events until aborted.
fn open_stream(
    client: reqwest::Client,
    base: String,
    name: String,
    token: String,
    received: Arc<Received>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let url = format!("{base}/parking/events?username={name}&token={token}");
        let Ok(mut response) = client.get(url).send().await else {
            return;
        };
        if !response.status().is_success() {
            return;
        }
        received.open.store(1, Ordering::Relaxed);
        let mut tail = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            tail.push_str(&String::from_utf8_lossy(&chunk));
            // Count whole lines only; keep a partial last line for later.
            let complete = tail.rfind('\n').map_or(0, |i| i + 1);
            for line in tail[..complete].lines() {
                match line {
                    "event:lot" => received.lot.fetch_add(1, Ordering::Relaxed),
                    "event:order" => received.order.fetch_add(1, Ordering::Relaxed),
                    "event:skipped" => received.skipped.fetch_add(1, Ordering::Relaxed),
                    _ => 0,
                };
            }
            tail.drain(..complete);
        }
    })
}

async fn orders(
    client: &reqwest::Client,
    base: &str,
    users: &Arc<Vec<(String, String)>>,
    name: &str,
    connections: usize,
    seconds: u64,
) -> Report {
    let (c, b, t) = (client.clone(), base.to_string(), users.clone());
    drive(name, connections, seconds, move |w| {
        let (name, token) = t[w % t.len()].clone();
        order_cycle(c.clone(), b.clone(), name, token)
    })
    .await
}

pub async fn run(client: &reqwest::Client, base: &str, connections: usize, seconds: u64) {
    let orderers = Arc::new(parking_users(client, base, "bench", connections).await);
    let watchers = parking_users(client, base, "watch", WATCHERS).await;
    let quiet = orders(
        client,
        base,
        &orderers,
        "order/new + cancel, no streams",
        connections,
        seconds,
    )
    .await;

    // A client of their own: each stream holds a connection.
    let streams_client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let mut opened = Vec::new();
    for (name, token) in orderers.iter() {
        opened.push((true, Arc::new(Received::default()), name, token));
    }
    for (name, token) in &watchers {
        for _ in 0..STREAMS_PER_WATCHER {
            opened.push((false, Arc::new(Received::default()), name, token));
        }
    }
    let tasks: Vec<_> = opened
        .iter()
        .map(|(_, received, name, token)| {
            open_stream(
                streams_client.clone(),
                base.to_string(),
                name.to_string(),
                token.to_string(),
                received.clone(),
            )
        })
        .collect();
    // Every stream open before the orders start.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while opened
        .iter()
        .any(|(_, r, _, _)| r.open.load(Ordering::Relaxed) == 0)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every stream opened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let streams = opened.len();
    let beside = orders(
        client,
        base,
        &orderers,
        &format!("order/new + cancel, {streams} streams open"),
        connections,
        seconds,
    )
    .await;
    // The last held lot state goes out within 250 ms.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let lots: Vec<u64> = opened
        .iter()
        .map(|(_, r, _, _)| r.lot.load(Ordering::Relaxed))
        .collect();
    let skipped: u64 = opened
        .iter()
        .map(|(_, r, _, _)| r.skipped.load(Ordering::Relaxed))
        .sum();
    let own_orders: Vec<u64> = opened
        .iter()
        .filter(|(orders, _, _, _)| *orders)
        .map(|(_, r, _, _)| r.order.load(Ordering::Relaxed))
        .collect();
    let watcher_orders: u64 = opened
        .iter()
        .filter(|(orders, _, _, _)| !*orders)
        .map(|(_, r, _, _)| r.order.load(Ordering::Relaxed))
        .sum();
    for task in tasks {
        task.abort();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = orders(
        client,
        base,
        &orderers,
        "order/new + cancel, no streams again",
        connections,
        seconds,
    )
    .await;

    println!("| workload | req/s | p50 ms | p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|");
    for r in [&quiet, &beside, &again] {
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {} |",
            r.name, r.rate, r.p50_ms, r.p99_ms, r.errors
        );
    }
    let alone = (quiet.rate + again.rate) / 2.0;
    println!(
        "\nwith {streams} streams open: {:.2}x the order rate alone (target: at least 0.80x)",
        beside.rate / alone
    );
    let (min_lot, max_lot) = (
        lots.iter().min().copied().unwrap_or(0),
        lots.iter().max().copied().unwrap_or(0),
    );
    println!(
        "lot updates per stream: {min_lot}..{max_lot} (every stream the same: {}); skipped: {skipped}",
        min_lot == max_lot && min_lot > 0
    );
    println!(
        "own order events per ordering user: {}..{}; order events on watchers' streams: {watcher_orders}",
        own_orders.iter().min().copied().unwrap_or(0),
        own_orders.iter().max().copied().unwrap_or(0),
    );
    assert!(
        min_lot == max_lot && min_lot > 0,
        "a stream missed lot updates"
    );
    assert_eq!(skipped, 0, "a stream was skipped ahead");
    assert!(
        own_orders.iter().all(|n| *n > 0),
        "an ordering user heard of no order"
    );
    assert_eq!(watcher_orders, 0, "a watcher heard of someone else's order");
}
