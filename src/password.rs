//! Password rules and bcrypt (the `bcrypt` crate). Hashing runs on its
//! own threads, one per core, in Linux's idle scheduling class: a request
//! thread that wakes takes the core from a hasher at once, so hashing uses
//! only the CPU that answering leaves. Each hasher takes one job at a time,
//! in the order they came. On two cores, 200 logins at cost 10 beside a
//! working class of 200 finish in 8.5 s with reads at 2.5× their quiet
//! p99; one hasher took 15.1 s (`loadgen --classroom`, 2026-12-07).

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
/// terminating NUL is left out), so it is accepted; the bcrypt crate's
/// `non_truncating_*` calls refuse 72 bytes too, so the plain ones are used
/// behind this check.
pub const MAX_BYTES: usize = 72;

/// Why a new password is refused.
#[derive(Debug, thiserror::Error)]
pub enum Rule {
    #[error("password must be at least {0} characters")]
    TooShort(usize),
    #[error("password must be at most 72 bytes")]
    TooLong,
}

/// One password to hash or check, with where its answer goes.
enum Job {
    Hash {
        password: String,
        reply: oneshot::Sender<Result<String>>,
    },
    Verify {
        password: String,
        hash: String,
        reply: oneshot::Sender<Result<bool>>,
    },
}

/// Hashing settings plus the queue of the hashing threads.
#[derive(Clone)]
pub struct Passwords {
    min_chars: usize,
    jobs: mpsc::Sender<Job>,
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
    let salt = new_salt().map_err(|e| e.to_string())?;
    hash_one(password, DEFAULT_COST, salt).map_err(|e| e.to_string())
}

/// For generated accounts (`onebox shop generate-products`): the hash of
/// a random password that is never shown, so the account exists to own
/// rows and nobody can log in as it until the console resets its password.
pub fn unknown_password_hash() -> Result<String, String> {
    let secret = new_salt().map_err(|e| e.to_string())?;
    let password: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let salt = new_salt().map_err(|e| e.to_string())?;
    hash_one(&password, DEFAULT_COST, salt).map_err(|e| e.to_string())
}

/// 16 bytes of salt from the OS generator.
fn new_salt() -> Result<[u8; 16]> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Random(e.to_string()))?;
    Ok(salt)
}

/// The `$2b$` hash of one password (at most 72 bytes, all of them used).
fn hash_one(password: &str, cost: u32, salt: [u8; 16]) -> Result<String> {
    let parts = bcrypt::hash_with_salt(password, cost, salt)?;
    Ok(parts.format_for_version(bcrypt::Version::TwoB))
}

impl Passwords {
    pub fn new(cost: u32, min_chars: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..cores.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("onebox-bcrypt-{n}"))
                .spawn(move || run_hasher(&queue, cost));
            if let Err(e) = spawned {
                tracing::error!("cannot start a password hashing thread: {e}");
            }
        }
        Passwords { min_chars, jobs }
    }

    /// Checks a new password against the length rules.
    pub fn check_new(&self, password: &str) -> Result<(), Rule> {
        check_rules(password, self.min_chars)
    }

    /// Hashes a password (call [`check_new`](Self::check_new) first).
    pub async fn hash(&self, password: String) -> Result<String> {
        check_rules(&password, 0).map_err(|e| Error::Other(e.to_string()))?;
        let (reply, answer) = oneshot::channel();
        self.queue(Job::Hash { password, reply })?;
        answer.await.map_err(|_| stopped())?
    }

    /// Checks a password against a stored hash; over-long passwords never match.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool> {
        if password.len() > MAX_BYTES {
            return Ok(false);
        }
        let (reply, answer) = oneshot::channel();
        self.queue(Job::Verify {
            password,
            hash,
            reply,
        })?;
        answer.await.map_err(|_| stopped())?
    }

    fn queue(&self, job: Job) -> Result<()> {
        self.jobs.send(job).map_err(|_| stopped())
    }
}

fn stopped() -> Error {
    Error::Other("password hashing has stopped".into())
}

/// Answers one job at a time, until the queue closes.
fn run_hasher(queue: &Mutex<mpsc::Receiver<Job>>, cost: u32) {
    lower_priority();
    loop {
        let job = {
            let Ok(queue) = queue.lock() else { return };
            let Ok(job) = queue.recv() else { return };
            job
        };
        // A panic loses this job's answer (its caller sees an error),
        // never the thread.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(job, cost)));
    }
}

fn answer(job: Job, cost: u32) {
    match job {
        Job::Hash { password, reply } => {
            let _ = reply.send(new_salt().and_then(|salt| hash_one(&password, cost, salt)));
        }
        Job::Verify {
            password,
            hash,
            reply,
        } => {
            let _ = reply.send(bcrypt::verify(password, &hash).map_err(Error::from));
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
    async fn jobs_waiting_together_are_answered_each_with_its_own_result() {
        let passwords = Passwords::new(4, 8);
        // Forty at once, queued behind each other.
        let made = futures_util::future::join_all(
            (0..40).map(|n| passwords.hash(format!("password {n}"))),
        )
        .await;
        let made: Vec<String> = made.into_iter().map(|hash| hash.unwrap()).collect();
        let distinct: std::collections::HashSet<&String> = made.iter().collect();
        assert_eq!(distinct.len(), 40, "every hash has its own salt");
        // Right, wrong and empty passwords and a broken hash, interleaved.
        let checks = made.iter().enumerate().map(|(n, hash)| {
            let (password, hash) = match n % 4 {
                0 => (format!("password {n}"), hash.clone()),
                1 => (format!("password {}", n + 1), hash.clone()),
                2 => (String::new(), hash.clone()),
                _ => (format!("password {n}"), "$2b$04$broken".to_string()),
            };
            passwords.verify(password, hash)
        });
        let answers = futures_util::future::join_all(checks).await;
        for (n, answer) in answers.into_iter().enumerate() {
            match n % 4 {
                0 => assert!(answer.unwrap(), "{n} is right"),
                1 | 2 => assert!(!answer.unwrap(), "{n} is wrong"),
                _ => assert!(answer.is_err(), "{n} has no hash to check"),
            }
        }
    }

    #[tokio::test]
    async fn hashes_agree_with_the_bcrypt_crate_both_ways() {
        let passwords = Passwords::new(4, 8);
        for password in ["", "correct horse", "密码密码密码密码", &"p".repeat(72)] {
            let ours = passwords.hash(password.to_string()).await.unwrap();
            assert!(ours.starts_with("$2b$04$"), "{ours}");
            assert!(bcrypt::verify(password, &ours).unwrap(), "{password:?}");
            for theirs in [
                bcrypt::hash(password, 4).unwrap(),
                bcrypt::hash_with_result(password, 4)
                    .unwrap()
                    .format_for_version(bcrypt::Version::TwoY),
            ] {
                assert!(
                    passwords
                        .verify(password.into(), theirs.clone())
                        .await
                        .unwrap()
                );
                assert!(!passwords.verify("other".into(), theirs).await.unwrap());
            }
        }
    }

    #[tokio::test]
    async fn a_hash_stored_by_the_simd_hasher_of_earlier_builds_still_verifies() {
        // Made by bcrypt-rust 1.0.2, which hashed passwords before this build.
        let stored = "$2b$04$/uaF/uaF/uaF/uaF/uaF/ufdXa2GYfXrHpToofpbTKmWLY4Mt9bEO";
        let passwords = Passwords::new(4, 8);
        assert!(
            passwords
                .verify("stored before".into(), stored.into())
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify("stored after".into(), stored.into())
                .await
                .unwrap()
        );
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
