//! Labs' wire format: `{"status": 200, "message": "操作成功", "data": ...}`;
//! failures are status 300 with a clear message, or 400 when the caller has
//! no session or no permission. HTTP 200 for every API outcome (routing
//! failures are real 404/405; a server fault is HTTP 500).

use serde_json::{Value, json};
use warp::http::{HeaderValue, StatusCode, header};

use crate::body::{BodyError, FieldError};
use crate::password;
use crate::web::{self, Response};

/// The seed's message for status 400.
pub const DENIED: &str = "会话已过期或权限不足，请重新登陆";

/// Every way a labs request can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Status 300 with this message.
    #[error("{0}")]
    Failed(String),
    /// Status 400: no session, or not allowed.
    #[error("{DENIED}")]
    Denied,
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

/// A status-300 failure.
pub fn failed(message: impl Into<String>) -> Error {
    Error::Failed(message.into())
}

impl Error {
    /// The `status` in the body.
    pub fn status(&self) -> u16 {
        match self {
            Error::Denied => 400,
            _ => 300,
        }
    }
}

fn body(status: u16, message: &str, data: Value) -> Value {
    json!({"status": status, "message": message, "data": data})
}

/// The envelope of a success, serialized from the typed data.
#[derive(serde::Serialize)]
struct Success<'a, T> {
    status: u16,
    message: &'a str,
    data: &'a T,
}

/// The schema of a 200 answer: the typed data of a success, or the `{}` of
/// a failure, which labs also answers with HTTP 200.
pub fn typed_success(data: Value) -> Value {
    json!({"type": "object", "required": ["status", "message"], "properties": {
        "status": {"type": "integer"},
        "message": {"type": "string"},
        "data": {"anyOf": [data, {"type": "object", "maxProperties": 0}]}
    }})
}

pub fn reply<T: serde::Serialize>(result: Result<T, Error>) -> Response {
    match result {
        Ok(data) => web::with_outcome(
            web::json(
                StatusCode::OK,
                &Success {
                    status: 200,
                    message: "操作成功",
                    data: &data,
                },
            ),
            200,
        ),
        Err(error) => {
            let http = if let Error::Internal(e) = &error {
                tracing::error!("labs: {e}");
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            };
            let status = error.status();
            web::with_outcome(
                web::json(http, &body(status, &error.to_string(), json!({}))),
                status.into(),
            )
        }
    }
}

/// Renders a handler's result that also sets a cookie.
pub fn reply_with_cookie<T: serde::Serialize>(result: Result<(T, String), Error>) -> Response {
    match result {
        Ok((data, cookie)) => with_cookie(reply(Ok(data)), &cookie),
        Err(error) => reply::<()>(Err(error)),
    }
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A login captcha: a JPEG (no JSON schema), the cookie naming it and its id.
pub struct CaptchaImage {
    pub jpeg: Vec<u8>,
    pub cookie: String,
    pub id: String,
}

impl crate::endpoint::Shaped for CaptchaImage {
    const SCHEMA: Option<crate::endpoint::SchemaFn> = None;
}

/// A captcha image: the JPEG, the cookie naming it, and its id (also in
/// `X-Captcha-Id` for clients without cookies). Never cached.
pub fn captcha_image(result: Result<CaptchaImage, Error>) -> Response {
    match result {
        Ok(CaptchaImage { jpeg, cookie, id }) => {
            let mut response = Response::new(jpeg.into());
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(value) = HeaderValue::from_str(&id) {
                headers.insert("x-captcha-id", value);
            }
            with_cookie(response, &cookie)
        }
        Err(error) => reply::<()>(Err(error)),
    }
}

/// This domain's envelope, for the core's shared answers
/// ([`crate::envelope`]).
pub struct Shape;

impl crate::envelope::Envelope for Shape {
    type Error = Error;
    /// Status 300, as every labs failure but a denial.
    fn routing_body(_code: u16, message: &str) -> (Value, i64) {
        (body(300, message, json!({})), 300)
    }
    fn failure(error: Error) -> Response {
        reply::<()>(Err(error))
    }
}
