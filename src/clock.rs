//! Wall-clock helpers. Everything is stored as UTC unix seconds; each domain
//! formats times the way its seed document shows them.

use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// `2015-03-28 10:53:51`.
const DATETIME: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
/// `2024-11-06T11:39:56.620678Z`.
const RFC3339_MICROS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Formats a unix time in seconds (UTC), or `fallback` when it is out of
/// range.
pub fn format_unix(unix_seconds: i64, format: &[BorrowedFormatItem<'_>], fallback: &str) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| fallback.to_string())
}

/// Current UTC time as unix seconds.
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// `2015-03-28 10:53:51` (UTC), the format of parking and family bills.
pub fn format_datetime(unix_seconds: i64) -> String {
    format_unix(unix_seconds, DATETIME, "0000-00-00 00:00:00")
}

/// Current UTC time as unix microseconds (the shop shows them).
pub fn now_micros() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000) as i64
}

/// `2024-11-06T11:39:56.620678Z`: RFC 3339 with microseconds, UTC.
pub fn format_rfc3339_micros(unix_micros: i64) -> String {
    let fallback = "0000-00-00T00:00:00.000000Z";
    let nanos = i128::from(unix_micros) * 1_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(RFC3339_MICROS).ok())
        .unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_microseconds_as_rfc3339() {
        assert_eq!(
            format_rfc3339_micros(1_427_539_231_000_042),
            "2015-03-28T10:40:31.000042Z"
        );
    }

    #[test]
    fn formats_a_known_instant() {
        assert_eq!(format_datetime(1_427_539_231), "2015-03-28 10:40:31");
        assert_eq!(format_datetime(0), "1970-01-01 00:00:00");
        assert_eq!(format_datetime(i64::MAX), "0000-00-00 00:00:00");
        assert_eq!(format_rfc3339_micros(-1), "1969-12-31T23:59:59.999999Z");
    }
}
