//! Failed-login throttling, per domain: per account (10 failures in 15
//! minutes, or `--login-throttle N`) and per client address (50 in 15
//! minutes, or five times N if that is more; a class behind one address
//! shares it). `--login-throttle off` turns both off. Kept in memory: a
//! restart, or the console's "clear", forgets it, which only ever helps a
//! legitimate user.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures per account in the window, by default.
pub const PER_ACCOUNT: usize = 10;
const PER_ADDRESS: usize = 50;
/// Past this many keys, keys with no recent failure are dropped.
const MAX_KEYS: usize = 100_000;

#[derive(Hash, PartialEq, Eq, Clone, Debug)]
enum Key {
    Account(&'static str, String),
    Address(&'static str, IpAddr),
}

/// Counts recent failures; see the module docs for the limits.
pub struct Throttle {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
    /// Failures an account may have in the window; `None` never refuses.
    per_account: Option<usize>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(Some(PER_ACCOUNT))
    }
}

/// A login refused for too many failures; retry after this long.
#[derive(Debug, Clone, Copy)]
pub struct Throttled {
    pub retry_after: Duration,
}

impl Throttled {
    /// Whole minutes to wait, at least one (for messages).
    pub fn minutes(&self) -> u64 {
        self.retry_after.as_secs().div_ceil(60).max(1)
    }
}

impl Throttle {
    /// A throttle allowing `per_account` failures per account (`None`: off).
    pub fn new(per_account: Option<usize>) -> Throttle {
        Throttle {
            failures: Mutex::default(),
            per_account,
        }
    }

    /// Forgets every failure (the console's "clear failed logins").
    pub fn clear(&self) -> usize {
        let mut failures = self.lock();
        let cleared = failures.len();
        failures.clear();
        cleared
    }

    /// Forgets one domain's failures (its accounts were reset).
    pub fn clear_domain(&self, domain: &str) -> usize {
        let mut failures = self.lock();
        let before = failures.len();
        failures.retain(|key, _| match key {
            Key::Account(d, _) | Key::Address(d, _) => *d != domain,
        });
        before - failures.len()
    }

    /// Refuses when the account or the address has too many recent failures.
    pub fn check(
        &self,
        domain: &'static str,
        account: &str,
        address: Option<IpAddr>,
    ) -> Result<(), Throttled> {
        let Some(per_account) = self.per_account else {
            return Ok(());
        };
        let now = Instant::now();
        let mut failures = self.lock();
        let mut keys = vec![(Key::Account(domain, account.to_string()), per_account)];
        if let Some(ip) = address {
            keys.push((Key::Address(domain, ip), PER_ADDRESS.max(per_account * 5)));
        }
        for (key, limit) in keys {
            if let Some(times) = failures.get_mut(&key) {
                prune(times, now);
                if times.len() >= limit {
                    let oldest = times.front().copied().unwrap_or(now);
                    return Err(Throttled {
                        retry_after: WINDOW.saturating_sub(now - oldest),
                    });
                }
            }
        }
        Ok(())
    }

    /// Records a failed login.
    pub fn failed(&self, domain: &'static str, account: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let mut failures = self.lock();
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
        failures
            .entry(Key::Account(domain, account.to_string()))
            .or_default()
            .push_back(now);
        if let Some(ip) = address {
            failures
                .entry(Key::Address(domain, ip))
                .or_default()
                .push_back(now);
        }
    }

    /// A successful login clears the account's failures.
    pub fn succeeded(&self, domain: &'static str, account: &str) {
        self.lock()
            .remove(&Key::Account(domain, account.to_string()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, VecDeque<Instant>>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant) {
    while times.front().is_some_and(|t| now - *t >= WINDOW) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_lock_the_account_but_not_its_neighbours() {
        let throttle = Throttle::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        for _ in 0..10 {
            assert!(throttle.check("parking", "bob", Some(ip)).is_ok());
            throttle.failed("parking", "bob", Some(ip));
        }
        let refused = throttle.check("parking", "bob", Some(ip)).unwrap_err();
        assert!(refused.minutes() >= 14);
        assert!(throttle.check("parking", "alice", Some(ip)).is_ok());
        assert!(throttle.check("shop", "bob", Some(ip)).is_ok());
    }

    #[test]
    fn fifty_failures_from_one_address_lock_the_address() {
        let throttle = Throttle::default();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for n in 0..50 {
            throttle.failed("parking", &format!("user{n}"), Some(ip));
        }
        assert!(throttle.check("parking", "fresh", Some(ip)).is_err());
        assert!(throttle.check("parking", "fresh", None).is_ok());
    }

    #[test]
    fn the_limit_can_be_raised_turned_off_and_cleared() {
        let ip: IpAddr = [10, 0, 0, 2].into();
        let raised = Throttle::new(Some(30));
        for _ in 0..29 {
            raised.failed("labs", "demo", Some(ip));
        }
        assert!(raised.check("labs", "demo", Some(ip)).is_ok());
        raised.failed("labs", "demo", Some(ip));
        assert!(raised.check("labs", "demo", Some(ip)).is_err());
        assert!(raised.clear() >= 1);
        assert!(raised.check("labs", "demo", Some(ip)).is_ok());
        let off = Throttle::new(None);
        for _ in 0..200 {
            off.failed("labs", "demo", Some(ip));
        }
        assert!(off.check("labs", "demo", Some(ip)).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let throttle = Throttle::default();
        for _ in 0..10 {
            throttle.failed("parking", "bob", None);
        }
        throttle.succeeded("parking", "bob");
        assert!(throttle.check("parking", "bob", None).is_ok());
    }
}
