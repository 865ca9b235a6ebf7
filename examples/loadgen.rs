//! Load benchmark for onebox (not a test): starts the release binary on a new
//! database, drives it over loopback with many concurrent connections, and
//! prints requests/s and p50/p99 latency per workload next to `/healthz`
//! measured in the same run, plus start-up time and memory.
//!
//! ```text
//! cargo build --release && cargo run --release --example loadgen -- --seconds 5
//! ```

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Options {
    binary: PathBuf,
    seconds: u64,
    connections: usize,
}

fn options() -> Options {
    let mut options = Options {
        binary: PathBuf::from("target/release/onebox"),
        seconds: 5,
        connections: 64,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--binary" => options.binary = PathBuf::from(value),
            "--seconds" => options.seconds = value.parse().expect("--seconds N"),
            "--connections" => options.connections = value.parse().expect("--connections N"),
            other => {
                panic!("unknown option {other}; use --binary PATH, --seconds N, --connections N")
            }
        }
        i += 2;
    }
    options
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
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_string)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
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
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
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

    let status = Command::new(&options.binary)
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

    // One user per connection, each logged in with a balance.
    let users = options.connections.max(32);
    let mut tokens = Vec::new();
    for n in 0..users {
        let name = format!("bench{n}");
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
        let (c, b) = (c.clone(), b.clone());
        let (name, token) = t[w % t.len()].clone();
        async move {
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
    let health_rate = reports[0].rate;
    println!(
        "onebox loadgen: {conns} connections, {secs} s per workload, release binary, new database\n"
    );
    println!("| workload | req/s | vs /healthz | p50 ms | p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &reports {
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
