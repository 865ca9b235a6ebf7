//! Parking's values: what users, lots and orders look like on the wire, and
//! the rules a username, e-mail or status must meet.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::envelope::Error;
use crate::clock::format_datetime;

/// Most a balance may hold, in cents (one hundred million yuan).
pub const MAX_BALANCE_CENTS: i64 = 10_000_000_000;

/// Renders cents as the seed's JSON number (`51`, `12.5`).
pub use crate::money::number as money;

/// The seed's time format; an unset time is `0000-00-00 00:00:00`.
pub fn time_text(unix_seconds: Option<i64>) -> String {
    unix_seconds.map_or_else(|| "0000-00-00 00:00:00".to_string(), format_datetime)
}

/// A user as stored.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub balance_cents: i64,
}

impl crate::app::LoginAccount for User {
    fn account_id(&self) -> i64 {
        self.id
    }
    fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

impl User {
    /// What `user/info` shows (never the password or its hash).
    pub fn view(&self) -> UserView {
        UserView {
            username: self.username.clone(),
            over: money(self.balance_cents),
            email: self.email.clone(),
        }
    }
}

/// A user as `user/info` and `user/recharge` show them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = parking::UserView)]
pub struct UserView {
    pub username: String,
    /// The balance in yuan.
    #[schema(value_type = f64)]
    pub over: Value,
    pub email: String,
}

/// `user/login`: the token that authorizes the user's other requests.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = parking::TokenView)]
pub struct TokenView {
    pub token: String,
}

/// The user an account request was about.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = parking::UsernameView)]
pub struct UsernameView {
    pub username: String,
}

/// A lot with its free spots, as the lot list shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = parking::LotView)]
pub struct LotView {
    pub id: i64,
    pub name: String,
    pub capacity: i64,
    pub free: i64,
    /// Yuan per started hour.
    #[schema(value_type = f64)]
    pub price: Value,
}

/// An order as the seed shows it, plus its `id`, lot id and fee.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = parking::OrderView)]
pub struct OrderView {
    pub id: i64,
    pub status: i64,
    pub order_time: String,
    pub start_time: String,
    pub parkinglot: String,
    pub parkinglot_id: i64,
    pub end_time: String,
    /// The spot number, as a string (the seed's `"lot": "1"`).
    pub lot: String,
    pub user: String,
    /// Yuan charged (0 until the order ends).
    #[schema(value_type = f64)]
    pub fee: Value,
}

/// A username: 1–32 characters, none of them blank, `/`, `?`, `#` or `%`
/// (it travels in URL paths).
pub fn check_username(name: &str) -> Result<(), Error> {
    let count = name.chars().count();
    if count == 0 || count > 32 {
        return Err(Error::Params("username must be 1 to 32 characters".into()));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '#' | '%'))
    {
        return Err(Error::Params(
            "username may not contain spaces or / ? # %".into(),
        ));
    }
    Ok(())
}

/// An e-mail address: `local@domain`, at most 254 characters, no blanks.
pub fn check_email(email: &str) -> Result<(), Error> {
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        });
    if valid {
        Ok(())
    } else {
        Err(Error::Params(
            "email must look like name@example.com".into(),
        ))
    }
}

/// Which orders `user/order/{username}/{status}` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Only(i64),
    All,
}

impl StatusFilter {
    pub fn parse(text: &str) -> Result<StatusFilter, Error> {
        match text.trim().parse::<i64>() {
            Ok(status @ 0..=3) => Ok(StatusFilter::Only(status)),
            Ok(4) => Ok(StatusFilter::All),
            _ => Err(Error::Params("status not in [0,1,2,3,4]".into())),
        }
    }
}

/// The fee for parking from `start` to `end`: the hourly price for each
/// started hour, at least one.
pub fn fee_cents(price_cents: i64, start: i64, end: i64) -> i64 {
    let seconds = (end - start).max(0);
    let hours = (seconds + 3599) / 3600;
    price_cents.saturating_mul(hours.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_charge_each_started_hour_at_least_one() {
        assert_eq!(fee_cents(500, 0, 0), 500);
        assert_eq!(fee_cents(500, 0, 3600), 500);
        assert_eq!(fee_cents(500, 0, 3601), 1000);
        assert_eq!(fee_cents(500, 100, 50), 500);
    }

    #[test]
    fn usernames_emails_and_statuses_are_checked() {
        assert!(check_username("raidyue").is_ok());
        assert!(check_username("张三").is_ok());
        assert!(check_username("a/b").is_err());
        assert!(check_username(&"x".repeat(33)).is_err());
        assert!(check_email("a@a").is_ok());
        assert!(check_email("nobody").is_err());
        assert!(check_email("a@b@c").is_err());
        assert_eq!(StatusFilter::parse("4").unwrap(), StatusFilter::All);
        assert_eq!(StatusFilter::parse("2").unwrap(), StatusFilter::Only(2));
        assert!(StatusFilter::parse("5").is_err());
        assert!(StatusFilter::parse("x").is_err());
    }
}

// What handlers answer (their schemas in the API docs).
crate::shaped!(LotView, OrderView, TokenView, UserView, UsernameView,);
