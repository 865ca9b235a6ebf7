//! Dates.

use super::*;
const SLASH_DATE: &[BorrowedFormatItem<'_>] =
    format_description!("[year padding:none]/[month padding:none]/[day padding:none]");
const US_DATE: &[BorrowedFormatItem<'_>] =
    format_description!("[month padding:none]/[day padding:none]/[year padding:none]");

/// `YYYY/M/D` (UTC), the seed's registration and modification dates.
pub fn slash_date(unix_seconds: i64) -> String {
    crate::clock::format_unix(unix_seconds, SLASH_DATE, "")
}

/// `M/D/YYYY` (UTC), the seed's deal dates.
pub fn us_date(unix_seconds: i64) -> String {
    crate::clock::format_unix(unix_seconds, US_DATE, "")
}

/// Parses `mm/dd/yyyy` (zero padding optional) to the day's first second, UTC.
pub fn parse_us_date(text: &str, field: &str) -> Result<i64, Error> {
    let bad = || failed(format!("{field} 应为 mm/dd/yyyy 格式的日期，如 1/7/2019"));
    let parts: Vec<&str> = text.trim().split('/').collect();
    let [month, day, year] = parts[..] else {
        return Err(bad());
    };
    let month: u8 = month.trim().parse().map_err(|_| bad())?;
    let day: u8 = day.trim().parse().map_err(|_| bad())?;
    let year: i32 = year.trim().parse().map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    if !(1900..=9999).contains(&year) {
        return Err(bad());
    }
    let date = Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    Ok(date.midnight().assume_utc().unix_timestamp())
}
