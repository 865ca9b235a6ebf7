//! Rental's wire format: `{"state": 1, ...the documented keys}` on success,
//! `{"state": 0, "error_msg": "..."}` on failure; login and register add
//! `success`. HTTP 200 for every API outcome (routing failures are real
//! 404/405; a server fault is HTTP 500).

use serde::Serialize;
use serde_json::{Value, json};
use warp::http::{HeaderValue, StatusCode, header};

use crate::body::{BodyError, FieldError};
use crate::password;
use crate::web::{self, Response};

pub mod compat;

/// Every way a rental request can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Failed(String),
    #[error("请先登录")]
    LoginRequired,
    #[error("登录失败次数过多，请 {0} 分钟后再试")]
    Throttled(u64),
    #[error(transparent)]
    Streams(#[from] crate::events::Refused),
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Password(#[from] password::Rule),
    #[error("{}", .0.told("服务器内部错误"))]
    Internal(#[from] crate::error::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Internal(e.into())
    }
}

impl From<crate::files::FileError> for Error {
    fn from(e: crate::files::FileError) -> Self {
        match e {
            crate::files::FileError::Internal(e) => Error::Internal(e),
            other => Error::Failed(other.to_string()),
        }
    }
}

/// A failure with this message.
pub fn failed(message: impl Into<String>) -> Error {
    Error::Failed(message.into())
}

/// A success: `state` 1 (and `success` for login and register), then the
/// answer's own keys.
#[derive(Serialize)]
struct Success<'a, T> {
    state: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    success: Option<bool>,
    #[serde(flatten)]
    keys: &'a T,
}

/// The 200 answer's schema for an endpoint whose keys are `data`: a
/// success (state 1 and those keys) or a failure (state 0, `error_msg`),
/// both HTTP 200.
pub fn typed_success(data: Value) -> Value {
    json!({"anyOf": [
        {"allOf": [
            {"type": "object", "required": ["state"], "properties": {
                "state": {"type": "integer", "enum": [1]},
                "success": {"type": "boolean"}}},
            data
        ]},
        {"type": "object", "required": ["state", "error_msg"], "properties": {
            "state": {"type": "integer", "enum": [0]},
            "success": {"type": "boolean"},
            "error_msg": {"type": "string"}}}
    ]})
}

fn render<T: Serialize>(result: Result<T, Error>, account: bool) -> Response {
    match result {
        Ok(keys) => web::with_outcome(
            web::json(
                StatusCode::OK,
                &Success {
                    state: 1,
                    success: account.then_some(true),
                    keys: &keys,
                },
            ),
            1,
        ),
        Err(error) => {
            let http = if let Error::Internal(e) = &error {
                tracing::error!("rental: {e}");
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            };
            let body = if account {
                json!({"state": 0, "success": false, "error_msg": error.to_string()})
            } else {
                json!({"state": 0, "error_msg": error.to_string()})
            };
            web::with_outcome(web::json(http, &body), 0)
        }
    }
}

/// Renders a handler's result.
pub fn reply<T: Serialize>(result: Result<T, Error>) -> Response {
    render(result, false)
}

/// Renders login and register, which also carry `success`.
pub fn reply_account<T: Serialize>(result: Result<T, Error>) -> Response {
    render(result, true)
}

/// Renders login: `success` plus the session cookie.
pub fn reply_login<T: Serialize>(result: Result<(T, String), Error>) -> Response {
    render_with_cookie(result, true)
}

/// Renders an answer that also sets or clears the session cookie (logout).
pub fn reply_with_cookie<T: Serialize>(result: Result<(T, String), Error>) -> Response {
    render_with_cookie(result, false)
}

fn render_with_cookie<T: Serialize>(result: Result<(T, String), Error>, account: bool) -> Response {
    match result {
        Ok((keys, cookie)) => {
            let mut response = render(Ok(keys), account);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(error) => render::<T>(Err(error), account),
    }
}

/// This domain's envelope, for the core's shared answers
/// ([`crate::envelope`]).
pub struct Shape;

impl crate::envelope::Envelope for Shape {
    type Error = Error;
    /// `state` 0, as every rental failure.
    fn routing_body(_code: u16, message: &str) -> (Value, i64) {
        (json!({"state": 0, "error_msg": message}), 0)
    }
    fn failure(error: Error) -> Response {
        render::<()>(Err(error), false)
    }
}
