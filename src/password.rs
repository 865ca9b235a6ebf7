//! Password rules and bcrypt. Hashing runs on its own threads, one per
//! core, in the idle scheduling class: a burst of logins (a class
//! arriving) uses every idle core, and request threads win the CPU
//! whenever both want it. On two cores, 200 logins at cost 10 take about
//! 7 s on a quiet server and 12–15 s beside a working class (one thread at
//! niceness 10 took 13 s and 19 s), with read p99 2.4–2.9× its quiet value
//! (`loadgen --classroom`).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// Niceness of the hashing threads (0 is normal, 19 the lowest).
const HASHER_NICENESS: i32 = 19;

/// bcrypt cost when none is chosen (`--bcrypt-cost`).
pub const DEFAULT_COST: u32 = 10;

/// bcrypt reads at most 72 bytes; longer passwords are refused, not cut.
/// A password of exactly 72 bytes is whole in the key (only the C string's
/// terminating NUL is left out), so it is accepted; the hashing calls below
/// are bcrypt's plain ones because its `non_truncating_*` variants refuse
/// 72 bytes too.
pub const MAX_BYTES: usize = 72;

/// Why a new password is refused.
#[derive(Debug, thiserror::Error)]
pub enum Rule {
    #[error("password must be at least {0} characters")]
    TooShort(usize),
    #[error("password must be at most 72 bytes")]
    TooLong,
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Hashing settings plus the queue of the hashing threads.
#[derive(Clone)]
pub struct Passwords {
    cost: u32,
    min_chars: usize,
    jobs: mpsc::Sender<HashJob>,
}

/// The length rules every new password meets.
fn check_rules(password: &str, min_chars: usize) -> Result<(), Rule> {
    if password.len() > MAX_BYTES {
        Err(Rule::TooLong)
    } else if password.chars().count() < min_chars {
        Err(Rule::TooShort(min_chars))
    } else {
        Ok(())
    }
}

/// For operator commands: checks a new password under the API's rules and
/// hashes it at the default cost on the calling thread. Errors come back
/// as the line to print.
pub fn hash_for_cli(password: &str, min_chars: usize) -> Result<String, String> {
    check_rules(password, min_chars).map_err(|e| e.to_string())?;
    bcrypt::hash(password, DEFAULT_COST).map_err(|e| e.to_string())
}

impl Passwords {
    pub fn new(cost: u32, min_chars: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let (jobs, queue) = mpsc::channel::<HashJob>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..cores {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("onebox-bcrypt-{n}"))
                .spawn(move || run_hasher(&queue));
            if let Err(e) = spawned {
                tracing::error!("cannot start a password hashing thread: {e}");
            }
        }
        Passwords {
            cost,
            min_chars,
            jobs,
        }
    }

    /// Checks a new password against the length rules.
    pub fn check_new(&self, password: &str) -> Result<(), Rule> {
        check_rules(password, self.min_chars)
    }

    /// Hashes a password (call [`check_new`](Self::check_new) first).
    pub async fn hash(&self, password: String) -> Result<String> {
        check_rules(&password, 0).map_err(|e| Error::Other(e.to_string()))?;
        let cost = self.cost;
        self.bounded(move || Ok(bcrypt::hash(password, cost)?))
            .await
    }

    /// Checks a password against a stored hash; over-long passwords never match.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool> {
        if password.len() > MAX_BYTES {
            return Ok(false);
        }
        self.bounded(move || Ok(bcrypt::verify(password, &hash)?))
            .await
    }

    async fn bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        let job: HashJob = Box::new(move || {
            let _ = reply.send(work());
        });
        let stopped = || Error::Other("password hashing has stopped".into());
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn run_hasher(queue: &Mutex<mpsc::Receiver<HashJob>>) {
    lower_priority();
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            // A panicking job loses its own answer, never the thread.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

/// Puts this thread in Linux's idle scheduling class, where any waking
/// request thread preempts it at once; niceness 19 where that is refused.
/// Both are per thread on Linux.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: plain syscalls on the calling thread (0 and its own id).
    let failed = unsafe {
        let idle = libc::sched_param { sched_priority: 0 };
        libc::sched_setscheduler(0, libc::SCHED_IDLE, &idle) != 0 && {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, HASHER_NICENESS) != 0
        }
    };
    if failed {
        tracing::debug!("could not lower the priority of a hashing thread");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_long_passwords_are_refused() {
        let passwords = Passwords::new(4, 8);
        assert!(matches!(
            passwords.check_new("short"),
            Err(Rule::TooShort(8))
        ));
        assert!(matches!(
            passwords.check_new(&"x".repeat(73)),
            Err(Rule::TooLong)
        ));
        assert!(passwords.check_new("密码密码密码密码").is_ok());
        let hash = passwords.hash("correct horse".into()).await.unwrap();
        assert!(
            passwords
                .verify("correct horse".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify("wrong horse".into(), hash.clone())
                .await
                .unwrap()
        );
        let long = format!("correct horse{}", "x".repeat(80));
        assert!(!passwords.verify(long, hash).await.unwrap());
    }

    #[tokio::test]
    async fn a_password_of_exactly_72_bytes_is_hashed_whole() {
        let passwords = Passwords::new(4, 8);
        let longest = "p".repeat(71) + "q";
        assert!(passwords.check_new(&longest).is_ok());
        let hash = passwords.hash(longest.clone()).await.unwrap();
        assert!(
            passwords
                .verify(longest.clone(), hash.clone())
                .await
                .unwrap()
        );
        // Its last byte counts: neither its 71-byte prefix nor a different
        // 72nd byte matches.
        assert!(
            !passwords
                .verify("p".repeat(71), hash.clone())
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify("p".repeat(72), hash.clone())
                .await
                .unwrap()
        );
        assert!(passwords.hash(longest + "x").await.is_err());
        assert!(hash_for_cli(&"p".repeat(72), 8).is_ok());
        assert!(hash_for_cli(&"p".repeat(73), 8).is_err());
    }
}
