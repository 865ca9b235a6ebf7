//! Password rules and bcrypt, bounded so a burst of logins cannot take every
//! core: hashing runs on the blocking threads behind a semaphore sized one
//! below the core count (at least one).

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// bcrypt reads at most 72 bytes; longer passwords are refused, not cut.
pub const MAX_BYTES: usize = 72;

/// Why a new password is refused.
#[derive(Debug, thiserror::Error)]
pub enum Rule {
    #[error("password must be at least {0} characters")]
    TooShort(usize),
    #[error("password must be at most 72 bytes")]
    TooLong,
}

/// Hashing settings plus the permits that bound concurrent bcrypt work.
#[derive(Clone)]
pub struct Passwords {
    cost: u32,
    min_chars: usize,
    permits: Arc<Semaphore>,
}

impl Passwords {
    pub fn new(cost: u32, min_chars: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Passwords {
            cost,
            min_chars,
            permits: Arc::new(Semaphore::new(cores.saturating_sub(1).max(1))),
        }
    }

    /// Checks a new password against the length rules.
    pub fn check_new(&self, password: &str) -> Result<(), Rule> {
        if password.len() > MAX_BYTES {
            Err(Rule::TooLong)
        } else if password.chars().count() < self.min_chars {
            Err(Rule::TooShort(self.min_chars))
        } else {
            Ok(())
        }
    }

    /// Hashes a password (call [`check_new`](Self::check_new) first).
    pub async fn hash(&self, password: String) -> Result<String> {
        let cost = self.cost;
        self.bounded(move || Ok(bcrypt::non_truncating_hash(password, cost)?))
            .await
    }

    /// Checks a password against a stored hash; over-long passwords never match.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool> {
        if password.len() > MAX_BYTES {
            return Ok(false);
        }
        self.bounded(move || Ok(bcrypt::non_truncating_verify(password, &hash)?))
            .await
    }

    /// Hashes on the calling thread (CLI and demo data, outside the server).
    pub fn hash_blocking(&self, password: &str) -> Result<String> {
        Ok(bcrypt::non_truncating_hash(password, self.cost)?)
    }

    async fn bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| Error::Other(e.to_string()))?;
        tokio::task::spawn_blocking(work).await?
    }
}

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
}
