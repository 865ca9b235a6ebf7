//! Command-line values shared by the server and the domains: the
//! database file, switches, and the parsers of sizes, durations,
//! percentages, amounts and listen addresses.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// The database file.
#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// SQLite database file (created with the schema on first use).
    #[arg(long = "db", env = "ONEBOX_DB", default_value = "./onebox.db")]
    pub path: PathBuf,
}

/// A feature switch on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// `"30m"` → `(30, "m")`; `example` names the expected form in the error.
fn number_and_unit<'a>(text: &'a str, example: &str) -> Result<(u64, &'a str), String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number = number
        .parse()
        .map_err(|_| format!("{text:?} is not like {example}"))?;
    Ok((number, unit.trim()))
}

/// `--login-throttle`: failures per account in 15 minutes (1 or more), or
/// `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle(pub Option<usize>);

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle(Some(crate::throttle::PER_ACCOUNT))
    }
}

impl std::fmt::Display for LoginThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("off"),
        }
    }
}

/// Reads `--login-throttle`.
pub fn parse_login_throttle(text: &str) -> Result<LoginThrottle, String> {
    match text.trim() {
        "off" => Ok(LoginThrottle(None)),
        n => match n.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(LoginThrottle(Some(n))),
            _ => Err("a number of failures (1 or more) or off".into()),
        },
    }
}

/// `5MiB`, `800KiB`, `2MB`, `1000000` → bytes.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let (number, unit) = number_and_unit(text, "5MiB")?;
    let number = usize::try_from(number).map_err(|_| format!("{text:?} is too large"))?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        other => return Err(format!("unknown size unit {other:?}; use KiB, MiB or GiB")),
    };
    number
        .checked_mul(factor)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{text:?} is not a usable size"))
}

/// `30m`, `90s`, `1h`, `1800` (seconds) → a duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = number_and_unit(text, "30m")?;
    let seconds = match unit {
        "" | "s" => number,
        "m" | "min" => number.saturating_mul(60),
        "h" => number.saturating_mul(3600),
        other => return Err(format!("unknown duration unit {other:?}; use s, m or h")),
    };
    if seconds == 0 {
        return Err("the duration must be at least one second".into());
    }
    Ok(Duration::from_secs(seconds))
}

/// `10`, `7.5`, `7.5%` (percent, 0–100) → basis points.
pub fn parse_percent(text: &str) -> Result<i64, String> {
    crate::body::parse_cents(text.trim().trim_end_matches('%').trim())
        .filter(|bp| *bp <= 10_000)
        .ok_or_else(|| {
            format!("{text:?} is not a percentage from 0 to 100 with at most two decimals")
        })
}

/// `5`, `4.5`, `4.50` yuan → cents.
pub fn parse_yuan(text: &str) -> Result<i64, String> {
    crate::body::parse_cents(text.trim())
        .ok_or_else(|| format!("{text:?} is not an amount of yuan with at most two decimals"))
}

/// A `--listen` value as written, before a host name is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenSpec {
    Addr(SocketAddr),
    /// A host name and a port (`localhost:8081`).
    Host(String, u16),
}

/// Reads `--listen` without looking anything up: `8081` (this machine
/// only, like the default), `:8081` (every interface, as in Go and Node),
/// `localhost:8081`, `0.0.0.0:8081`, `[::1]:8081`.
pub fn parse_listen_spec(text: &str) -> Result<ListenSpec, String> {
    use std::net::Ipv4Addr;
    let text = text.trim();
    let port = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| format!("{p:?} is not a port number (0-65535)"))
    };
    if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        return Ok(ListenSpec::Addr(SocketAddr::from((
            Ipv4Addr::LOCALHOST,
            port(text)?,
        ))));
    }
    if let Some(p) = text.strip_prefix(':') {
        return Ok(ListenSpec::Addr(SocketAddr::from((
            Ipv4Addr::UNSPECIFIED,
            port(p)?,
        ))));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(ListenSpec::Addr(addr));
    }
    match text.rsplit_once(':') {
        Some((host, p)) if !host.is_empty() => Ok(ListenSpec::Host(host.to_string(), port(p)?)),
        _ => Err(format!(
            "{text:?} is not an address; use PORT, :PORT or HOST:PORT"
        )),
    }
}

/// Reads `--listen` ([`parse_listen_spec`]), looking up a host name.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let (host, port) = match parse_listen_spec(text)? {
        ListenSpec::Addr(addr) => return Ok(addr),
        ListenSpec::Host(host, port) => (host, port),
    };
    let mut found: Vec<SocketAddr> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host:?}: {e}"))?
        .collect();
    // `localhost` may name ::1 and 127.0.0.1; prefer IPv4, which every
    // client tries.
    found.sort_by_key(|a| a.is_ipv6());
    found
        .first()
        .copied()
        .ok_or_else(|| format!("{host:?} names no address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_come_in_every_usual_spelling() {
        assert_eq!(parse_listen("8081"), Ok("127.0.0.1:8081".parse().unwrap()));
        assert_eq!(parse_listen(":8081"), Ok("0.0.0.0:8081".parse().unwrap()));
        assert_eq!(
            parse_listen("localhost:8081"),
            Ok("127.0.0.1:8081".parse().unwrap())
        );
        assert_eq!(parse_listen("[::1]:0"), Ok("[::1]:0".parse().unwrap()));
        assert_eq!(
            parse_listen("10.1.2.3:80"),
            Ok("10.1.2.3:80".parse().unwrap())
        );
        assert!(parse_listen("99999").is_err());
        assert!(parse_listen("localhost").is_err());
        assert!(parse_listen(":x").is_err());
    }

    #[test]
    fn sizes_and_durations_parse() {
        assert_eq!(parse_size("5MiB"), Ok(5 * 1024 * 1024));
        assert_eq!(parse_size("800KiB"), Ok(800 * 1024));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("5 parsecs").is_err());
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("0").is_err());
        assert_eq!(parse_yuan("4.5"), Ok(450));
        assert_eq!(parse_percent("10"), Ok(1000));
        assert_eq!(parse_percent("7.5%"), Ok(750));
        assert!(parse_percent("101").is_err());
    }
}
