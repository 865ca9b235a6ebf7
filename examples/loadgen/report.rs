//! Driving a workload: many connections looping one step for a while, and
//! the table of what each workload achieved.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::Options;

#[derive(Default)]
struct Outcome {
    latencies_us: Vec<u32>,
    errors: usize,
}

pub(crate) struct Report {
    pub(crate) name: String,
    pub(crate) rate: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) errors: usize,
}

/// Runs `connections` loops of `step` for `seconds`; each step's latency is
/// recorded and `Ok(false)` or `Err` counts as an error.
pub(crate) async fn drive<F, Fut>(name: &str, connections: usize, seconds: u64, step: F) -> Report
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

pub(crate) fn print_reports(reports: &[Report], options: &Options) {
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
