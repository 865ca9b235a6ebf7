//! Client values.

use super::*;

/// Optional text of at most `max` characters, trimmed (sent blank, it is
/// `""`: "clear it").
pub fn optional_text(
    text: Option<String>,
    name: &str,
    max: usize,
) -> Result<Option<String>, Error> {
    let Some(text) = text else {
        return Ok(None);
    };
    let text = text.trim().to_string();
    if text.chars().count() > max {
        return Err(bad(format!("{name} 不能超过 {max} 个字符")));
    }
    if text.chars().any(char::is_control) {
        return Err(bad(format!("{name} 不能含控制字符")));
    }
    Ok(Some(text))
}

/// 1 to 32 characters, no whitespace.
pub fn check_username(name: &str) -> Result<String, Error> {
    let count = name.chars().count();
    if count == 0 || count > 32 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(bad("用户名应为 1 到 32 个字符，不含空白"))
    } else {
        Ok(name.to_string())
    }
}

/// Digits, spaces, `+` and `-`, at most 20; empty is allowed.
pub fn check_telephone(phone: &str) -> Result<(), Error> {
    if phone.len() > 20
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
    {
        return Err(bad("telephone 应为数字，最多 20 位"));
    }
    Ok(())
}

/// `name@host`, at most 100 characters; empty is allowed.
pub fn check_email(email: &str) -> Result<(), Error> {
    if email.is_empty() {
        return Ok(());
    }
    let valid = email.len() <= 100
        && email.split_once('@').is_some_and(|(name, host)| {
            !name.is_empty() && host.contains('.') && !host.contains('@')
        });
    if valid {
        Ok(())
    } else {
        Err(bad("email 格式不正确"))
    }
}

/// The largest amount one record may hold: 100 million yuan, so that sums
/// over any realistic number of records stay far from overflow.
pub const MAX_MONEY: i64 = 100_000_000 * 100;

/// A positive amount of money (yuan, two decimals) as cents.
pub fn positive_money(money: Option<Cents>, name: &str) -> Result<Option<i64>, Error> {
    match money {
        Some(Cents(0)) => Err(bad(format!("{name} 应大于 0"))),
        Some(Cents(cents)) if cents > MAX_MONEY => Err(bad(format!("{name} 不能超过 1 亿"))),
        other => Ok(other.map(|c| c.0)),
    }
}

/// A time field: `None` when absent, refused when unreadable.
pub fn time_field(text: Option<String>, name: &str) -> Result<Option<i64>, Error> {
    match text {
        None => Ok(None),
        Some(text) => parse_time(&text)
            .map(Some)
            .ok_or_else(|| bad(format!("{name} 应为时间，如 2019-10-01 12:12:12"))),
    }
}

/// 活期 / 定期 (or current / fixed).
pub fn deposit_type(text: &str) -> Result<&'static str, Error> {
    match text.trim().to_ascii_lowercase().as_str() {
        "活期" | "current" => Ok("活期"),
        "定期" | "fixed" => Ok("定期"),
        _ => Err(bad("type 应为 活期 或 定期")),
    }
}

/// 借入 / 借出 (or borrow / lend).
pub fn loan_direction(text: &str) -> Result<&'static str, Error> {
    match text.trim().to_ascii_lowercase().as_str() {
        "借入" | "borrow" => Ok("借入"),
        "借出" | "lend" => Ok("借出"),
        _ => Err(bad("direction 应为 借入 或 借出")),
    }
}
