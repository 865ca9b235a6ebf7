//! Parking's wire format: `{"msg": "success", "code": 200, "data": ...}`;
//! failures carry the seed's code and message with HTTP 200 (routing
//! failures are real 404/405; a server fault is HTTP 500).

use serde::Serialize;
use serde_json::{Value, json};
use warp::http::StatusCode;

use crate::body::{BodyError, FieldError};
use crate::password;
use crate::web::{self, Response};

/// Every way a parking request can fail, with the seed's codes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("user existed")]
    UserExisted,
    #[error("user not existed")]
    UserNotExisted,
    #[error("{0}")]
    Params(String),
    #[error("parkinglot is full")]
    LotFull,
    #[error("parkinlot not exist")]
    LotNotExist,
    #[error("order not exist")]
    OrderNotExist,
    #[error("login required")]
    LoginRequired,
    #[error("insufficient funds")]
    InsufficientFunds,
    #[error("have uncomfirmed order")]
    UnconfirmedOrder,
    #[error("wrong password")]
    WrongPassword,
    #[error("{0}")]
    OrderState(&'static str),
    #[error(transparent)]
    Streams(#[from] crate::events::Refused),
    #[error("too many failed logins; try again in {0} minutes")]
    Throttled(u64),
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Password(#[from] password::Rule),
    #[error("{}", .0.told("internal server error"))]
    Internal(#[from] crate::error::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Internal(e.into())
    }
}

impl Error {
    /// The `code` in the body.
    pub fn code(&self) -> u16 {
        match self {
            Error::UserExisted => 400,
            Error::UserNotExisted => 401,
            Error::Params(_) | Error::Field(_) | Error::Password(_) => 402,
            Error::Body(BodyError::TooLarge { .. }) => 413,
            Error::Body(_) => 402,
            Error::LotFull => 403,
            Error::LotNotExist | Error::OrderNotExist => 404,
            Error::LoginRequired => 406,
            Error::InsufficientFunds => 407,
            Error::UnconfirmedOrder => 408,
            Error::WrongPassword | Error::OrderState(_) => 409,
            Error::Throttled(_) | Error::Streams(_) => 429,
            Error::Internal(_) => 500,
        }
    }
}

/// What `data` holds in a failure: `""` mostly, `{}` where the seed shows it.
#[derive(Clone, Copy)]
pub enum FailureData {
    Empty,
    Object,
}

fn body(msg: &str, code: u16, data: Value) -> Value {
    json!({"msg": msg, "code": code, "data": data})
}

/// The envelope of a success, serialized from the typed data.
#[derive(Serialize)]
struct Success<'a, T> {
    msg: &'a str,
    code: u16,
    data: &'a T,
}

/// Renders a handler's result; failures carry `data: ""`.
pub fn reply<T: Serialize>(result: Result<T, Error>) -> Response {
    respond(result, FailureData::Empty)
}

/// Renders a handler's result; failures carry `data: {}`.
pub fn reply_object_data<T: Serialize>(result: Result<T, Error>) -> Response {
    respond(result, FailureData::Object)
}

/// The schema of a 200 answer: the typed data of a success, or the `""`
/// (`{}` for some endpoints) of a failure, which parking also answers
/// with HTTP 200.
pub fn typed_success(data: Value) -> Value {
    json!({"type": "object", "required": ["msg", "code", "data"], "properties": {
        "msg": {"type": "string"},
        "code": {"type": "integer"},
        "data": {"anyOf": [
            data,
            {"type": "string", "maxLength": 0},
            {"type": "object", "maxProperties": 0}
        ]}
    }})
}

fn respond<T: Serialize>(result: Result<T, Error>, failure_data: FailureData) -> Response {
    match result {
        Ok(data) => web::with_outcome(
            web::json(
                StatusCode::OK,
                &Success {
                    msg: "success",
                    code: 200,
                    data: &data,
                },
            ),
            200,
        ),
        Err(error) => {
            let data = match failure_data {
                FailureData::Empty => json!(""),
                FailureData::Object => json!({}),
            };
            let status = if let Error::Internal(e) = &error {
                tracing::error!("parking: {e}");
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            };
            let code = error.code();
            web::with_outcome(
                web::json(status, &body(&error.to_string(), code, data)),
                code.into(),
            )
        }
    }
}

/// This domain's envelope, for the core's shared answers
/// ([`crate::envelope`]).
pub struct Shape;

impl crate::envelope::Envelope for Shape {
    type Error = Error;
    const ENGLISH: bool = true;
    fn routing_body(code: u16, message: &str) -> (Value, i64) {
        (body(message, code, json!("")), i64::from(code))
    }
    fn failure(error: Error) -> Response {
        reply::<()>(Err(error))
    }
}
