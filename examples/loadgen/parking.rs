//! Parking's workloads: a lot big enough for the run, its users, and the reserve-start-end-cancel cycle.

use super::*;

/// Adds the benchmark's parking lot (id 1, 10,000 places) with the CLI.
pub(crate) fn add_bench_lot(options: &Options, db: &std::path::Path) {
    onebox_command(
        options,
        &[
            "parking",
            "add-lot",
            "--name",
            "bench",
            "--capacity",
            "10000",
            "--price",
            "1",
        ],
        db,
    );
}

/// `n` parking users `{prefix}{i}`, registered, logged in and with a
/// balance: (username, token).
pub(crate) async fn parking_users(
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
pub(crate) async fn order_cycle(
    c: reqwest::Client,
    b: String,
    name: String,
    token: String,
) -> bool {
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

/// A GET that counts as done when it answers 2xx and its body arrives.
async fn get_ok(client: reqwest::Client, url: String, token: Option<String>) -> bool {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    match request.send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

/// The lot list at `connections`, named `name`.
async fn lot_list(
    client: &reqwest::Client,
    base: &str,
    name: &str,
    connections: usize,
    seconds: u64,
) -> Report {
    let (c, url) = (
        client.clone(),
        format!("{base}/parking/api/parkinglot/list"),
    );
    drive(name, connections, seconds, move |_| {
        get_ok(c.clone(), url.clone(), None)
    })
    .await
}

/// What the parking run found beside its table rows.
pub(crate) struct ParkingNotes {
    logins: u64,
    storm_seconds: f64,
    /// Lot-list p99 during the storm over its quiet p99, at the run's
    /// connections and at 8.
    storm_ratio: f64,
    storm_ratio_8: f64,
    pub(crate) rss_256: f64,
}

impl ParkingNotes {
    pub(crate) fn print(&self, connections: usize) {
        println!(
            "logins completed during the storm: {} ({:.0}/s)",
            self.logins,
            self.logins as f64 / self.storm_seconds
        );
        println!(
            "lot list p99 during the login storm: {:.1}x its quiet p99 at {connections} connections, {:.1}x at 8",
            self.storm_ratio, self.storm_ratio_8
        );
    }
}

/// Parking's rows of the full run: `/healthz`, the lot list, user info,
/// the order cycle, the lot list during a login storm, and 256 connections.
pub(crate) async fn parking_workloads(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    db: &std::path::Path,
    options: &Options,
) -> (Vec<Report>, ParkingNotes) {
    add_bench_lot(options, db);
    // One user per connection, each logged in with a balance.
    let tokens = parking_users(client, base, "bench", options.connections.max(32)).await;
    let tokens = Arc::new(tokens);
    let (secs, conns) = (options.seconds, options.connections);

    let (c, url) = (client.clone(), format!("{base}/healthz"));
    let healthz = drive("GET /healthz", conns, secs, move |_| {
        get_ok(c.clone(), url.clone(), None)
    })
    .await;
    let lots = lot_list(client, base, "GET lot list", conns, secs).await;
    let (c, b, t) = (client.clone(), base.to_string(), tokens.clone());
    let info = drive("GET user info (token)", conns, secs, move |w| {
        let (name, token) = &t[w % t.len()];
        get_ok(
            c.clone(),
            format!("{b}/parking/api/user/info/{name}"),
            Some(token.clone()),
        )
    })
    .await;
    let (c, b, t) = (client.clone(), base.to_string(), tokens.clone());
    let cycles = drive("order/new + cancel (cycle)", conns, secs, move |w| {
        let (name, token) = t[w % t.len()].clone();
        order_cycle(c.clone(), b.clone(), name, token)
    })
    .await;

    let storm = login_storm(client, base, options).await;
    let (wide, rss_256) = memory_at_256(client, base, pid, secs).await;
    let notes = ParkingNotes {
        logins: storm.logins,
        storm_seconds: storm.seconds,
        storm_ratio: storm.stormy.p99_ms / lots.p99_ms.max(0.001),
        storm_ratio_8: storm.stormy_8.p99_ms / storm.quiet_8.p99_ms.max(0.001),
        rss_256,
    };
    let reports = vec![
        healthz,
        lots,
        info,
        cycles,
        storm.stormy,
        storm.quiet_8,
        storm.stormy_8,
        wide,
    ];
    (reports, notes)
}

struct Storm {
    quiet_8: Report,
    stormy: Report,
    stormy_8: Report,
    logins: u64,
    seconds: f64,
}

/// The lot list during 32 concurrent logins (bcrypt cost 10), at the run's
/// connections, and also at 8, where the quiet tail is so short that any
/// busy core shows.
async fn login_storm(client: &reqwest::Client, base: &str, options: &Options) -> Storm {
    let (secs, conns) = (options.seconds, options.connections);
    let quiet_8 = lot_list(client, base, "GET lot list, 8 conns, quiet", 8, secs).await;
    let stop = Arc::new(AtomicBool::new(false));
    let mut storm = Vec::new();
    for n in 0..32 {
        let (c, b, stop) = (client.clone(), base.to_string(), stop.clone());
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
    let started = Instant::now();
    let stormy = lot_list(client, base, "GET lot list, 32 logging in", conns, secs).await;
    let stormy_8 = lot_list(
        client,
        base,
        "GET lot list, 8 conns, 32 logging in",
        8,
        secs,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let mut logins = 0;
    for task in storm {
        logins += task.await.expect("storm");
    }
    Storm {
        quiet_8,
        stormy,
        stormy_8,
        logins,
        seconds,
    }
}

/// The lot list at 256 connections, and the peak resident memory meanwhile.
async fn memory_at_256(client: &reqwest::Client, base: &str, pid: u32, secs: u64) -> (Report, f64) {
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
    let wide = lot_list(client, base, "GET lot list, 256 conns", 256, secs.min(3)).await;
    sampler.abort();
    let rss_256 = *peak.lock().expect("lock");
    (wide, rss_256)
}
