//! The measured server as a child process: starting it on a new database,
//! reading its memory, descriptors and CPU from `/proc`, and running its
//! CLI commands on the same file.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{OPERATOR_TOKEN, Options};

/// The server under measurement, its address and how long it took to answer.
pub(crate) struct Started {
    /// Kept for its `Drop`, which stops the server when the run ends.
    _process: ServerProcess,
    pub(crate) base: String,
    pub(crate) pid: u32,
    pub(crate) startup_ms: f64,
}

/// The flags a run needs beyond `--db` and `--listen`.
fn flags_for(options: &Options) -> &'static [&'static str] {
    if options.soak.is_some() {
        // The soak needs the demo rows and cheap hashes (a register a
        // second is not what it measures).
        return &["--demo", "--bcrypt-cost", "4", "--quiet"];
    }
    match options.only.as_deref() {
        Some("streams") => &[
            "--quiet",
            "--bcrypt-cost",
            "4",
            "--max-connections",
            "4096",
            "--max-streams",
            "1100",
        ],
        Some("classroom") => &[
            "--demo",
            "--quiet",
            "--captcha",
            "off",
            "--admin-token",
            OPERATOR_TOKEN,
        ],
        _ => &[],
    }
}

/// Spawns `options.binary` on `db` and waits for its first answer; the
/// wait is the start-up time reported.
pub(crate) async fn start(options: &Options, db: &Path, client: &reqwest::Client) -> Started {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let launched = Instant::now();
    let server = ServerProcess(
        Command::new(&options.binary)
            .args([
                "--db",
                db.to_str().expect("path"),
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .args(flags_for(options))
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
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            launched.elapsed() < Duration::from_secs(10),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    let startup_ms = launched.elapsed().as_secs_f64() * 1000.0;
    let pid = server.0.id();
    Started {
        _process: server,
        base,
        pid,
        startup_ms,
    }
}

pub(crate) fn rss_mb(pid: u32) -> f64 {
    status_mb(pid, "VmRSS:")
}

/// A memory figure of `/proc/PID/status` in MB. The resident set counts the
/// database file's pages mapped by SQLite's mmap; `RssAnon:` leaves them out,
/// so it is the figure a leak shows in.
pub(crate) fn status_mb(pid: u32, field: &str) -> f64 {
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

pub(crate) fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |dir| dir.count())
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub(crate) struct ServerProcess(pub(crate) Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// User plus system CPU time a process has used so far, in seconds.
pub(crate) fn cpu_seconds(pid: u32) -> f64 {
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

/// Runs one of onebox's commands on the database file (the same binary
/// as the server measured); what it printed. The workloads' rows come from
/// these and from HTTP, never from SQL written here.
pub(crate) fn onebox_command(options: &Options, args: &[&str], db: &Path) -> String {
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
