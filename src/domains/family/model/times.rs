//! Times.

use super::*;

/// Earliest and latest instants accepted (1970-01-01 .. 2100-12-31).
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2100;

/// `2019-12-13 21:42:22` (UTC), zero-padded.
pub fn format_time(unix: i64) -> String {
    crate::clock::format_datetime(unix)
}

/// `2019-12-13`, a day.
pub fn format_day(unix: i64) -> String {
    format_time(unix)[..10].to_string()
}

/// `2019-11-16T16:17:52Z`, the messages' form.
pub fn format_iso(unix: i64) -> String {
    format_time(unix).replacen(' ', "T", 1) + "Z"
}

/// `2019-12`, a month of the report.
pub fn format_month(unix: i64) -> String {
    format_time(unix)[..7].to_string()
}

/// Parses `2019-10-1 12:12:12`, `2019-10-01T12:12:12Z`, `2019-10-01 12:12`,
/// `2019-10-01` or `2019/10/1` as a UTC instant. Zones other than `Z` are
/// refused rather than guessed.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (date, clock) = match text.split_once([' ', 'T']) {
        Some((d, c)) => (d, Some(c.trim())),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split(['-', '/']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let year: i32 = number(year, 4)?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let month = Month::try_from(number::<u8>(month, 2)?).ok()?;
    let date = Date::from_calendar_date(year, month, number(day, 2)?).ok()?;
    let time = match clock {
        None => Time::MIDNIGHT,
        Some(clock) => {
            let clock = clock.split_once('.').map_or(clock, |(whole, _)| whole);
            let parts: Vec<&str> = clock.split(':').collect();
            let (h, m, s) = match parts.as_slice() {
                [h, m] => (*h, *m, "0"),
                [h, m, s] => (*h, *m, *s),
                _ => return None,
            };
            Time::from_hms(number(h, 2)?, number(m, 2)?, number(s, 2)?).ok()?
        }
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

fn number<T: std::str::FromStr>(text: &str, max_digits: usize) -> Option<T> {
    let text = text.trim();
    if text.is_empty() || text.len() > max_digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The last second of the day `unix` falls on.
pub fn end_of_day(unix: i64) -> i64 {
    unix - unix.rem_euclid(86_400) + 86_399
}

/// The first second of the month after the one `unix` falls in.
pub fn next_month(unix: i64) -> i64 {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(unix) else {
        return i64::MAX;
    };
    let (year, month) = match t.month() {
        Month::December => (t.year() + 1, Month::January),
        m => (t.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .unwrap_or(i64::MAX)
}

/// A `[start, end]` filter from `?start=&end=` (inclusive; a bare date as
/// `end` means the whole day).
#[derive(Debug, Clone, Copy, Default)]
pub struct Period {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl Period {
    /// `start` and `end` as sent; a date alone as `end` takes in its day.
    pub fn read(start: Option<String>, end: Option<String>) -> Result<Period, Error> {
        let read = |text: Option<String>, name: &str| -> Result<Option<(i64, bool)>, Error> {
            match text {
                None => Ok(None),
                Some(text) => parse_time(&text)
                    .map(|t| Some((t, !text.trim().contains([' ', 'T']))))
                    .ok_or_else(|| bad(format!("{name} 应为日期，如 2019-12-01"))),
            }
        };
        let start = read(start, "start")?.map(|(t, _)| t);
        let end = read(end, "end")?.map(|(t, whole_day)| if whole_day { end_of_day(t) } else { t });
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            return Err(bad("start 不能晚于 end"));
        }
        Ok(Period { start, end })
    }

    /// SQL bounds, open ends filled in.
    pub fn bounds(&self) -> (i64, i64) {
        (self.start.unwrap_or(i64::MIN), self.end.unwrap_or(i64::MAX))
    }
}
