//! Family's wire format: `{"code": 200, "msg": "ok", ...keys}` on success,
//! `{"code": 4xx, "msg": "..."}` on failure with the HTTP status equal to
//! `code`; an authentication failure is `{"detail": "认证失败(...)"}` with
//! HTTP 401. Lists (messages, bills, deposits, loans) and user info are the
//! bare JSON the seed shows.

use serde::Serialize;
use serde_json::{Value, json};
use warp::http::{HeaderValue, StatusCode, header};

use crate::body::{BodyError, FieldError};
use crate::password;
use crate::web::{self, Response};

/// Every way a family request can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// HTTP 401 `{"detail": "认证失败(<reason>)"}`.
    #[error("认证失败({0})")]
    Unauthenticated(&'static str),
    /// Code 400 with this message.
    #[error("{0}")]
    Bad(String),
    /// Code 403: the caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Code 404: no such record.
    #[error("{0}")]
    NotFound(String),
    /// Code 460: the family is full, or the user already has one.
    #[error("Reach the upper limit")]
    UpperLimit,
    /// Code 418: no such application to decide.
    #[error("happy new year")]
    NoApplication,
    /// Code 429: too many failed logins.
    #[error("Too many request")]
    Throttled,
    /// Code 429: too many event streams open.
    #[error(transparent)]
    Streams(#[from] crate::events::Refused),
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Password(#[from] password::Rule),
    #[error("{}", .0.told("Internal Server Error"))]
    Internal(#[from] crate::error::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Internal(e.into())
    }
}

/// A code-400 failure with this message.
pub fn bad(message: impl Into<String>) -> Error {
    Error::Bad(message.into())
}

/// A code-403 failure with this message.
pub fn forbidden(message: impl Into<String>) -> Error {
    Error::Forbidden(message.into())
}

/// A code-404 failure with this message.
pub fn not_found(message: impl Into<String>) -> Error {
    Error::NotFound(message.into())
}

impl Error {
    /// The `code` in the body, which is also the HTTP status.
    pub fn code(&self) -> u16 {
        match self {
            Error::Unauthenticated(_) => 401,
            Error::Forbidden(_) => 403,
            Error::NotFound(_) => 404,
            Error::NoApplication => 418,
            Error::Throttled | Error::Streams(_) => 429,
            Error::UpperLimit => 460,
            Error::Internal(_) => 500,
            Error::Bad(_) | Error::Body(_) | Error::Field(_) | Error::Password(_) => 400,
        }
    }
}

/// A success: `code` 200 and `msg` "ok", then the answer's own keys.
#[derive(Serialize)]
struct Success<'a, T> {
    code: u16,
    msg: &'static str,
    #[serde(flatten)]
    keys: &'a T,
}

/// The 200 answer's schema for an endpoint whose keys are `data`: `code`
/// and `msg` beside them (a failure has its own HTTP status). Bare answers
/// are marked `.bare()` on their route line and are `data` alone.
pub fn typed_success(data: Value) -> Value {
    json!({"allOf": [
        {"type": "object", "required": ["code", "msg"], "properties": {
            "code": {"type": "integer", "enum": [200]},
            "msg": {"type": "string"}}},
        data
    ]})
}

fn failure(error: Error) -> Response {
    let code = error.code();
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let response = match error {
        Error::Unauthenticated(_) => web::json(status, &json!({"detail": error.to_string()})),
        Error::Internal(e) => {
            tracing::error!("family: {e}");
            web::json(
                status,
                &json!({"code": 500, "msg": "Internal Server Error"}),
            )
        }
        other => web::json(status, &json!({"code": code, "msg": other.to_string()})),
    };
    web::with_outcome(response, code.into())
}

/// Renders a success as `{"code": 200, "msg": "ok", ...keys}`.
pub fn reply<T: Serialize>(result: Result<T, Error>) -> Response {
    match result {
        Ok(keys) => web::with_outcome(
            web::json(
                StatusCode::OK,
                &Success {
                    code: 200,
                    msg: "ok",
                    keys: &keys,
                },
            ),
            200,
        ),
        Err(error) => failure(error),
    }
}

/// Renders a success as the bare value (lists, user info).
pub fn reply_bare<T: Serialize>(result: Result<T, Error>) -> Response {
    match result {
        Ok(value) => web::json(StatusCode::OK, &value),
        Err(error) => failure(error),
    }
}

/// An answer the document shows bare and the original system sends inside
/// `{"code": 200, "msg": "ok", ...}` (under `--compat family`).
pub enum Layout<B, K> {
    Bare(B),
    Keys(K),
}

/// The document's shape, the bare one.
impl<B: crate::endpoint::Shaped, K> crate::endpoint::Shaped for Layout<B, K> {
    const SCHEMA: Option<crate::endpoint::SchemaFn> = B::SCHEMA;
}

/// Renders a [`Layout`] answer.
pub fn reply_shaped<B: Serialize, K: Serialize>(result: Result<Layout<B, K>, Error>) -> Response {
    match result {
        Ok(Layout::Bare(bare)) => reply_bare(Ok(bare)),
        Ok(Layout::Keys(keys)) => reply(Ok(keys)),
        Err(error) => failure(error),
    }
}

/// The original's `{"code": 201, "msg": "no data"}` (HTTP 201) for a
/// user with nothing to count, else the keys.
pub fn reply_or_no_data<T: Serialize>(result: Result<Option<T>, Error>) -> Response {
    match result {
        Ok(Some(keys)) => reply(Ok(keys)),
        Ok(None) => web::with_outcome(
            web::json(StatusCode::CREATED, &json!({"code": 201, "msg": "no data"})),
            201,
        ),
        Err(error) => failure(error),
    }
}

/// Renders an SVG document (the report chart).
pub fn reply_svg(result: Result<String, Error>) -> Response {
    match result {
        Ok(svg) => {
            let mut response = warp::http::Response::new(svg.into());
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml; charset=utf-8"),
            );
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => failure(error),
    }
}

/// This domain's envelope, for the core's shared answers
/// ([`crate::envelope`]).
pub struct Shape;

impl crate::envelope::Envelope for Shape {
    type Error = Error;
    fn routing_body(code: u16, message: &str) -> (Value, i64) {
        (json!({"code": code, "msg": message}), i64::from(code))
    }
    fn failure(error: Error) -> Response {
        failure(error)
    }
}
