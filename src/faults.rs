//! Faults for teaching front-ends to cope: per domain, a delay added before
//! each answer and a share of answers turned into the domain's own
//! server-error envelope (HTTP 500). Set with `--fault
//! DOMAIN:delay=MS,errors=RATE` or from the console (`/_/faults`).

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The longest delay a fault may add.
pub const MAX_DELAY_MS: u64 = 60_000;

/// One domain's fault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Milliseconds added before each answer.
    pub delay_ms: u64,
    /// The share of answers (0 to 1) that become a server error.
    pub error_rate: f64,
}

impl Fault {
    /// Refuses a delay past [`MAX_DELAY_MS`] or a rate outside 0–1.
    pub fn check(self) -> Result<Fault, String> {
        if self.delay_ms > MAX_DELAY_MS {
            return Err(format!("delay_ms must be 0 to {MAX_DELAY_MS}"));
        }
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err("error_rate must be 0 to 1".into());
        }
        Ok(self)
    }

    fn is_none(&self) -> bool {
        self.delay_ms == 0 && self.error_rate == 0.0
    }
}

/// `--fault DOMAIN:delay=MS,errors=RATE` (either part may be left out).
pub fn parse_fault(text: &str) -> Result<(String, Fault), String> {
    let usage = || format!("{text:?} is not DOMAIN:delay=MS,errors=RATE");
    let (domain, settings) = text.split_once(':').ok_or_else(usage)?;
    let mut fault = Fault::default();
    for setting in settings.split(',').filter(|s| !s.trim().is_empty()) {
        let (name, value) = setting.split_once('=').ok_or_else(usage)?;
        match name.trim() {
            "delay" => fault.delay_ms = value.trim().parse().map_err(|_| usage())?,
            "errors" => fault.error_rate = value.trim().parse().map_err(|_| usage())?,
            _ => return Err(usage()),
        }
    }
    Ok((domain.trim().to_string(), fault.check()?))
}

/// Every domain's fault, as now set.
#[derive(Default)]
pub struct Faults {
    /// Whether any fault is set, so the usual request pays one load.
    any: AtomicBool,
    set: RwLock<HashMap<String, Fault>>,
}

/// What a fault does to one request.
pub enum Effect {
    /// Answer as usual (after the delay).
    Pass,
    /// Answer with the domain's server error (after the delay).
    Fail,
}

impl Faults {
    /// Sets (or, with an empty fault, clears) a domain's fault.
    pub fn set(&self, domain: &str, fault: Fault) {
        let mut set = self.set.write().unwrap_or_else(|e| e.into_inner());
        if fault.is_none() {
            set.remove(domain);
        } else {
            set.insert(domain.to_string(), fault);
        }
        self.any.store(!set.is_empty(), Ordering::Relaxed);
    }

    /// A domain's fault (none set is the default).
    pub fn of(&self, domain: &str) -> Fault {
        if !self.any.load(Ordering::Relaxed) {
            return Fault::default();
        }
        let set = self.set.read().unwrap_or_else(|e| e.into_inner());
        set.get(domain).copied().unwrap_or_default()
    }

    /// Waits out the domain's delay and draws whether this answer fails.
    pub async fn apply(&self, domain: &str) -> Effect {
        let fault = self.of(domain);
        if fault.is_none() {
            return Effect::Pass;
        }
        if fault.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
        }
        let draw = getrandom::u64().unwrap_or(u64::MAX) as f64 / u64::MAX as f64;
        if draw < fault.error_rate {
            Effect::Fail
        } else {
            Effect::Pass
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_from_the_command_line() {
        assert_eq!(
            parse_fault("shop:delay=300,errors=0.2").unwrap(),
            (
                "shop".into(),
                Fault {
                    delay_ms: 300,
                    error_rate: 0.2
                }
            )
        );
        assert_eq!(parse_fault("labs:errors=1").unwrap().1.error_rate, 1.0);
        for bad in [
            "shop",
            "shop:delay=x",
            "shop:errors=2",
            "shop:speed=1",
            "shop:delay=999999",
        ] {
            assert!(parse_fault(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_rate_of_one_always_fails_and_zero_never() {
        let faults = Faults::default();
        assert!(matches!(faults.apply("shop").await, Effect::Pass));
        faults.set(
            "shop",
            Fault {
                delay_ms: 0,
                error_rate: 1.0,
            },
        );
        assert!(matches!(faults.apply("shop").await, Effect::Fail));
        assert!(matches!(faults.apply("labs").await, Effect::Pass));
        faults.set("shop", Fault::default());
        assert!(matches!(faults.apply("shop").await, Effect::Pass));
        assert!(!faults.any.load(Ordering::Relaxed));
    }
}
