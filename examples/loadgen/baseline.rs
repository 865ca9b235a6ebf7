//! `--baseline`: onebox beside the bare warp + rusqlite server, workload by workload in turns.

use super::*;

/// The boxed future of one request of a side-by-side workload.
pub(crate) type BoxedStep = std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>;

/// One request of a side-by-side workload, made with the client given.
pub(crate) type Step = Arc<dyn Fn(reqwest::Client) -> BoxedStep + Send + Sync>;

/// `--baseline`: `/healthz`, product by id and a logged-in order/create on
/// onebox, each beside the same SQL on the bare server, in turns (onebox,
/// bare, onebox, bare) so the machine's drift falls on both.
pub(crate) async fn side_by_side(
    client: &reqwest::Client,
    base: &str,
    onebox_pid: u32,
    db: &std::path::Path,
    bare_binary: &std::path::Path,
    options: &Options,
) {
    generate_products(options, db, 100_000);
    let (product, shop) = never_runs_out(client, base).await;
    // The copy below carries this session, so both servers accept it.
    let token = bench_customer(client, base).await;
    let (bare, bare_base) = start_bare(client, bare_binary, options, db).await;
    let pids = [onebox_pid, bare.0.id()];

    let sides = Sides {
        onebox: base.to_string(),
        bare: bare_base,
    };
    println!(
        "onebox beside the bare warp + rusqlite server: {} connections, {} s per run, {} turns of each, alternating\n",
        options.connections, options.seconds, options.turns
    );
    println!(
        "| workload | onebox req/s | bare req/s | ratio (median of turns) | each turn | target | onebox p99 ms | bare p99 ms | onebox CPU µs/req | bare CPU µs/req | errors |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    for workload in sides.workloads(product, shop, &token) {
        if options
            .workload
            .as_ref()
            .is_some_and(|only| !workload.name.contains(only.as_str()))
        {
            continue;
        }
        let turns = run_turns(client, &workload, pids, options).await;
        turns.print_row(&workload, options.seconds);
    }
}

/// The two servers' addresses.
struct Sides {
    onebox: String,
    bare: String,
}

/// One workload on both servers: the same request, each server's path.
struct Workload {
    name: &'static str,
    target: f64,
    steps: [Step; 2],
}

impl Sides {
    fn workloads(&self, product: i64, shop: i64, token: &str) -> Vec<Workload> {
        let get = |base: &str, path: String| -> Step {
            let url = format!("{base}{path}");
            Arc::new(move |c: reqwest::Client| ok(c.get(&url)))
        };
        let order = |base: &str, path: &str| -> Step {
            let (url, token) = (format!("{base}{path}"), token.to_string());
            Arc::new(move |c: reqwest::Client| {
                ok(c.post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"product_id": product, "quantity": 1})))
            })
        };
        vec![
            Workload {
                name: "GET /healthz",
                target: 0.95,
                steps: [
                    get(&self.onebox, "/healthz".into()),
                    get(&self.bare, "/healthz".into()),
                ],
            },
            Workload {
                name: "product by id",
                target: 0.90,
                steps: [
                    get(&self.onebox, format!("/shop/shop/{shop}/product/{product}")),
                    get(&self.bare, format!("/product/{product}")),
                ],
            },
            Workload {
                name: "order/create, logged in",
                target: 0.75,
                steps: [
                    order(&self.onebox, "/shop/order/create"),
                    order(&self.bare, "/order"),
                ],
            },
        ]
    }
}

/// A request that counts as answered when its status is a success and its
/// body arrives whole.
fn ok(request: reqwest::RequestBuilder) -> BoxedStep {
    Box::pin(async move {
        match request.send().await {
            Ok(answer) => answer.status().is_success() && answer.bytes().await.is_ok(),
            Err(_) => false,
        }
    })
}

/// Starts the bare server on a consistent copy of onebox's database and
/// waits for it to answer.
async fn start_bare(
    client: &reqwest::Client,
    bare_binary: &std::path::Path,
    options: &Options,
    db: &std::path::Path,
) -> (ServerProcess, String) {
    let copy = db.with_file_name("bare.db");
    onebox_command(options, &["backup", copy.to_str().expect("path")], db);
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
    (bare, bare_base)
}

/// Each side's runs of one workload and the CPU seconds each server spent.
struct Turns {
    runs: [Vec<Report>; 2],
    cpu: [f64; 2],
}

/// Runs a workload in turns, onebox then bare, reading each server's CPU
/// time around its runs.
async fn run_turns(
    client: &reqwest::Client,
    workload: &Workload,
    pids: [u32; 2],
    options: &Options,
) -> Turns {
    let mut turns = Turns {
        runs: [Vec::new(), Vec::new()],
        cpu: [0.0; 2],
    };
    for _ in 0..options.turns.max(1) {
        for (side, step) in workload.steps.iter().enumerate() {
            let (c, step) = (client.clone(), step.clone());
            let before = cpu_seconds(pids[side]);
            let report = drive(
                workload.name,
                options.connections,
                options.seconds,
                move |_| step(c.clone()),
            )
            .await;
            turns.cpu[side] += cpu_seconds(pids[side]) - before;
            turns.runs[side].push(report);
        }
    }
    turns
}

impl Turns {
    /// The server's own CPU time per answer: steadier than req/s on a
    /// shared machine, where the load generator takes its share too.
    fn cpu_per_answer(&self, side: usize, seconds: u64) -> f64 {
        let answered: f64 = self.runs[side]
            .iter()
            .map(|r| r.rate * seconds as f64)
            .sum();
        1e6 * self.cpu[side] / answered.max(1.0)
    }

    fn print_row(&self, workload: &Workload, seconds: u64) {
        let rate =
            |reports: &[Report]| reports.iter().map(|r| r.rate).sum::<f64>() / reports.len() as f64;
        let p99 = |reports: &[Report]| reports.iter().map(|r| r.p99_ms).fold(0.0, f64::max);
        let errors: usize = self.runs.iter().flatten().map(|r| r.errors).sum();
        // Each turn's onebox run beside the bare run right after it.
        let ratios: Vec<f64> = self.runs[0]
            .iter()
            .zip(&self.runs[1])
            .map(|(onebox, bare)| onebox.rate / bare.rate.max(1.0))
            .collect();
        let each = ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "| {} | {:.0} | {:.0} | {:.2}x | {each} | {:.2}x | {:.2} | {:.2} | {:.1} | {:.1} | {errors} |",
            workload.name,
            rate(&self.runs[0]),
            rate(&self.runs[1]),
            median(&ratios),
            workload.target,
            p99(&self.runs[0]),
            p99(&self.runs[1]),
            self.cpu_per_answer(0, seconds),
            self.cpu_per_answer(1, seconds),
        );
    }
}

/// The middle value (the mean of the two middle ones for an even count).
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The generated product that never runs out (the first by id), and its
/// shop, as the product list gives them.
async fn never_runs_out(client: &reqwest::Client, base: &str) -> (i64, i64) {
    let list: Value = client
        .get(format!("{base}/shop/shop/products?ordering=id"))
        .send()
        .await
        .expect("product list")
        .json()
        .await
        .expect("product list JSON");
    let first = &list["data"]["products"][0];
    assert_eq!(first["stock_quantity"], 1_000_000_000, "{list}");
    match (first["id"].as_i64(), first["shop"].as_i64()) {
        (Some(id), Some(shop)) => (id, shop),
        _ => panic!("no first product in {list}"),
    }
}
