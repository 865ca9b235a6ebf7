//! Parking's typed inputs: one struct per request shape, decoded from the
//! body (or query) by [`crate::body::Form::decode`], so numbers may come as
//! strings and a missing field gets the endpoint's "need ..." message.
//! Their schemas are the request schemas of `/openapi.json`. The session
//! token may also come as a `token` field (see `handlers::logged_in`).

use serde::Deserialize;
use utoipa::ToSchema;

use crate::body::Cents;

/// `user/login`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// `user/logout`: whose session ends.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Named {
    pub username: String,
}

/// `GET /events`: the user, and (for an `EventSource`, which cannot set
/// headers) the token and the last event id seen.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = parking::EventsQuery)]
pub struct EventsQuery {
    pub username: String,
    pub token: Option<String>,
    // Read by the stream itself, which ignores an id it cannot parse.
    #[schema(value_type = Option<u64>)]
    pub last_event_id: Option<serde::de::IgnoredAny>,
}

/// `user/new` and `user/modification`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountFields {
    pub username: String,
    pub password: String,
    pub email: String,
}

/// `user/recharge`: yuan to add, at most two decimals.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Recharge {
    pub username: String,
    #[schema(value_type = f64)]
    pub amount: Cents,
}

/// `order/new`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reserve {
    pub username: String,
    pub parkinglot_id: i64,
}

/// `order/start`, `order/end`, `order/cancel`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderStep {
    pub username: String,
    pub order_id: i64,
}

/// What parking answers when an input does not decode: the "need ..."
/// message of its endpoint for a field left out, and a field's own
/// message for a value of the wrong form where it has one.
pub trait Needs {
    const NEED: &'static str;
    fn wrong(_field: &str) -> Option<&'static str> {
        None
    }
}

macro_rules! needs {
    ($($input:ty => $need:expr),* $(,)?) => {
        $(impl Needs for $input {
            const NEED: &'static str = $need;
        })*
    };
}

needs! {
    Credentials => "need parameter username,password in request",
    Named => "need username",
    EventsQuery => "need parameter username in request",
    AccountFields => "need parameter username,password,email in request",
    Reserve => "need username and parkinglot_id",
    OrderStep => "need username and order_id",
}

impl Needs for Recharge {
    const NEED: &'static str = "need username and amount";
    fn wrong(field: &str) -> Option<&'static str> {
        (field == "amount")
            .then_some("amount must be a positive number of yuan with at most two decimals")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{DecodeError, Form};

    fn form(json: &str) -> Form {
        Form::from_json(json).unwrap()
    }

    #[test]
    fn numbers_may_come_as_text() {
        let reserve: Reserve = form(r#"{"username": "demo", "parkinglot_id": "2"}"#)
            .decode()
            .unwrap();
        assert_eq!(
            (reserve.username.as_str(), reserve.parkinglot_id),
            ("demo", 2)
        );
        let recharge: Recharge = form(r#"{"username": "demo", "amount": 12.5}"#)
            .decode()
            .unwrap();
        assert_eq!(recharge.amount, Cents(1250));
    }

    #[test]
    fn a_missing_or_empty_field_is_missing() {
        for body in [
            r#"{"username": "demo"}"#,
            r#"{"username": "", "password": "x"}"#,
        ] {
            let error = form(body).decode::<Credentials>().unwrap_err();
            assert!(matches!(error, DecodeError::Missing(_)), "{body}");
        }
    }

    #[test]
    fn a_wrong_value_names_its_field() {
        let error = form(r#"{"username": "demo", "order_id": "first"}"#)
            .decode::<OrderStep>()
            .unwrap_err();
        assert_eq!(error.to_string(), "order_id must be a whole number");
    }
}
