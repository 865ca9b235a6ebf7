//! Scheduled backups (`--backup-dir`, `--backup-every`, `--backup-keep`):
//! a backup that happens without anyone remembering it. Each one is a
//! consistent copy made with SQLite's online backup while the server
//! serves, written under a temporary name, checked (integrity and foreign
//! keys) before it counts, then renamed to `onebox-YYYYMMDD-HHMMSS.db`;
//! the oldest beyond the kept number are removed. A failure is logged and
//! shown in the console, and the next attempt still runs. `onebox restore`
//! takes any of them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};

/// What `--backup-*` asked for.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

/// The schedule and what its last attempts did.
#[derive(Debug, Default)]
pub struct Backups {
    schedule: Option<Schedule>,
    status: Mutex<Status>,
}

#[derive(Debug, Default, Clone)]
struct Status {
    /// Unix time and file name of the last backup that counted.
    last_ok: Option<(i64, String)>,
    /// Unix time and cause of the last failed attempt, until one succeeds.
    last_error: Option<(i64, String)>,
}

/// A kept backup, as the console lists it.
#[derive(Debug, Serialize)]
pub struct Kept {
    pub name: String,
    pub bytes: u64,
}

/// The console's view of the schedule.
#[derive(Debug, Serialize)]
pub struct Report {
    pub dir: String,
    pub every_secs: u64,
    pub keep: usize,
    /// RFC 3339, or `null` before the first.
    pub last_ok_at: Option<String>,
    pub last_ok: Option<String>,
    pub last_error_at: Option<String>,
    pub last_error: Option<String>,
    /// Newest first.
    pub kept: Vec<Kept>,
}

fn rfc3339(unix: i64) -> String {
    crate::clock::format_rfc3339_micros(unix.saturating_mul(1_000_000))
}

/// Whether a file name is one of ours: `onebox-` then digits and dashes,
/// then `.db`; nothing else in the folder is listed, served or removed.
fn is_backup_name(name: &str) -> bool {
    name.strip_prefix("onebox-")
        .and_then(|rest| rest.strip_suffix(".db"))
        .is_some_and(|stamp| {
            !stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        })
}

/// The name of a backup made at `unix`.
fn name_at(unix: i64) -> String {
    let stamp = crate::clock::format_unix(
        unix,
        time::macros::format_description!("[year][month][day]-[hour][minute][second]"),
        "0",
    );
    format!("onebox-{stamp}.db")
}

impl Backups {
    pub fn new(schedule: Option<Schedule>) -> Backups {
        Backups {
            schedule,
            status: Mutex::new(Status::default()),
        }
    }

    pub fn schedule(&self) -> Option<&Schedule> {
        self.schedule.as_ref()
    }

    fn status(&self) -> Status {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn record(&self, outcome: std::result::Result<(i64, String), (i64, String)>) {
        if let Ok(mut status) = self.status.lock() {
            match outcome {
                Ok(done) => {
                    status.last_ok = Some(done);
                    status.last_error = None;
                }
                Err(failed) => status.last_error = Some(failed),
            }
        }
    }

    /// The schedule, the last attempts and the kept backups; `None` when
    /// no backups are scheduled.
    pub fn report(&self) -> Option<Report> {
        let schedule = self.schedule.as_ref()?;
        let status = self.status();
        Some(Report {
            dir: schedule.dir.display().to_string(),
            every_secs: schedule.every.as_secs(),
            keep: schedule.keep,
            last_ok_at: status.last_ok.as_ref().map(|(at, _)| rfc3339(*at)),
            last_ok: status.last_ok.map(|(_, name)| name),
            last_error_at: status.last_error.as_ref().map(|(at, _)| rfc3339(*at)),
            last_error: status.last_error.map(|(_, why)| why),
            kept: kept(&schedule.dir),
        })
    }

    /// The path of a kept backup by its listed name, if it is one.
    pub fn path_of(&self, name: &str) -> Option<PathBuf> {
        let schedule = self.schedule.as_ref()?;
        kept(&schedule.dir)
            .iter()
            .any(|k| k.name == name)
            .then(|| schedule.dir.join(name))
    }
}

/// Our backups in `dir`, newest first.
pub fn kept(dir: &Path) -> Vec<Kept> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut kept: Vec<Kept> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let meta = entry.metadata().ok()?;
            let ours = is_backup_name(&name) && meta.is_file();
            ours.then_some(Kept {
                name,
                bytes: meta.len(),
            })
        })
        .collect();
    // The names sort by their time.
    kept.sort_by(|a, b| b.name.cmp(&a.name));
    kept
}

/// Makes one backup of the database at `source` into `schedule.dir` and
/// removes the oldest beyond `schedule.keep`; the new file's name.
pub fn take(source: &Path, schedule: &Schedule, now: i64) -> Result<String> {
    std::fs::create_dir_all(&schedule.dir)?;
    let mut name = name_at(now);
    let mut n = 1;
    while schedule.dir.join(&name).exists() {
        n += 1;
        name = name_at(now).replace(".db", &format!("-{n}.db"));
    }
    let partial = schedule.dir.join(format!(".{name}.partial"));
    let _ = std::fs::remove_file(&partial);
    let made = crate::db::backup(source, &partial).and_then(|()| {
        let problems = crate::db::check(&partial)?;
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Other(format!(
                "the copy failed its check: {}",
                problems.join("; ")
            )))
        }
    });
    if let Err(e) = made {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, schedule.dir.join(&name))?;
    for old in kept(&schedule.dir).iter().skip(schedule.keep) {
        if let Err(e) = std::fs::remove_file(schedule.dir.join(&old.name)) {
            tracing::warn!("removing the old backup {}: {e}", old.name);
        }
    }
    Ok(name)
}

/// Takes a backup every `schedule.every`, the first one period after
/// start, until `stop`.
pub fn spawn(
    db: crate::db::Db,
    backups: std::sync::Arc<Backups>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    let schedule = backups.schedule()?.clone();
    Some(tokio::spawn(async move {
        let start = tokio::time::Instant::now() + schedule.every;
        let mut ticks = tokio::time::interval_at(start, schedule.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stop.wait_for(|stop| *stop) => return,
            }
            let now = crate::clock::now();
            let (source, plan) = (db.path().to_path_buf(), schedule.clone());
            let taken = tokio::task::spawn_blocking(move || take(&source, &plan, now))
                .await
                .map_err(Error::from)
                .and_then(|taken| taken);
            match taken {
                Ok(name) => {
                    tracing::info!("backup {} written", schedule.dir.join(&name).display());
                    backups.record(Ok((now, name)));
                }
                Err(e) => {
                    tracing::error!("backup into {} failed: {e}", schedule.dir.display());
                    backups.record(Err((now, e.to_string())));
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_are_backups() {
        assert!(is_backup_name("onebox-20261207-040102.db"));
        assert!(is_backup_name("onebox-20261207-040102-2.db"));
        for other in [
            "onebox-.db",
            "other.db",
            ".onebox-20261207-040102.db.partial",
            "onebox-../x.db",
        ] {
            assert!(!is_backup_name(other), "{other}");
        }
        assert_eq!(name_at(0), "onebox-19700101-000000.db");
    }
}
