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
    name: String,
    connections: usize,
    seconds: u64,
) -> Report {
    let (c, b, t) = (client.clone(), base.to_string(), users.clone());
    drive(&name, connections, seconds, move |w| {
        let (name, token) = t[w % t.len()].clone();
        order_cycle(c.clone(), b.clone(), name, token)
    })
    .await
}

pub async fn run(client: &reqwest::Client, base: &str, connections: usize, seconds: u64) {
    let orderers = Arc::new(parking_users(client, base, "bench", connections).await);
    let watchers = parking_users(client, base, "watch", WATCHERS).await;
    let order_run = |name: String| orders(client, base, &orderers, name, connections, seconds);
    let quiet = order_run("order/new + cancel, no streams".into()).await;

    let streams = open_all(base, &orderers, &watchers).await;
    let beside = order_run(format!(
        "order/new + cancel, {} streams open",
        streams.len()
    ))
    .await;
    // The last held lot state goes out within 250 ms.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let tally = Tally::of(&streams);
    for stream in &streams {
        stream.task.abort();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = order_run("order/new + cancel, no streams again".into()).await;

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
        "\nwith {} streams open: {:.2}x the order rate alone (target: at least 0.80x)",
        streams.len(),
        beside.rate / alone
    );
    tally.print_and_check();
}

/// One open stream: whose it is and what it received.
struct Stream {
    /// The stream of an ordering user (else a watcher's).
    ordering: bool,
    received: Arc<Received>,
    task: tokio::task::JoinHandle<()>,
}

/// Opens a stream for each ordering user and [`STREAMS_PER_WATCHER`] for
/// each watcher, on a client of their own (each stream holds a
/// connection), and waits until every one is open.
async fn open_all(
    base: &str,
    orderers: &[(String, String)],
    watchers: &[(String, String)],
) -> Vec<Stream> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let whose = orderers.iter().map(|user| (true, user)).chain(
        watchers
            .iter()
            .flat_map(|user| std::iter::repeat_n((false, user), STREAMS_PER_WATCHER)),
    );
    let streams: Vec<Stream> = whose
        .map(|(ordering, (name, token))| {
            let received = Arc::new(Received::default());
            let task = open_stream(
                client.clone(),
                base.to_string(),
                name.clone(),
                token.clone(),
                received.clone(),
            );
            Stream {
                ordering,
                received,
                task,
            }
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while streams
        .iter()
        .any(|s| s.received.open.load(Ordering::Relaxed) == 0)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every stream opened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    streams
}

/// What the streams received, summed up.
struct Tally {
    lots: Vec<u64>,
    skipped: u64,
    own_orders: Vec<u64>,
    watcher_orders: u64,
}

impl Tally {
    fn of(streams: &[Stream]) -> Tally {
        let count = |counter: fn(&Received) -> &AtomicU64, ordering: Option<bool>| -> Vec<u64> {
            streams
                .iter()
                .filter(|s| ordering.is_none_or(|o| s.ordering == o))
                .map(|s| counter(&s.received).load(Ordering::Relaxed))
                .collect()
        };
        Tally {
            lots: count(|r| &r.lot, None),
            skipped: count(|r| &r.skipped, None).iter().sum(),
            own_orders: count(|r| &r.order, Some(true)),
            watcher_orders: count(|r| &r.order, Some(false)).iter().sum(),
        }
    }

    /// Prints the tally; panics when a stream missed or got what it should not.
    fn print_and_check(&self) {
        let (min_lot, max_lot) = (
            self.lots.iter().min().copied().unwrap_or(0),
            self.lots.iter().max().copied().unwrap_or(0),
        );
        println!(
            "lot updates per stream: {min_lot}..{max_lot} (every stream the same: {}); skipped: {}",
            min_lot == max_lot && min_lot > 0,
            self.skipped
        );
        println!(
            "own order events per ordering user: {}..{}; order events on watchers' streams: {}",
            self.own_orders.iter().min().copied().unwrap_or(0),
            self.own_orders.iter().max().copied().unwrap_or(0),
            self.watcher_orders
        );
        assert!(
            min_lot == max_lot && min_lot > 0,
            "a stream missed lot updates"
        );
        assert_eq!(self.skipped, 0, "a stream was skipped ahead");
        assert!(
            self.own_orders.iter().all(|n| *n > 0),
            "an ordering user heard of no order"
        );
        assert_eq!(
            self.watcher_orders, 0,
            "a watcher heard of someone else's order"
        );
    }
}
