//! Shop's wire format: `{"success": true, "code": 0, "message": "...",
//! "data": ...}`; failures carry `success: false` and the seed's codes (300
//! shop, 301 shop permission, 302 invitation code, 400 wrong role, 401 not
//! logged in, 402 registration, 403 bad credentials). HTTP status: 200 on
//! success, 401 not logged in, 403 for permission (301, 400), 404 for an
//! unknown id, else 400.

use serde::Serialize;
use serde_json::{Value, json};
use warp::http::{HeaderValue, StatusCode, header};

use crate::body::{BodyError, FieldError};
use crate::password;
use crate::web::{self, Response};

/// Every way a shop request can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Code 300: a shop or product rule, or bad input to one.
    #[error("{0}")]
    Shop(String),
    /// Code 300, HTTP 404: no such shop, product or page.
    #[error("{0}")]
    NotFound(String),
    /// Code 301: not a seller of this shop.
    #[error("{0}")]
    ShopPermission(String),
    /// Code 302: an unknown, expired or used-up invitation code.
    #[error("{0}")]
    Invitation(String),
    /// Code 400: the wrong kind of user (a customer where a seller is needed).
    #[error("{0}")]
    Role(String),
    /// Code 401.
    #[error("请先登录")]
    LoginRequired,
    /// Code 402.
    #[error("{0}")]
    Registration(String),
    /// Code 403.
    #[error("{0}")]
    Credentials(String),
    /// Code 300, HTTP 429: too many event streams open.
    #[error(transparent)]
    Streams(#[from] crate::events::Refused),
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error(transparent)]
    Field(#[from] FieldError),
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
            other => Error::Shop(format!("image: {other}")),
        }
    }
}

/// A code-300 failure.
pub fn shop_error(message: impl Into<String>) -> Error {
    Error::Shop(message.into())
}

impl Error {
    /// Registration input refused: code 402 whatever the reason.
    pub fn registration(self) -> Error {
        match self {
            Error::Internal(e) => Error::Internal(e),
            other => Error::Registration(other.to_string()),
        }
    }

    /// Login or password input refused: code 403 whatever the reason.
    pub fn credentials(self) -> Error {
        match self {
            Error::Internal(e) => Error::Internal(e),
            other => Error::Credentials(other.to_string()),
        }
    }

    /// The seed's code.
    pub fn code(&self) -> i64 {
        match self {
            Error::Shop(_)
            | Error::NotFound(_)
            | Error::Body(_)
            | Error::Field(_)
            | Error::Streams(_) => 300,
            Error::ShopPermission(_) => 301,
            Error::Invitation(_) => 302,
            Error::Role(_) => 400,
            Error::LoginRequired => 401,
            Error::Registration(_) => 402,
            Error::Credentials(_) => 403,
            Error::Internal(_) => 500,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Error::LoginRequired => StatusCode::UNAUTHORIZED,
            Error::ShopPermission(_) | Error::Role(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Streams(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<password::Rule> for Error {
    fn from(rule: password::Rule) -> Self {
        Error::Credentials(rule.to_string())
    }
}

/// A success: the message and its typed data.
pub struct Said<T> {
    message: &'static str,
    data: T,
}

/// Shaped as its data.
impl<T: crate::endpoint::Shaped> crate::endpoint::Shaped for Said<T> {
    const SCHEMA: Option<crate::endpoint::SchemaFn> = T::SCHEMA;
}

/// A success with this message and data.
pub fn said<T>(message: &'static str, data: T) -> Said<T> {
    Said { message, data }
}

/// The schema of a 200 answer carrying `data` of the given schema (a
/// failure is never a 200 in shop).
pub fn typed_success(data: Value) -> Value {
    json!({"type": "object", "required": ["success", "code", "message", "data"], "properties": {
        "success": {"type": "boolean"},
        "code": {"type": "integer"},
        "message": {"type": "string", "nullable": true},
        "data": data
    }})
}

fn failure(error: Error) -> Response {
    if let Error::Internal(e) = &error {
        tracing::error!("shop: {e}");
    }
    let code = error.code();
    web::with_outcome(
        web::json(
            error.status(),
            &json!({"success": false, "code": code, "message": error.to_string(), "data": null}),
        ),
        code,
    )
}

pub fn reply<T: Serialize>(result: Result<Said<T>, Error>) -> Response {
    match result {
        Ok(said) => success(said),
        Err(error) => failure(error),
    }
}

/// The 200 answer of a success, serialized straight from its typed data.
fn success<T: Serialize>(Said { message, data }: Said<T>) -> Response {
    #[derive(Serialize)]
    struct Success<'a, T> {
        success: bool,
        code: i64,
        message: &'a str,
        data: &'a T,
    }
    let body = Success {
        success: true,
        code: 0,
        message,
        data: &data,
    };
    web::with_outcome(web::json(StatusCode::OK, &body), 0)
}

/// Renders login and logout: the result plus the session cookie to set.
pub fn reply_with_cookie<T: Serialize>(result: Result<(Said<T>, String), Error>) -> Response {
    match result {
        Ok((said, cookie)) => {
            let mut response = reply(Ok(said));
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
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
        let body = json!({"success": false, "code": code, "message": message, "data": null});
        (body, i64::from(code))
    }
    fn failure(error: Error) -> Response {
        failure(error)
    }
}
