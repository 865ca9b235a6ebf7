//! Load benchmark for onebox (not a test): starts the release binary on a new
//! database, drives it over loopback with many concurrent connections, and
//! prints requests/s and p50/p99 latency per workload next to `/healthz`
//! measured in the same run, plus start-up time and memory.
//!
//! ```text
//! cargo build --release && cargo run --release --example loadgen -- --seconds 5
//! ```
//!
//! `--baseline target/release/examples/bare` instead runs onebox and the bare
//! warp + rusqlite server (`examples/bare.rs`, the same SQL on a copy of the
//! same database) side by side, workload by workload in turns (`--turns N`,
//! default 2), and prints each onebox figure as a ratio of the bare one: the
//! median of the turns' ratios, and each turn's.
//!
//! `--soak MINUTES` instead runs mixed traffic across the five domains (reads
//! and writes) for that long and prints, per window of `--seconds`, req/s,
//! p99, RSS and open file descriptors, so a leak shows as a climb.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod baseline;
mod classroom;
mod million;
mod parking;
mod process;
mod rental;
mod report;
mod shop;
mod soak;
mod streams;

use baseline::*;
use million::*;
use parking::*;
use process::*;
use rental::*;
use report::*;
use shop::*;
use soak::*;

/// The operator token the classroom's server is started with (it reads
/// the labs students' mailed codes from the outbox).
const OPERATOR_TOKEN: &str = "loadgen-operator-token";

/// onebox's load benchmark: workloads against a release build, alone or
/// side by side with another build or the bare warp + rusqlite server.
#[derive(clap::Parser)]
#[command(name = "loadgen")]
struct Args {
    /// The server binary to measure.
    #[arg(long, default_value = "target/release/onebox")]
    binary: PathBuf,
    /// Seconds per workload.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Connections each workload holds.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Only rental's 100,000-house workloads.
    #[arg(long, group = "only")]
    rental_only: bool,
    /// Only shop's 100,000-product workloads.
    #[arg(long, group = "only")]
    shop_only: bool,
    /// Every shop and rental list over a million rows each.
    #[arg(long, group = "only")]
    million: bool,
    /// 200 students at work, then a login storm.
    #[arg(long, group = "only")]
    classroom: bool,
    /// Parking orders beside 1,000 open event streams.
    #[arg(long, group = "only")]
    streams: bool,
    /// Minutes of mixed traffic, measured window by window.
    #[arg(long)]
    soak: Option<u64>,
    /// The bare warp + rusqlite server (`examples/bare`) to compare with.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Only the side-by-side workloads whose name contains this (to profile
    /// one of them).
    #[arg(long)]
    workload: Option<String>,
    /// Turns of onebox then bare per side-by-side workload; the verdict is
    /// the median of the turns' ratios, which one noisy turn cannot move.
    #[arg(long, default_value_t = 2)]
    turns: usize,
}

struct Options {
    binary: PathBuf,
    seconds: u64,
    connections: usize,
    /// Only this domain's 100,000-row workloads (`rental` or `shop`), or
    /// `million`: both lists over a million rows each, or `classroom`.
    only: Option<String>,
    soak: Option<u64>,
    baseline: Option<PathBuf>,
    workload: Option<String>,
    turns: usize,
}

fn options() -> Options {
    let args = <Args as clap::Parser>::parse();
    let only = [
        (args.rental_only, "rental"),
        (args.shop_only, "shop"),
        (args.million, "million"),
        (args.classroom, "classroom"),
        (args.streams, "streams"),
    ]
    .into_iter()
    .find_map(|(chosen, name)| chosen.then(|| name.to_string()));
    Options {
        binary: args.binary,
        seconds: args.seconds,
        connections: args.connections,
        only,
        soak: args.soak,
        baseline: args.baseline,
        workload: args.workload,
        turns: args.turns,
    }
}

/// A small deterministic generator, so every run lists the same houses.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// A GET (no body) or a JSON POST; the status, 0 when the request failed.
async fn get_or_post(client: &reqwest::Client, url: String, body: Option<Value>) -> (u16, Value) {
    let request = match body {
        Some(body) => client.post(url).json(&body),
        None => client.get(url),
    };
    match request.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let options = options();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.db");
    // The server closes a keep-alive connection idle for 5 s
    // (`--header-timeout`); a request sent on one as it closes is lost, so
    // idle connections are dropped before that.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .pool_idle_timeout(Duration::from_secs(4))
        .build()
        .expect("client");
    let started = process::start(&options, &db, &client).await;
    let (base, pid) = (started.base.as_str(), started.pid);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_rss = rss_mb(pid);
    if options.soak.is_some() {
        soak(&client, base, pid, &db, &options).await;
    } else if let Some(bare) = &options.baseline {
        side_by_side(&client, base, pid, &db, bare, &options).await;
    } else {
        match options.only.as_deref() {
            Some("streams") => {
                add_bench_lot(&options, &db);
                streams::run(&client, base, options.connections, options.seconds).await;
            }
            Some("classroom") => {
                classroom::run(&client, base, &options, &db).await;
            }
            Some(only) => one_domain(&client, base, pid, &db, &options, only).await,
            None => {
                let (mut reports, notes) =
                    parking_workloads(&client, base, pid, &db, &options).await;
                reports.extend(rental_workloads(&client, base, &db, &options).await);
                reports.extend(shop_workloads(&client, base, &db, &options).await);
                print_reports(&reports, &options);
                notes.print(options.connections);
                println!(
                    "start-up to first answer (new database): {:.1} ms",
                    started.startup_ms
                );
                println!(
                    "RSS idle: {idle_rss:.1} MB; peak at 256 connections: {:.1} MB",
                    notes.rss_256
                );
            }
        }
    }
}

/// `/healthz`, then one domain's 100,000-row workloads (or both lists over
/// a million rows each).
async fn one_domain(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    db: &Path,
    options: &Options,
    only: &str,
) {
    let (c, url) = (client.clone(), format!("{base}/healthz"));
    let healthz = drive(
        "GET /healthz",
        options.connections,
        options.seconds,
        move |_| {
            let (c, url) = (c.clone(), url.clone());
            async move { c.get(url).send().await.is_ok() }
        },
    )
    .await;
    let mut reports = vec![healthz];
    match only {
        "million" => reports.extend(million_workloads(client, base, pid, db, options).await),
        "shop" => reports.extend(shop_workloads(client, base, db, options).await),
        _ => reports.extend(rental_workloads(client, base, db, options).await),
    }
    print_reports(&reports, options);
}
