//! What every domain's envelope shares. A domain declares how its
//! answers look ([`Envelope`]: a failure, and the body of a routing
//! failure); the core writes from that, once, the answers every domain
//! gives the same way: a path or method no route takes, a fault set from
//! the console, and an event stream that could not be opened.

use serde_json::Value;
use warp::http::StatusCode;

use crate::endpoint::Unrouted;
use crate::web::{self, Response};

/// How a domain's answers look.
pub trait Envelope: 'static {
    /// The domain's failure; a core error becomes its server error.
    type Error: From<crate::error::Error>;
    /// Routing failures in English (parking's seed answers in English),
    /// else in Chinese as the other seeds do.
    const ENGLISH: bool = false;
    /// The body of a routing failure (`code` 404 or 405) saying `message`,
    /// and the outcome code the request log records for it.
    fn routing_body(code: u16, message: &str) -> (Value, i64);
    /// A failure in the domain's envelope.
    fn failure(error: Self::Error) -> Response;
}

/// A request no route of the domain took: HTTP 404, or 405 with `Allow`,
/// in the domain's envelope.
pub fn unrouted<E: Envelope>(unrouted: Unrouted) -> Response {
    let (status, message, allow) = match unrouted {
        Unrouted::NotFound { method, path } => {
            let message = if E::ENGLISH {
                format!("no such API: {method} {path}")
            } else {
                format!("没有这个接口：{method} {path}")
            };
            (StatusCode::NOT_FOUND, message, None)
        }
        Unrouted::MethodNotAllowed { allow } => {
            let message = if E::ENGLISH {
                format!("method not allowed; use {}", allow.join(" or "))
            } else {
                format!("请求方法不对，请用 {}", allow.join(" 或 "))
            };
            (StatusCode::METHOD_NOT_ALLOWED, message, Some(allow))
        }
    };
    let (body, outcome) = E::routing_body(status.as_u16(), &message);
    let mut response = web::json(status, &body);
    if let Some(allow) = allow {
        response = web::with_allow(response, &allow);
    }
    web::with_outcome(response, outcome)
}

/// The answer to a server fault set from the console (`/_/faults`): the
/// domain's own server-error envelope, HTTP 500.
pub fn server_error<E: Envelope>() -> Response {
    let fault = crate::error::Error::Other("a fault set in the console".into());
    E::failure(fault.into())
}

/// An event stream, or why it could not be opened, in the envelope.
pub fn stream<E: Envelope>(result: Result<Response, E::Error>) -> Response {
    result.unwrap_or_else(E::failure)
}
