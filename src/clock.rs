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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_known_instant() {
        assert_eq!(format_datetime(1_427_539_231), "2015-03-28 10:40:31");
        assert_eq!(format_datetime(0), "1970-01-01 00:00:00");
    }
}
