//! `--classroom`: a class of 200 students, 40 in each domain, each with an
//! account of their own, working through the real endpoints: after logging
//! in, 80% reads and 20% writes, with a think time of 50–150 ms between
//! requests (about 10 requests a second each, a busy lab session). Then
//! the same while all 200 log in again at once (a class arriving), at the
//! server's default bcrypt cost, with the storm's read p99 half second
//! by half second. (The labs login captcha is off: a load generator
//! cannot read the picture.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::{Lcg, Options};

mod class;

use class::{Class, DOMAINS, Domain, STUDENTS_PER_DOMAIN, Student};

/// Latencies of reads and writes, and failures, over one stretch.
#[derive(Default)]
struct Tally {
    /// Each read's start (ms into the stretch) and latency, in start order.
    reads: Vec<(u32, u32)>,
    /// The reads' latencies, sorted.
    reads_us: Vec<u32>,
    writes_us: Vec<u32>,
    errors: usize,
}

fn percentile(sorted: &[u32], q: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * q) as usize)
        .copied()
        .unwrap_or(0) as f64
        / 1000.0
}

/// Runs every student until `stop`; reads and writes started between
/// `from()` and `until()` are counted.
async fn class_at_work(
    class: Arc<Class>,
    students: Arc<Vec<Student>>,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut tasks = Vec::new();
    let began = Instant::now();
    for (n, student) in students.iter().cloned().enumerate() {
        let (class, stop) = (class.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(n as u64 * 7919 + 1);
            let mut tally = Tally::default();
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(50 + rng.next(101))).await;
                let write = rng.next(10) < 2;
                let started = Instant::now();
                let at_ms = started.duration_since(began).as_millis() as u32;
                let ok = class.act(&student, write, &mut rng).await;
                let us = started.elapsed().as_micros() as u32;
                match write {
                    true => tally.writes_us.push(us),
                    false => tally.reads.push((at_ms, us)),
                }
                tally.errors += usize::from(!ok);
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for task in tasks {
        let tally = task.await.expect("student");
        all.reads.extend(tally.reads);
        all.writes_us.extend(tally.writes_us);
        all.errors += tally.errors;
    }
    all.reads.sort_unstable();
    all.reads_us = all.reads.iter().map(|(_, us)| *us).collect();
    all.reads_us.sort_unstable();
    all.writes_us.sort_unstable();
    all
}

/// Read p99 in each half second of a stretch: whether a rise is the
/// first burst or lasts.
fn print_timeline(tally: &Tally) {
    println!("\n| from s | reads | read p99 ms | read max ms |\n|---:|---:|---:|---:|");
    for window in tally.reads.chunk_by(|a, b| a.0 / 500 == b.0 / 500) {
        let mut us: Vec<u32> = window.iter().map(|(_, us)| *us).collect();
        us.sort_unstable();
        println!(
            "| {:.1} | {} | {:.2} | {:.2} |",
            f64::from(window[0].0 / 500) / 2.0,
            us.len(),
            percentile(&us, 0.99),
            percentile(&us, 1.0)
        );
    }
}

fn print_tally(name: &str, tally: &Tally, seconds: f64) {
    println!(
        "| {name} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {} |",
        tally.reads_us.len() as f64 / seconds,
        percentile(&tally.reads_us, 0.5),
        percentile(&tally.reads_us, 0.99),
        tally.writes_us.len() as f64 / seconds,
        percentile(&tally.writes_us, 0.5),
        percentile(&tally.writes_us, 0.99),
        tally.errors
    );
}

/// Registers every student of every domain at once; (domain, name) each.
async fn enrol(class: &Arc<Class>) -> Vec<(Domain, String)> {
    let started = Instant::now();
    let mut pending = Vec::new();
    for domain in DOMAINS {
        for n in 0..STUDENTS_PER_DOMAIN {
            let class = class.clone();
            pending.push(tokio::spawn(async move {
                (domain, class.register(domain, n).await)
            }));
        }
    }
    let mut names = Vec::new();
    for task in pending {
        names.push(task.await.expect("register"));
    }
    println!(
        "{} students registered in {:.1} s",
        names.len(),
        started.elapsed().as_secs_f64()
    );
    names
}

/// Logs every student in at once; the students and the seconds it took.
async fn log_in_all(class: &Arc<Class>, names: Vec<(Domain, String)>) -> (Vec<Student>, f64) {
    let started = Instant::now();
    let logins: Vec<_> = names
        .into_iter()
        .map(|(domain, name)| {
            let class = class.clone();
            tokio::spawn(async move {
                let token = class.login(domain, &name).await;
                (domain, name, token)
            })
        })
        .collect();
    let mut students = Vec::new();
    for login in logins {
        let (domain, name, token) = login.await.expect("login");
        let token = token.unwrap_or_else(|| panic!("{domain:?}: {name} logs in"));
        students.push(Student {
            domain,
            name,
            token,
        });
    }
    (students, started.elapsed().as_secs_f64())
}

/// The class at work for `seconds`; what it did.
async fn stretch(class: &Arc<Class>, students: &Arc<Vec<Student>>, seconds: u64) -> Tally {
    let stop = Arc::new(AtomicBool::new(false));
    let work = tokio::spawn(class_at_work(class.clone(), students.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    work.await.expect("class")
}

/// The class: accounts, a quiet stretch, then a stretch with every
/// student logging in again at once.
pub async fn run(client: &reqwest::Client, base: &str, options: &Options, db: &std::path::Path) {
    let class = Arc::new(Class::prepare(client, base, options, db).await);
    let names = enrol(&class).await;
    let (students, first_storm) = log_in_all(&class, names.clone()).await;
    println!(
        "{} students logged in at once, on a quiet server, in {first_storm:.1} s",
        students.len()
    );
    for student in &students {
        class.settle_in(student).await;
    }
    let students = Arc::new(students);

    println!(
        "\n| stretch | reads/s | read p50 ms | read p99 ms | writes/s | write p50 ms | write p99 ms | errors |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let quiet = stretch(&class, &students, options.seconds).await;
    print_tally("200 students at work", &quiet, options.seconds as f64);

    // The same, while all 200 log in again at once: the stretch lasts as
    // long as the storm does.
    let stop = Arc::new(AtomicBool::new(false));
    let work = tokio::spawn(class_at_work(class.clone(), students.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let storm_started = Instant::now();
    let (_, storm_seconds) = log_in_all(&class, names).await;
    stop.store(true, Ordering::Relaxed);
    let stormy = work.await.expect("class");
    print_tally(
        "the same, 200 logging in at once",
        &stormy,
        1.0 + storm_started.elapsed().as_secs_f64(),
    );
    print_timeline(&stormy);
    println!(
        "\nlogin storm: 200 logins at the default bcrypt cost finished in {storm_seconds:.1} s; read p99 {:.2} ms -> {:.2} ms ({:.1}x)",
        percentile(&quiet.reads_us, 0.99),
        percentile(&stormy.reads_us, 0.99),
        percentile(&stormy.reads_us, 0.99) / percentile(&quiet.reads_us, 0.99).max(0.001)
    );
}
