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

mod classroom;
mod streams;

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

/// `--soak`: mixed reads and writes in every domain, window after window.
async fn soak(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    db: &std::path::Path,
    options: &Options,
) {
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let windows = (options.soak.unwrap_or(10) * 60).div_ceil(options.seconds.max(1));
    println!("| window | req/s | p99 ms | errors | RSS MB | anon MB | db MB | open fds |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut first = None;
    let mut last = None;
    for window in 1..=windows {
        let (c, b, n) = (client.clone(), base.to_string(), counter.clone());
        let report = drive("mixed", options.connections, options.seconds, move |_| {
            let (c, b) = (c.clone(), b.clone());
            let i = n.fetch_add(1, Ordering::Relaxed);
            async move {
                let (path, body) = match i % 10 {
                    0 => ("/parking/api/user/new", Some(json!({"username": format!("soak{i}"), "password": "secret123", "email": "s@example.com"}))),
                    1 => ("/family/api/v1/user_manage/register/", Some(json!({"username": format!("soak{i}"), "password": "secret123", "pwdagain": "secret123"}))),
                    2 => ("/labs/user/login/code", None),
                    3 => ("/rental/operation/register", Some(json!({"username": format!("soak{i}"), "password": "secret123", "name": "张三", "id_type": "身份证", "id_number": "110101199001011234", "phone": "13800000000", "city": "北京"}))),
                    4 | 5 => ("/shop/shop/products", None),
                    6 => ("/shop/shop/products?q=demo&page=2", None),
                    _ => ("/parking/api/parkinglot/list", None),
                };
                let request = match body {
                    Some(body) => c.post(format!("{b}{path}")).json(&body),
                    None => c.get(format!("{b}{path}")),
                };
                match request.send().await {
                    Ok(answer) => answer.status().as_u16() < 500 && answer.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        })
        .await;
        let db_mb = std::fs::metadata(db).map_or(f64::NAN, |m| m.len() as f64 / 1_048_576.0);
        let row = (
            report.rate,
            report.p99_ms,
            rss_mb(pid),
            open_fds(pid),
            status_mb(pid, "RssAnon:"),
        );
        println!(
            "| {window} | {:.0} | {:.2} | {} | {:.1} | {:.1} | {db_mb:.1} | {} |",
            row.0, row.1, report.errors, row.2, row.4, row.3
        );
        first.get_or_insert(row);
        last = Some(row);
    }
    if let (Some(first), Some(last)) = (first, last) {
        println!(
            "first window to last: req/s {:.0} -> {:.0}, p99 {:.2} -> {:.2} ms, RSS {:.1} -> {:.1} MB (anonymous {:.1} -> {:.1}), fds {} -> {}",
            first.0, last.0, first.1, last.1, first.2, last.2, first.4, last.4, first.3, last.3
        );
    }
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
        add_bench_lot(&options.binary, &db);
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

    add_bench_lot(&options.binary, &db);
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

/// Adds the benchmark's parking lot (id 1, 10,000 places) with the CLI.
fn add_bench_lot(binary: &std::path::Path, db: &std::path::Path) {
    let status = Command::new(binary)
        .args([
            "parking",
            "add-lot",
            "--db",
            db.to_str().expect("path"),
            "--name",
            "bench",
            "--capacity",
            "10000",
            "--price",
            "1",
        ])
        .stdout(Stdio::null())
        .status()
        .expect("add-lot");
    assert!(status.success());
}

/// `n` parking users `{prefix}{i}`, registered, logged in and with a
/// balance: (username, token).
async fn parking_users(
    client: &reqwest::Client,
    base: &str,
    prefix: &str,
    n: usize,
) -> Vec<(String, String)> {
    let mut tokens = Vec::new();
    for i in 0..n {
        let name = format!("{prefix}{i}");
        let post = |path: &str, body: Value, token: Option<&str>| {
            let mut request = client.post(format!("{base}{path}")).json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            async move {
                request
                    .send()
                    .await
                    .expect("request")
                    .json::<Value>()
                    .await
                    .expect("json")
            }
        };
        post(
            "/parking/api/user/new",
            json!({"username": name, "password": "bench-password", "email": "b@b"}),
            None,
        )
        .await;
        let login = post(
            "/parking/api/user/login",
            json!({"username": name, "password": "bench-password"}),
            None,
        )
        .await;
        let token = login["data"]["token"].as_str().expect("token").to_string();
        post(
            "/parking/api/user/recharge",
            json!({"username": name, "amount": "100000"}),
            Some(&token),
        )
        .await;
        tokens.push((name, token));
    }
    tokens
}

/// One parking order cycle in lot 1: reserve, then cancel.
async fn order_cycle(c: reqwest::Client, b: String, name: String, token: String) -> bool {
    let Ok(reply) = c
        .post(format!("{b}/parking/api/order/new"))
        .bearer_auth(&token)
        .json(&json!({"username": name, "parkinglot_id": 1}))
        .send()
        .await
    else {
        return false;
    };
    let Ok(body) = reply.json::<Value>().await else {
        return false;
    };
    let Some(id) = body["data"]["id"].as_i64() else {
        return false;
    };
    let Ok(reply) = c
        .post(format!("{b}/parking/api/order/cancel"))
        .bearer_auth(&token)
        .json(&json!({"username": name, "order_id": id}))
        .send()
        .await
    else {
        return false;
    };
    reply
        .json::<Value>()
        .await
        .map(|v| v["code"] == 200)
        .unwrap_or(false)
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

const DISTRICTS: &[&str] = &[
    "北京市海淀区",
    "北京市朝阳区",
    "北京市西城区",
    "上海浦东新区",
    "上海徐汇区",
    "山东省青岛市崂山区",
    "山东省青岛市市南区",
    "浙江省杭州市西湖区",
    "广东省广州市天河区",
    "广东省深圳市南山区",
    "四川省成都市武侯区",
    "湖北省武汉市洪山区",
];
const KINDS: &[&str] = &["一居", "二居", "三居", "四居", "开间"];

/// Fills the rental tables with 100,000 houses of demo size (one owner),
/// written straight into the file while the server runs.
fn seed_houses(db: &std::path::Path, count: usize) {
    let mut conn = rusqlite::Connection::open(db).expect("open for seeding");
    conn.busy_timeout(Duration::from_secs(30))
        .expect("busy timeout");
    let tx = conn.transaction().expect("transaction");
    tx.execute(
        "INSERT INTO rental_users (username, password_hash, name, id_type, id_number, phone, register_city, created_at)
         VALUES ('bench-owner', 'x', '房东', '身份证', '1', '13800000000', '北京', 0)",
        [],
    )
    .expect("owner");
    let owner = tx.last_insert_rowid();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO rental_houses (owner_id, name, district, community, unit, type, house_type, area, floor,
                     elevator, description, imgs, tags, deposit, pay_method, cost, state, created_at, modified_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '[\"/files/1\"]', '[\"独卫\",\"近地铁\"]', ?12, '月', ?12, ?13, 0, 0)",
            )
            .expect("prepare");
        let mut rng = Lcg(42);
        for n in 0..count {
            let district = format!(
                "{}{}街道",
                DISTRICTS[rng.next(DISTRICTS.len() as u64) as usize],
                n % 37
            );
            let kind_index = rng.next(KINDS.len() as u64) as usize;
            let kind = KINDS[kind_index];
            let community = format!("第{}小区", rng.next(500));
            let cost = (1_000 + rng.next(19_000) as i64) * 100;
            let state = if rng.next(10) == 0 {
                "已租"
            } else {
                "待租"
            };
            insert
                .execute(rusqlite::params![
                    owner,
                    format!("{community}{kind}"),
                    district,
                    community,
                    format!("{}单元", rng.next(10) + 1),
                    kind,
                    (kind_index as i64 + 1).min(4),
                    (20 + rng.next(180) as i64) * 100,
                    rng.next(33) as i64 + 1,
                    rng.next(2) as i64,
                    "采光好，交通方便，拎包入住，随时看房",
                    cost,
                    state,
                ])
                .expect("insert house");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
}

/// `gethouselist` over 100,000 houses: filter sets that repeat (people
/// paging through the same search), and filters new on every request (a
/// price range no one asked before), each at 8 and 16 connections.
async fn rental_workloads(
    client: &reqwest::Client,
    base: &str,
    db: &std::path::Path,
    options: &Options,
) -> Vec<Report> {
    let seeded = Instant::now();
    seed_houses(db, 100_000);
    println!(
        "seeded 100,000 houses in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let searches: Arc<Vec<Value>> = Arc::new(
        [
            "北京",
            "海淀区",
            "青岛市崂山",
            "上海",
            "杭州",
            "深圳市南山区",
            "",
        ]
        .iter()
        .enumerate()
        .flat_map(|(n, district)| {
            (0..5).map(move |orderby| {
                json!({
                    "district": district, "orderby": orderby, "seq": (n + orderby as usize) % 4,
                    "range_of_prices": [2000 + 1000 * orderby, 9000 + 1000 * n],
                    "range_of_area": [30, 150], "range_of_floor": [1, 30],
                    "house_type": (n + orderby as usize) % 5, "elevator": orderby % 3,
                })
            })
        })
        .collect(),
    );
    let list = |client: reqwest::Client, url: String, body: Value| async move {
        match client.post(url).json(&body).send().await {
            Ok(r) => r
                .json::<Value>()
                .await
                .map(|v| v["state"] == 1 && v["total"].is_i64())
                .unwrap_or(false),
            Err(_) => false,
        }
    };
    let mut reports = Vec::new();
    for conns in [8, 16] {
        let (c, b, s) = (client.clone(), base.to_string(), searches.clone());
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        reports.push(
            drive(
                &format!("rental list, 100k houses, repeated filters, {conns} conns"),
                conns,
                options.seconds,
                move |_| {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    list(
                        c.clone(),
                        format!("{b}/rental/gethouselist"),
                        s[n % s.len()].clone(),
                    )
                },
            )
            .await,
        );
        let (c, b, s) = (client.clone(), base.to_string(), searches.clone());
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(1_000_000 * conns));
        reports.push(
            drive(
                &format!("rental list, 100k houses, new filters, {conns} conns"),
                conns,
                options.seconds,
                move |_| {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let mut body = s[n % s.len()].clone();
                    body["range_of_prices"] = json!([1000 + n % 5000, 8000 + n % 9000]);
                    list(c.clone(), format!("{b}/rental/gethouselist"), body)
                },
            )
            .await,
        );
    }
    reports
}

/// Fills the shop tables with 100,000 products in 20 shops (one seller
/// each), written straight into the file while the server runs.
fn seed_products(db: &std::path::Path, count: usize) {
    let mut conn = rusqlite::Connection::open(db).expect("open for seeding");
    conn.busy_timeout(Duration::from_secs(30))
        .expect("busy timeout");
    let tx = conn.transaction().expect("transaction");
    let mut shops = Vec::new();
    for n in 0..20 {
        tx.execute(
            "INSERT INTO shop_users (email, name, phone, role, password_hash, created_at)
             VALUES (?1, '商家', '13800000000', 'SELLER', 'x', 0)",
            [format!("bench-seller{n}@example.com")],
        )
        .expect("seller");
        let seller = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO shop_shops (name, address, description, created_us) VALUES (?1, '北京市', '综合', 0)",
            [format!("商铺{n}")],
        )
        .expect("shop");
        let shop = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO shop_sellers (user_id, shop_id, joined_us) VALUES (?1, ?2, 0)",
            [seller, shop],
        )
        .expect("seller of shop");
        shops.push(shop);
    }
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO shop_products (shop_id, name, description, price, stock_quantity, status, image_id, created_us)
                 VALUES (?1, ?2, '安卓手机，全网通，双卡双待，大电池', ?3, ?4, ?5, NULL, ?6)",
            )
            .expect("prepare");
        let mut rng = Lcg(7);
        for n in 0..count {
            // The first product never runs out: the buyers of the mixed
            // workload take it.
            let stock = if n == 0 {
                1_000_000_000
            } else {
                rng.next(100) as i64
            };
            insert
                .execute(rusqlite::params![
                    shops[rng.next(shops.len() as u64) as usize],
                    format!("商品{n}"),
                    (100 + rng.next(999_900)) as i64,
                    stock,
                    if stock == 0 { "Sold Out" } else { "Available" },
                    1_700_000_000_000_000i64 + n as i64 * 1_000_000,
                ])
                .expect("insert product");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
}

/// `/shop/shop/products` over 100,000 products: the first page (with its
/// `count`) at the full connection count, next to `/healthz`, alone and
/// while customers buy; then pages spread over all 10,000, in both
/// orderings, at 8, 16 and full.
async fn shop_workloads(
    client: &reqwest::Client,
    base: &str,
    db: &std::path::Path,
    options: &Options,
) -> Vec<Report> {
    let seeded = Instant::now();
    seed_products(db, 100_000);
    println!(
        "seeded 100,000 products in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    // Checked by searching the bytes, not parsing them, so the generator's
    // own work stays close to what it spends on `/healthz`.
    let page = |client: reqwest::Client, url: String| async move {
        let contains = |body: &[u8], what: &[u8]| body.windows(what.len()).any(|w| w == what);
        match client.get(url).send().await {
            Ok(r) => r
                .bytes()
                .await
                .map(|b| contains(&b, b"\"success\":true") && contains(&b, b"\"count\":100000"))
                .unwrap_or(false),
            Err(_) => false,
        }
    };
    let mut reports = Vec::new();
    let (c, b) = (client.clone(), base.to_string());
    reports.push(
        drive(
            &format!(
                "shop products, 100k, first page, {} conns",
                options.connections
            ),
            options.connections,
            options.seconds,
            move |_| page(c.clone(), format!("{b}/shop/shop/products")),
        )
        .await,
    );
    // The same while 4 customers buy back to back: every sale changes a
    // product, so the remembered pages are read again after each one.
    let token = bench_customer(client, base).await;
    let (c, b) = (client.clone(), base.to_string());
    let readers_name = format!(
        "shop products, 100k, first page, {} conns, 4 buying",
        options.connections - 4
    );
    let readers = drive(
        &readers_name,
        options.connections - 4,
        options.seconds,
        move |_| page(c.clone(), format!("{b}/shop/shop/products")),
    );
    let (c, b) = (client.clone(), base.to_string());
    let buyers = drive(
        "shop order/create, 4 conns (beside it)",
        4,
        options.seconds,
        move |_| {
            let (c, b, t) = (c.clone(), b.clone(), token.clone());
            async move {
                c.post(format!("{b}/shop/order/create"))
                    .bearer_auth(t)
                    .json(&json!({"product_id": 1, "quantity": 1}))
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        },
    );
    let (readers, buyers) = tokio::join!(readers, buyers);
    reports.push(readers);
    reports.push(buyers);
    for conns in [8, 16, options.connections] {
        let (c, b) = (client.clone(), base.to_string());
        let counter = Arc::new(std::sync::atomic::AtomicU64::new(conns as u64));
        reports.push(
            drive(
                &format!("shop products, 100k, pages 2-10000, {conns} conns"),
                conns,
                options.seconds,
                move |_| {
                    let mut rng = Lcg(counter.fetch_add(1, Ordering::Relaxed));
                    let number = 2 + rng.next(9_999);
                    let ordering = if rng.next(2) == 0 { "-price" } else { "id" };
                    page(
                        c.clone(),
                        format!("{b}/shop/shop/products?page={number}&ordering={ordering}"),
                    )
                },
            )
            .await,
        );
    }
    reports
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

/// Registers the shop customer `bench@example.com`, logs in and returns
/// the session token.
async fn bench_customer(client: &reqwest::Client, base: &str) -> String {
    let (status, _) = get_or_post(
        client,
        format!("{base}/shop/user/register/customer"),
        Some(json!({"name": "bench", "phone": "13800000000", "email": "bench@example.com", "password": "bench-password"})),
    )
    .await;
    assert_eq!(status, 200, "register the bench customer");
    let (status, answer) = get_or_post(
        client,
        format!("{base}/shop/user/login"),
        Some(json!({"email": "bench@example.com", "password": "bench-password"})),
    )
    .await;
    assert_eq!(status, 200, "log the bench customer in");
    answer["data"]["token"].as_str().expect("token").to_string()
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

/// The boxed future of one request of a side-by-side workload.
type BoxedStep = std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>;

/// One request of a side-by-side workload, made with the client given.
type Step = Arc<dyn Fn(reqwest::Client) -> BoxedStep + Send + Sync>;

/// `--baseline`: `/healthz`, product by id and a logged-in order/create on
/// onebox, each beside the same SQL on the bare server, in turns (onebox,
/// bare, onebox, bare) so the machine's drift falls on both.
async fn side_by_side(
    client: &reqwest::Client,
    base: &str,
    onebox_pid: u32,
    db: &std::path::Path,
    bare_binary: &std::path::Path,
    options: &Options,
) {
    seed_products(db, 100_000);
    let (product, shop): (i64, i64) = rusqlite::Connection::open(db)
        .expect("open")
        .query_row(
            "SELECT id, shop_id FROM shop_products WHERE stock_quantity = 1000000000 ORDER BY id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the product that never runs out");
    let token = bench_customer(client, base).await;
    let customer: i64 = rusqlite::Connection::open(db)
        .expect("open")
        .query_row(
            "SELECT id FROM shop_users WHERE email = 'bench@example.com'",
            [],
            |row| row.get(0),
        )
        .expect("customer id");

    let copy = db.with_file_name("bare.db");
    rusqlite::Connection::open(db)
        .expect("open")
        .execute("VACUUM INTO ?1", [copy.to_str().expect("path")])
        .expect("copy the database for the bare server");
    let port = free_port();
    let bare_base = format!("http://127.0.0.1:{port}");
    let bare = ServerProcess(
        Command::new(bare_binary)
            .args([
                "--db",
                copy.to_str().expect("path"),
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e} (cargo build --release --examples)",
                    bare_binary.display()
                )
            }),
    );
    let started = Instant::now();
    while client
        .get(format!("{bare_base}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the bare server did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let ok = |request: reqwest::RequestBuilder| -> BoxedStep {
        Box::pin(async move {
            match request.send().await {
                Ok(answer) => answer.status().is_success() && answer.bytes().await.is_ok(),
                Err(_) => false,
            }
        })
    };
    let workloads: Vec<(&str, f64, Step, Step)> = vec![
        (
            "GET /healthz",
            0.95,
            {
                let b = base.to_string();
                Arc::new(move |c: reqwest::Client| ok(c.get(format!("{b}/healthz"))))
            },
            {
                let b = bare_base.clone();
                Arc::new(move |c: reqwest::Client| ok(c.get(format!("{b}/healthz"))))
            },
        ),
        (
            "product by id",
            0.85,
            {
                let b = base.to_string();
                Arc::new(move |c: reqwest::Client| {
                    ok(c.get(format!("{b}/shop/shop/{shop}/product/{product}")))
                })
            },
            {
                let b = bare_base.clone();
                Arc::new(move |c: reqwest::Client| ok(c.get(format!("{b}/product/{product}"))))
            },
        ),
        (
            "order/create, logged in",
            0.6,
            {
                let (b, t) = (base.to_string(), token.clone());
                Arc::new(move |c: reqwest::Client| {
                    ok(c.post(format!("{b}/shop/order/create"))
                        .bearer_auth(&t)
                        .json(&json!({"product_id": product, "quantity": 1})))
                })
            },
            {
                let b = bare_base.clone();
                Arc::new(move |c: reqwest::Client| {
                    ok(c.post(format!("{b}/order")).json(
                        &json!({"customer_id": customer, "product_id": product, "quantity": 1}),
                    ))
                })
            },
        ),
    ];
    println!(
        "onebox beside the bare warp + rusqlite server: {} connections, {} s per run, {} turns of each, alternating\n",
        options.connections, options.seconds, options.turns
    );
    println!(
        "| workload | onebox req/s | bare req/s | ratio (median of turns) | each turn | target | onebox p99 ms | bare p99 ms | onebox CPU µs/req | bare CPU µs/req | errors |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    let pids = [onebox_pid, bare.0.id()];
    for (name, target, onebox_step, bare_step) in workloads {
        if options
            .workload
            .as_ref()
            .is_some_and(|only| !name.contains(only.as_str()))
        {
            continue;
        }
        let mut runs: [Vec<Report>; 2] = [Vec::new(), Vec::new()];
        let mut cpu = [0.0; 2];
        for _ in 0..options.turns.max(1) {
            for (side, step) in [&onebox_step, &bare_step].into_iter().enumerate() {
                let (c, step) = (client.clone(), step.clone());
                let before = cpu_seconds(pids[side]);
                let report = drive(name, options.connections, options.seconds, move |_| {
                    step(c.clone())
                })
                .await;
                cpu[side] += cpu_seconds(pids[side]) - before;
                runs[side].push(report);
            }
        }
        // The server's own CPU time per answer: steadier than req/s on a
        // shared machine, where the load generator takes its share too.
        let per_request = |side: usize| {
            let answered: f64 = runs[side]
                .iter()
                .map(|r| r.rate * options.seconds as f64)
                .sum();
            1e6 * cpu[side] / answered.max(1.0)
        };
        let rate =
            |reports: &[Report]| reports.iter().map(|r| r.rate).sum::<f64>() / reports.len() as f64;
        let p99 = |reports: &[Report]| reports.iter().map(|r| r.p99_ms).fold(0.0, f64::max);
        let errors: usize = runs.iter().flatten().map(|r| r.errors).sum();
        // Each turn's onebox run beside the bare run right after it.
        let ratios: Vec<f64> = runs[0]
            .iter()
            .zip(&runs[1])
            .map(|(onebox, bare)| onebox.rate / bare.rate.max(1.0))
            .collect();
        let each = ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "| {name} | {:.0} | {:.0} | {:.2}x | {each} | {target:.2}x | {:.2} | {:.2} | {:.1} | {:.1} | {errors} |",
            rate(&runs[0]),
            rate(&runs[1]),
            median(&ratios),
            p99(&runs[0]),
            p99(&runs[1]),
            per_request(0),
            per_request(1),
        );
    }
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// One list request of the million-row workloads and what it must answer:
/// the total (counted in SQL on the file, not by the server) and how many
/// rows the page holds.
#[derive(Clone)]
struct ListCase {
    label: String,
    url: String,
    /// The JSON body of a POST list (rental); `None` for a GET (shop).
    body: Option<Value>,
    total: i64,
    rows: usize,
}

/// The pages a workload asks for of a list of `total`: first, middle, last.
fn first_middle_last(total: i64, size: i64) -> Vec<(i64, usize)> {
    let pages = ((total + size - 1) / size).max(1);
    let rows = |page: i64| (total - page * size).clamp(0, size) as usize;
    let mut picked = vec![0, pages / 2, pages - 1];
    picked.dedup();
    picked.into_iter().map(|p| (p, rows(p))).collect()
}

/// Every list the shop and rental seeds offer (each filter, each ordering;
/// first, middle and last pages) over 1,000,000 products and 1,000,000
/// houses, with totals checked against SQL counts on the file.
fn million_cases(db: &std::path::Path, base: &str) -> (Vec<ListCase>, Vec<ListCase>) {
    let conn = rusqlite::Connection::open(db).expect("open to count");
    let count = |sql: &str| -> i64 {
        conn.query_row(sql, [], |row| row.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let mut shop = Vec::new();
    let like = |q: &str| format!("(name LIKE '%{q}%' OR description LIKE '%{q}%')");
    for (path, q, condition) in [
        ("/shop/shop/products".to_string(), "", "1".to_string()),
        (
            "/shop/shop/3/products".to_string(),
            "",
            "shop_id = 3".to_string(),
        ),
        ("/shop/shop/products".to_string(), "商品12", like("商品12")),
        ("/shop/shop/products".to_string(), "全网通", like("全网通")),
        (
            "/shop/shop/3/products".to_string(),
            "商品9",
            format!("shop_id = 3 AND {}", like("商品9")),
        ),
    ] {
        let total = count(&format!(
            "SELECT count(*) FROM shop_products WHERE {condition}"
        ));
        for ordering in [
            "id",
            "-id",
            "create_date",
            "-create_date",
            "price",
            "-price",
        ] {
            for (page, rows) in first_middle_last(total, 10) {
                let page = page + 1;
                shop.push(ListCase {
                    label: format!("{path}?q={q}&ordering={ordering}&page={page}"),
                    url: format!("{base}{path}?q={q}&ordering={ordering}&page={page}"),
                    body: None,
                    total,
                    rows,
                });
            }
        }
    }
    let mut rental = Vec::new();
    for (filter, condition) in [
        (json!({}), "1"),
        (json!({"district": "北京"}), "instr(district, '北京') > 0"),
        (json!({"range_of_prices": [3000, 8000]}), "cost BETWEEN 300000 AND 800000"),
        (json!({"range_of_area": [50, 120], "house_type": 2}), "area BETWEEN 5000 AND 12000 AND house_type = 2"),
        (json!({"district": "海淀区", "range_of_floor": [5, 20], "elevator": 1}),
         "instr(district, '海淀区') > 0 AND floor BETWEEN 5 AND 20 AND elevator = 1"),
        (json!({"district": "上海", "range_of_prices": [2000, 15000], "range_of_area": [30, 150],
                "range_of_floor": [1, 30], "house_type": 3, "elevator": 2}),
         "instr(district, '上海') > 0 AND cost BETWEEN 200000 AND 1500000 AND area BETWEEN 3000 AND 15000
          AND floor BETWEEN 1 AND 30 AND house_type = 3 AND elevator = 0"),
    ] {
        let total = count(&format!(
            "SELECT count(*) FROM rental_houses WHERE state = '待租' AND {condition}"
        ));
        for orderby in 0..=4 {
            for (seq, rows) in first_middle_last(total, 10) {
                let mut body = filter.clone();
                body["orderby"] = json!(orderby);
                body["seq"] = json!(seq);
                rental.push(ListCase {
                    label: body.to_string(),
                    url: format!("{base}/rental/gethouselist"),
                    body: Some(body),
                    total,
                    rows,
                });
            }
        }
    }
    (shop, rental)
}

/// The parts of a list answer a case checks; the rest is skipped, not
/// built, so the generator's own work stays small beside the server's.
#[derive(serde::Deserialize)]
struct ListAnswer {
    #[serde(default)]
    total: Option<i64>,
    #[serde(default)]
    houses: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    data: Option<ShopListData>,
}

#[derive(serde::Deserialize)]
struct ShopListData {
    count: i64,
    products: Vec<serde::de::IgnoredAny>,
}

/// Asks for one case; whether the total and the page's rows are right.
async fn check_case(client: &reqwest::Client, case: &ListCase) -> bool {
    let request = match &case.body {
        Some(body) => client.post(&case.url).json(body),
        None => client.get(&case.url),
    };
    let answer = match request.send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.ok(),
        _ => None,
    };
    let parsed = answer
        .as_deref()
        .and_then(|bytes| serde_json::from_slice::<ListAnswer>(bytes).ok());
    let found = match parsed {
        Some(ListAnswer {
            total: Some(total),
            houses: Some(houses),
            ..
        }) => Some((total, houses.len())),
        Some(ListAnswer {
            data: Some(data), ..
        }) => Some((data.count, data.products.len())),
        _ => None,
    };
    let right = found == Some((case.total, case.rows));
    if !right {
        eprintln!(
            "wrong answer to {}: found {found:?}, want {} and {} rows",
            case.label, case.total, case.rows
        );
    }
    right
}

/// `--million`: the shop and rental lists over a million rows each.
async fn million_workloads(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    db: &std::path::Path,
    options: &Options,
) -> Vec<Report> {
    let seeded = Instant::now();
    seed_products(db, 1_000_000);
    seed_houses(db, 1_000_000);
    println!(
        "seeded 1,000,000 products and 1,000,000 houses in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let (shop, rental) = million_cases(db, base);
    let mut reports = Vec::new();
    for (domain, cases) in [("shop products", shop), ("rental houses", rental)] {
        // The first time each list is asked for: far pages walk the index
        // while the list's order is read in the background.
        let mut first = Vec::new();
        for case in &cases {
            let started = Instant::now();
            assert!(check_case(client, case).await, "{}", case.label);
            first.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        first.sort_by(f64::total_cmp);
        println!(
            "{domain}: {} lists asked for the first time, one at a time: median {:.1} ms, slowest {:.1} ms",
            cases.len(),
            first[first.len() / 2],
            first[first.len() - 1]
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
        // Again, now that the orders are remembered.
        let mut again = Vec::new();
        for case in &cases {
            let started = Instant::now();
            assert!(check_case(client, case).await, "{}", case.label);
            again.push((started.elapsed().as_secs_f64() * 1000.0, case.label.clone()));
        }
        again.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (slowest, label) = &again[again.len() - 1];
        println!(
            "{domain}: the same lists again, one at a time: median {:.2} ms, slowest {slowest:.2} ms ({label})",
            again[again.len() / 2].0,
        );
        let cases = Arc::new(cases);
        let (c, list) = (client.clone(), cases.clone());
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        reports.push(
            drive(
                &format!(
                    "{domain}, 1M, {} lists (first, middle, last pages), {} conns",
                    cases.len(),
                    options.connections
                ),
                options.connections,
                options.seconds,
                move |_| {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let (c, case) = (c.clone(), list[n % list.len()].clone());
                    async move { check_case(&c, &case).await }
                },
            )
            .await,
        );
        println!(
            "after {domain}: RSS {:.1} MB, of it anonymous (not the mapped file) {:.1} MB",
            rss_mb(pid),
            status_mb(pid, "RssAnon:")
        );
    }
    reports
}
