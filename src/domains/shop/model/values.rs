//! Client values: the checks on what a request sends.

use super::*;

/// A required text field, trimmed, at most `max` characters.
pub fn required_text(text: Text, name: &str, max: usize) -> Result<String, Error> {
    Ok(optional_text(Some(text.0), name, max)?.unwrap_or_default())
}

/// Optional text, trimmed, at most `max` characters, no control characters
/// except line breaks.
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
        return Err(shop_error(format!("{name} 不能超过 {max} 个字符")));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(shop_error(format!("{name} 不能含控制字符")));
    }
    Ok(Some(text))
}

/// An e-mail address, lower-cased.
pub fn check_email(email: &str) -> Result<String, Error> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 100
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(name, host)| {
            !name.is_empty() && host.contains('.') && !host.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(shop_error("email 格式不正确"))
    }
}

/// Digits, `+`, `-` and spaces; 3 to 20 characters.
pub fn check_phone(phone: &str) -> Result<String, Error> {
    let phone = phone.trim();
    let valid = (3..=20).contains(&phone.len())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '));
    if valid {
        Ok(phone.to_string())
    } else {
        Err(shop_error("phone 应为电话号码"))
    }
}

/// The largest price: one million yuan.
pub const MAX_PRICE: i64 = 1_000_000 * 100;
/// The largest stock of one product.
pub const MAX_STOCK: i64 = 1_000_000_000;

/// A price in yuan with at most two decimals, as cents.
pub fn price(price: Option<Cents>) -> Result<Option<i64>, Error> {
    match price {
        Some(Cents(cents)) if cents > MAX_PRICE => Err(shop_error(
            "price 应为不超过 1000000 的金额，最多两位小数，如 19.90",
        )),
        cents => Ok(cents.map(|c| c.0)),
    }
}

/// A stock count, 0 or more.
pub fn stock(stock: Option<i64>) -> Result<Option<i64>, Error> {
    match stock {
        Some(n) if !(0..=MAX_STOCK).contains(&n) => {
            Err(shop_error("stock_quantity 应为 0 或正整数"))
        }
        n => Ok(n),
    }
}
