//! The command line's value parsers (`onebox::args`): sizes, durations,
//! percentages, amounts, the login throttle and `--listen`.

use onebox::args::{self, ListenSpec};

/// - every value read prints back to text that reads as the same value;
/// - sizes and durations are never zero, percentages stay within 0–100,
///   amounts are never negative;
/// - `--listen` is read without looking a name up, and a host it keeps
///   is never empty.
pub fn cli(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(size) = args::parse_size(text) {
        assert!(size > 0);
        assert_eq!(args::parse_size(&size.to_string()), Ok(size));
    }
    if let Ok(duration) = args::parse_duration(text) {
        assert!(duration.as_secs() >= 1);
        assert_eq!(
            args::parse_duration(&format!("{}s", duration.as_secs())),
            Ok(duration)
        );
    }
    if let Ok(basis_points) = args::parse_percent(text) {
        assert!((0..=10_000).contains(&basis_points));
        let shown = format!("{}.{:02}%", basis_points / 100, basis_points % 100);
        assert_eq!(args::parse_percent(&shown), Ok(basis_points));
    }
    if let Ok(cents) = args::parse_yuan(text) {
        assert!(cents >= 0);
        let shown = format!("{}.{:02}", cents / 100, cents % 100);
        assert_eq!(args::parse_yuan(&shown), Ok(cents));
    }
    if let Ok(throttle) = args::parse_login_throttle(text) {
        assert!(throttle.0.is_none_or(|n| n >= 1));
        assert_eq!(
            args::parse_login_throttle(&throttle.to_string()),
            Ok(throttle)
        );
    }
    match args::parse_listen_spec(text) {
        Ok(ListenSpec::Addr(addr)) => {
            assert_eq!(
                args::parse_listen_spec(&addr.to_string()),
                Ok(ListenSpec::Addr(addr))
            );
            assert_eq!(args::parse_listen(text), Ok(addr));
        }
        Ok(ListenSpec::Host(host, port)) => {
            assert!(!host.is_empty());
            assert!(
                text.trim().ends_with(&format!(":{port}"))
                    || text.trim().ends_with(&port.to_string())
            );
        }
        Err(_) => {}
    }
}
