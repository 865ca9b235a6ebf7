//! Wall-clock helpers. Everything is stored as UTC unix seconds; each domain
//! formats times the way its seed document shows them.

use time::OffsetDateTime;

/// Current UTC time as unix seconds.
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// `2015-03-28 10:53:51` (UTC), the format of parking and family bills.
pub fn format_datetime(unix_seconds: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(unix_seconds) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => "0000-00-00 00:00:00".to_string(),
    }
}

/// Current UTC time as unix microseconds (the shop shows them).
pub fn now_micros() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000) as i64
}

/// `2024-11-06T11:39:56.620678Z`: RFC 3339 with microseconds, UTC.
pub fn format_rfc3339_micros(unix_micros: i64) -> String {
    let seconds = unix_micros.div_euclid(1_000_000);
    let micros = unix_micros.rem_euclid(1_000_000);
    match OffsetDateTime::from_unix_timestamp(seconds) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{micros:06}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => "0000-00-00T00:00:00.000000Z".to_string(),
    }
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
    }
}
