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

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod baseline;
mod classroom;
mod million;
mod parking;
mod rental;
mod shop;
mod soak;
mod streams;

use baseline::*;
use million::*;
use parking::*;
use rental::*;
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

#[derive(Default)]
struct Outcome {
    latencies_us: Vec<u32>,
    errors: usize,
}

struct Report {
    name: String,
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
}

/// Runs `connections` loops of `step` for `seconds`; each step's latency is
/// recorded and `Ok(false)` or `Err` counts as an error.
async fn drive<F, Fut>(name: &str, connections: usize, seconds: u64, step: F) -> Report
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let step = Arc::new(step);
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let (step, stop) = (step.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = step(worker).await;
                outcome
                    .latencies_us
                    .push(started.elapsed().as_micros() as u32);
                if !ok {
                    outcome.errors += 1;
                }
            }
            outcome
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let outcome = task.await.expect("worker");
        all.extend(outcome.latencies_us);
        errors += outcome.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pick = |q: f64| {
        all.get(((all.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    Report {
        name: name.to_string(),
        rate: all.len() as f64 / elapsed,
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
        errors,
    }
}

fn rss_mb(pid: u32) -> f64 {
    status_mb(pid, "VmRSS:")
}

/// A memory figure of `/proc/PID/status` in MB. The resident set counts the
/// database file's pages mapped by SQLite's mmap; `RssAnon:` leaves them out,
/// so it is the figure a leak shows in.
fn status_mb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_string))
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |dir| dir.count())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let options = options();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.db");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    // The server closes a keep-alive connection idle for 5 s
    // (`--header-timeout`); a request sent on one as it closes is lost, so
    // idle connections are dropped before that.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .pool_idle_timeout(Duration::from_secs(4))
        .build()
        .expect("client");

    // Start-up: spawn to first answer, on a new database.
    let launched = Instant::now();
    let server = ServerProcess(
        Command::new(&options.binary)
            .args([
                "--db",
                db.to_str().expect("path"),
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            // The soak needs the demo rows and cheap hashes (a register a
            // second is not what it measures).
            .args(if options.soak.is_some() {
                &["--demo", "--bcrypt-cost", "4", "--quiet"][..]
            } else if options.only.as_deref() == Some("streams") {
                &[
                    "--quiet",
                    "--bcrypt-cost",
                    "4",
                    "--max-connections",
                    "4096",
                    "--max-streams",
                    "1100",
                ][..]
            } else if options.only.as_deref() == Some("classroom") {
                &[
                    "--demo",
                    "--quiet",
                    "--captcha",
                    "off",
                    "--admin-token",
                    OPERATOR_TOKEN,
                ][..]
            } else {
                &[][..]
            })
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e} (run cargo build --release first)",
                    options.binary.display()
                )
            }),
    );
    loop {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        assert!(
            launched.elapsed() < Duration::from_secs(10),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    let startup_ms = launched.elapsed().as_secs_f64() * 1000.0;
    let pid = server.0.id();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_rss = rss_mb(pid);
    if options.soak.is_some() {
        soak(&client, &base, pid, &db, &options).await;
        return;
    }
    if let Some(bare) = &options.baseline {
        side_by_side(&client, &base, pid, &db, bare, &options).await;
        return;
    }

    if options.only.as_deref() == Some("streams") {
        add_bench_lot(&options, &db);
        streams::run(&client, &base, options.connections, options.seconds).await;
        return;
    }
    if options.only.as_deref() == Some("classroom") {
        classroom::run(&client, &base, &options.binary, &db, options.seconds).await;
        return;
    }
    if let Some(only) = &options.only {
        let (c, b) = (client.clone(), base.clone());
        let healthz = drive(
            "GET /healthz",
            options.connections,
            options.seconds,
            move |_| {
                let (c, b) = (c.clone(), b.clone());
                async move { c.get(format!("{b}/healthz")).send().await.is_ok() }
            },
        )
        .await;
        let mut reports = vec![healthz];
        if only == "million" {
            reports.extend(million_workloads(&client, &base, pid, &db, &options).await);
        } else if only == "shop" {
            reports.extend(shop_workloads(&client, &base, &db, &options).await);
        } else {
            reports.extend(rental_workloads(&client, &base, &db, &options).await);
        }
        print_reports(&reports, &options);
        return;
    }

    add_bench_lot(&options, &db);
    // One user per connection, each logged in with a balance.
    let tokens = parking_users(&client, &base, "bench", options.connections.max(32)).await;
    let tokens = Arc::new(tokens);
    let (secs, conns) = (options.seconds, options.connections);
    let mut reports = Vec::new();

    let get_ok = |client: reqwest::Client, url: String, token: Option<String>| async move {
        let mut request = client.get(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
            _ => false,
        }
    };

    let (c, b) = (client.clone(), base.clone());
    let healthz = drive("GET /healthz", conns, secs, move |_| {
        get_ok(c.clone(), format!("{b}/healthz"), None)
    })
    .await;
    let (c, b) = (client.clone(), base.clone());
    let lots = drive("GET lot list", conns, secs, move |_| {
        get_ok(c.clone(), format!("{b}/parking/api/parkinglot/list"), None)
    })
    .await;
    let (c, b, t) = (client.clone(), base.clone(), tokens.clone());
    let info = drive("GET user info (token)", conns, secs, move |w| {
        let (name, token) = &t[w % t.len()];
        get_ok(
            c.clone(),
            format!("{b}/parking/api/user/info/{name}"),
            Some(token.clone()),
        )
    })
    .await;
    let (c, b, t) = (client.clone(), base.clone(), tokens.clone());
    let cycles = drive("order/new + cancel (cycle)", conns, secs, move |w| {
        let (name, token) = t[w % t.len()].clone();
        order_cycle(c.clone(), b.clone(), name, token)
    })
    .await;

    // Lot list during 32 concurrent logins (bcrypt cost 10), at the same 64
    // connections as the quiet lot-list row, and also at 8 connections, where
    // the quiet tail is so short that any busy core shows.
    let (c, b) = (client.clone(), base.clone());
    let quiet_8 = drive("GET lot list, 8 conns, quiet", 8, secs, move |_| {
        get_ok(c.clone(), format!("{b}/parking/api/parkinglot/list"), None)
    })
    .await;
    let storm_stop = Arc::new(AtomicBool::new(false));
    let mut storm = Vec::new();
    for n in 0..32 {
        let (c, b, stop) = (client.clone(), base.clone(), storm_stop.clone());
        let name = format!("bench{n}");
        storm.push(tokio::spawn(async move {
            let mut logins = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let ok = c
                    .post(format!("{b}/parking/api/user/login"))
                    .json(&json!({"username": name, "password": "bench-password"}))
                    .send()
                    .await
                    .is_ok();
                logins += u64::from(ok);
            }
            logins
        }));
    }
    let storm_started = Instant::now();
    let (c, b) = (client.clone(), base.clone());
    let stormy = drive("GET lot list, 32 logging in", conns, secs, move |_| {
        get_ok(c.clone(), format!("{b}/parking/api/parkinglot/list"), None)
    })
    .await;
    let (c, b) = (client.clone(), base.clone());
    let stormy_8 = drive("GET lot list, 8 conns, 32 logging in", 8, secs, move |_| {
        get_ok(c.clone(), format!("{b}/parking/api/parkinglot/list"), None)
    })
    .await;
    storm_stop.store(true, Ordering::Relaxed);
    let storm_seconds = storm_started.elapsed().as_secs_f64();
    let mut logins = 0;
    for task in storm {
        logins += task.await.expect("storm");
    }

    // Memory at 256 connections.
    let peak = Arc::new(std::sync::Mutex::new(0f64));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                let now = rss_mb(pid);
                {
                    let mut p = peak.lock().expect("lock");
                    if now > *p {
                        *p = now;
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let (c, b) = (client.clone(), base.clone());
    let wide = drive("GET lot list, 256 conns", 256, secs.min(3), move |_| {
        get_ok(c.clone(), format!("{b}/parking/api/parkinglot/list"), None)
    })
    .await;
    sampler.abort();
    let rss_256 = *peak.lock().expect("lock");

    let storm_ratio = stormy.p99_ms / lots.p99_ms.max(0.001);
    let storm_ratio_8 = stormy_8.p99_ms / quiet_8.p99_ms.max(0.001);
    reports.extend([healthz, lots, info, cycles, stormy, quiet_8, stormy_8, wide]);
    reports.extend(rental_workloads(&client, &base, &db, &options).await);
    reports.extend(shop_workloads(&client, &base, &db, &options).await);
    print_reports(&reports, &options);
    println!(
        "logins completed during the storm: {logins} ({:.0}/s)",
        logins as f64 / storm_seconds
    );
    println!(
        "lot list p99 during the login storm: {storm_ratio:.1}x its quiet p99 at {conns} connections, {storm_ratio_8:.1}x at 8"
    );
    println!("start-up to first answer (new database): {startup_ms:.1} ms");
    println!("RSS idle: {idle_rss:.1} MB; peak at 256 connections: {rss_256:.1} MB");
}

fn print_reports(reports: &[Report], options: &Options) {
    let health_rate = reports[0].rate;
    println!(
        "onebox loadgen: {} connections, {} s per workload, release binary, new database\n",
        options.connections, options.seconds
    );
    println!("| workload | req/s | vs /healthz | p50 ms | p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in reports {
        println!(
            "| {} | {:.0} | {:.0}% | {:.2} | {:.2} | {} |",
            r.name,
            r.rate,
            100.0 * r.rate / health_rate,
            r.p50_ms,
            r.p99_ms,
            r.errors
        );
    }
    println!();
}

/// Runs one of onebox's commands on the database file (the same binary
/// as the server measured); what it printed. The workloads' rows come from
/// these and from HTTP, never from SQL written here.
pub(crate) fn onebox_command(options: &Options, args: &[&str], db: &std::path::Path) -> String {
    let output = Command::new(&options.binary)
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", options.binary.display()));
    assert!(
        output.status.success(),
        "onebox {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
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

/// User plus system CPU time a process has used so far, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) in brackets.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}
