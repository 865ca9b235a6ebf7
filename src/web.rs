//! Shared HTTP pieces: JSON replies, the `Allow` header, path text, client
//! addresses and CORS.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use serde::Serialize;
use warp::Filter;
use warp::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use warp::reply::Reply;

/// Every route answers with this concrete type, so trees box cheaply.
pub type Response = warp::reply::Response;

/// What a JSON answer's buffer starts with: a page of a list fits, where
/// serde's own 128 bytes grew (and copied) five times for one.
const JSON_CAPACITY: usize = 4096;

/// A JSON body with the given status; a body that does not serialize is
/// a bare 500 (logged), as warp's own JSON reply has it.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let mut buffer = Vec::with_capacity(JSON_CAPACITY);
    let written = serde_json::to_writer(&mut buffer, body);
    json_written(status, buffer, written)
}

/// The rest of [`json`], once per program rather than once per body type.
fn json_written(status: StatusCode, buffer: Vec<u8>, written: serde_json::Result<()>) -> Response {
    if let Err(e) = written {
        tracing::error!("an answer did not serialize: {e}");
        let mut response = Response::default();
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        return response;
    }
    let mut response = Response::new(buffer.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Marks an answer with its domain's own outcome code, for the request log.
pub fn with_outcome(mut response: Response, code: i64) -> Response {
    response
        .extensions_mut()
        .insert(crate::requests::Outcome(code));
    response
}

/// Sets the `Allow` header of a 405 answer.
pub fn with_allow(mut response: Response, allow: &[&str]) -> Response {
    if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// A path segment, percent-decoded (`/api/user/info/%E5%BC%A0` is `张`).
#[derive(Debug, Clone)]
pub struct PathText(pub String);

impl FromStr for PathText {
    type Err = std::str::Utf8Error;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Ok(PathText(
            percent_encoding::percent_decode_str(raw)
                .decode_utf8()?
                .into_owned(),
        ))
    }
}

tokio::task_local! {
    /// The peer address of the connection a request came on, in scope
    /// while the server's request layer runs the route tree (a task-local
    /// costs nothing per request; a request extension allocates a map).
    pub static CLIENT_ADDR: SocketAddr;
}

/// The `Last-Event-ID` header a reconnecting `EventSource` sends, read
/// once by the server's request layer.
#[derive(Debug, Clone, Copy)]
pub struct LastEventId(pub u64);

/// An event id as a client sends it back (the `Last-Event-ID` header, a
/// `last_event_id` field): a decimal number, spaces around allowed.
pub fn parse_event_id(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// The `Last-Event-ID` of a request, when it sent one that parses.
pub fn last_event_id() -> impl Filter<Extract = (Option<u64>,), Error = Infallible> + Clone {
    warp::ext::optional::<LastEventId>().map(|id: Option<LastEventId>| id.map(|id| id.0))
}

/// The client's IP address, when known.
pub fn client_ip() -> impl Filter<Extract = (Option<IpAddr>,), Error = Infallible> + Clone {
    warp::any().map(|| CLIENT_ADDR.try_with(|addr| addr.ip()).ok())
}

/// One header's text, copying that value alone rather than the request's
/// whole header map. A value that is not visible ASCII counts as absent.
pub fn header_text(
    name: &'static str,
) -> impl Filter<Extract = (Option<String>,), Error = Infallible> + Clone {
    warp::header::optional::<String>(name)
        .or(warp::any().map(|| None))
        .unify()
}

/// `http://` plus the request's Host, for absolute links in answers (file
/// URLs, next/previous pages). A missing or odd Host gives `http://localhost`.
pub fn base_url() -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    header_text("host").map(|host: Option<String>| {
        let host = host.filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        });
        format!("http://{}", host.as_deref().unwrap_or("localhost"))
    })
}

/// Escapes text for HTML bodies and attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Which browser origins may call the API with credentials: any
/// `http://localhost:*` / `http://127.0.0.1:*` / `http://[::1]:*`, plus
/// the `--cors-origin` list.
#[derive(Debug, Clone, Default)]
pub struct Cors {
    pub extra_origins: Vec<String>,
}

impl Cors {
    pub fn allows(&self, origin: &str) -> bool {
        let local = ["http://localhost", "http://127.0.0.1", "http://[::1]"]
            .iter()
            .any(|host| match origin.strip_prefix(host) {
                Some("") => true,
                Some(rest) => rest.strip_prefix(':').is_some_and(|port| {
                    !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                }),
                None => false,
            });
        local
            || self
                .extra_origins
                .iter()
                .any(|o| o.trim_end_matches('/') == origin)
    }

    /// The answer to a CORS preflight from an allowed origin; `None` lets
    /// the request on to the routes.
    pub fn preflight(&self, method: &Method, headers: &HeaderMap) -> Option<Response> {
        (method == Method::OPTIONS).then_some(())?;
        preflight(self, headers)
    }

    /// What an answer needs to carry for the request's origin, read before
    /// the request is handed on, so no header map is copied.
    pub fn origin_of(&self, headers: &HeaderMap) -> Option<CrossOrigin> {
        let origin = allowed_origin(self, headers)?;
        Some(CrossOrigin {
            origin,
            host: headers.get(header::HOST).cloned(),
        })
    }
}

/// An allowed browser origin a request came from, and the `Host` it asked.
#[derive(Debug)]
pub struct CrossOrigin {
    origin: HeaderValue,
    host: Option<HeaderValue>,
}

impl CrossOrigin {
    /// Lets the page read the answer; a login from another site gets a
    /// cookie that browser will keep.
    pub fn mark(self, response: &mut Response) {
        // Only answers that set a cookie pay for the site check.
        if response.headers().contains_key(header::SET_COOKIE)
            && is_cross_site(&self.origin, self.host.as_ref())
        {
            partition_cookies(response);
        }
        allow_origin(response, self.origin);
    }
}

/// The host of a URL or a `Host` header, without scheme, port or path.
fn host_of(authority: &str) -> &str {
    let authority = authority
        .split_once("://")
        .map_or(authority, |(_, rest)| rest);
    let authority = authority.split('/').next().unwrap_or(authority);
    if authority.starts_with('[') {
        return authority
            .split_once(']')
            .map_or(authority, |(host, _)| &authority[..=host.len()]);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// A host's site, as browsers draw the SameSite line (ports don't count):
/// an address or a one-label name is its own site; otherwise the last two
/// labels (`api.class.edu` and `www.class.edu` are one site).
fn site_of(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    if host.starts_with('[') || host.parse::<IpAddr>().is_ok() {
        return host;
    }
    let labels: Vec<&str> = host.trim_end_matches('.').rsplit('.').take(2).collect();
    labels.into_iter().rev().collect::<Vec<_>>().join(".")
}

/// Whether a page at `origin` is on another site than the API it called.
fn is_cross_site(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let origin = origin.to_str().unwrap_or_default();
    site_of(host_of(origin)) != site_of(host_of(host))
}

/// A page on another allowed site (`localhost:5173` calling
/// `127.0.0.1:8080`) never gets a `SameSite=Lax` cookie back from a
/// fetch, and current browsers drop a third-party `SameSite=None` one
/// too. A partitioned (CHIPS) cookie is kept and sent again, and only
/// under the top-level site that got it, so it opens no door to other
/// sites.
fn partition_cookies(response: &mut Response) {
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        let rewritten = cookie
            .to_str()
            .ok()
            .filter(|text| text.contains("; SameSite=Lax"))
            .map(|text| text.replace("; SameSite=Lax", "; SameSite=None; Secure; Partitioned"))
            .and_then(|text| HeaderValue::from_str(&text).ok());
        headers.append(header::SET_COOKIE, rewritten.unwrap_or(cookie));
    }
}

fn allowed_origin(cors: &Cors, headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    cors.allows(origin.to_str().ok()?).then(|| origin.clone())
}

fn allow_origin(response: &mut Response, origin: HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

fn preflight(cors: &Cors, headers: &HeaderMap) -> Option<Response> {
    headers.get(header::ACCESS_CONTROL_REQUEST_METHOD)?;
    let origin = allowed_origin(cors, headers)?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    allow_origin(&mut response, origin);
    let out = response.headers_mut();
    out.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"),
    );
    let requested = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or(HeaderValue::from_static("content-type, authorization"));
    out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
    out.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_origins_on_any_port_are_allowed() {
        let cors = Cors {
            extra_origins: vec!["https://class.example.edu".into()],
        };
        assert!(cors.allows("http://localhost:5173"));
        assert!(cors.allows("http://127.0.0.1:3000"));
        assert!(cors.allows("http://localhost"));
        assert!(cors.allows("https://class.example.edu"));
        assert!(!cors.allows("http://localhost.evil.com"));
        assert!(!cors.allows("http://localhost:80x"));
        assert!(!cors.allows("https://evil.com"));
    }

    #[test]
    fn sites_ignore_ports_and_subdomains() {
        let host = |host: &'static str| Some(HeaderValue::from_static(host));
        let origin = HeaderValue::from_static;
        assert!(is_cross_site(
            &origin("http://localhost:5173"),
            host("127.0.0.1:8080").as_ref()
        ));
        assert!(!is_cross_site(
            &origin("http://localhost:5173"),
            host("localhost:8080").as_ref()
        ));
        assert!(!is_cross_site(
            &origin("http://127.0.0.1:3000"),
            host("127.0.0.1:8080").as_ref()
        ));
        assert!(is_cross_site(
            &origin("http://[::1]:3000"),
            host("127.0.0.1:8080").as_ref()
        ));
        assert!(!is_cross_site(
            &origin("http://[::1]:3000"),
            host("[::1]:8080").as_ref()
        ));
        assert!(!is_cross_site(
            &origin("https://www.class.edu"),
            host("api.class.edu").as_ref()
        ));
        assert!(is_cross_site(
            &origin("https://class.example"),
            host("10.0.0.5:8080").as_ref()
        ));
    }

    #[test]
    fn cross_site_cookies_are_partitioned() {
        let mut response = json(StatusCode::OK, &serde_json::json!({}));
        response.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("s=1; Path=/; HttpOnly; SameSite=Lax; Max-Age=9"),
        );
        partition_cookies(&mut response);
        assert_eq!(
            response.headers()[header::SET_COOKIE],
            "s=1; Path=/; HttpOnly; SameSite=None; Secure; Partitioned; Max-Age=9"
        );
    }

    #[test]
    fn path_text_is_percent_decoded() {
        assert_eq!(PathText::from_str("%E5%BC%A0").unwrap().0, "张");
        assert!(PathText::from_str("%FF").is_err());
    }
}
