//! What every request passes on its way to the route tree and back: `HEAD`
//! read as `GET`, the client's address (a task-local) and `Last-Event-ID`
//! (a request extension, when sent), the 414 check, CORS, security headers
//! and the request log. It runs once per request in the connection's
//! service, on borrowed request parts, instead of as warp filters that each
//! copy what they extract.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Instant;

use tower_service::Service;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, Method, StatusCode, Uri, header};

use crate::app::SharedApp;
use crate::requests::{Outcome, Seen};
use crate::web::{self, Cors, LastEventId, Response};

/// The route tree by first path segment. A server-wide segment and each
/// domain's prefix has its own branch; any other path, and whatever a
/// branch lets pass, goes on to the rest (the public folder, the `--root`
/// domain, then 404). A request runs only the filters that can take it,
/// instead of being refused by every mount before its own in turn.
pub struct Routes {
    branches: Vec<(&'static str, BoxedFilter<(Response,)>)>,
    rest: BoxedFilter<(Response,)>,
}

impl Routes {
    pub fn new(
        branches: Vec<(&'static str, BoxedFilter<(Response,)>)>,
        rest: BoxedFilter<(Response,)>,
    ) -> Self {
        Self { branches, rest }
    }

    /// The branch that answers a path whose first segment is `first`.
    fn branch(&self, first: &str) -> &BoxedFilter<(Response,)> {
        self.branches
            .iter()
            .find(|(segment, _)| *segment == first)
            .map_or(&self.rest, |(_, branch)| branch)
    }
}

/// The route tree and what wraps it; one per server, shared by connections.
pub struct Layer {
    routes: Routes,
    cors: Cors,
    app: SharedApp,
    /// The served domains' first path segments, for the log's domain.
    names: Vec<&'static str>,
    root: Option<&'static str>,
}

impl Layer {
    pub fn new(
        routes: Routes,
        cors: Cors,
        app: SharedApp,
        names: Vec<&'static str>,
        root: Option<&'static str>,
    ) -> Self {
        Self {
            routes,
            cors,
            app,
            names,
            root,
        }
    }

    /// Answers one request from `peer`.
    pub async fn answer<B>(
        &self,
        mut request: hyper::Request<B>,
        peer: SocketAddr,
    ) -> Result<Response, Infallible>
    where
        B: hyper::body::Body + Send + Sync + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let start = Instant::now();
        let last_event_id = request
            .headers()
            .get("last-event-id")
            .and_then(|id| id.to_str().ok())
            .and_then(web::parse_event_id);
        if let Some(id) = last_event_id {
            request.extensions_mut().insert(LastEventId(id));
        }
        // hyper drops the body of an answer to HEAD.
        if request.method() == Method::HEAD {
            *request.method_mut() = Method::GET;
        }
        let method = request.method().clone();
        let uri = request.uri().clone();
        let cross_origin = self.cors.origin_of(request.headers());
        let first = crate::server_wide::first_segment(uri.path());
        let mut response = if let Some(response) = too_long(&uri) {
            response
        } else if let Some(response) = self.cors.preflight(&method, request.headers()) {
            response
        } else {
            // Inside the scope: warp runs the first filters when the call
            // is made, not when its future is first polled.
            let routed = web::CLIENT_ADDR.scope(peer, async {
                let branch = self.routes.branch(first).clone();
                warp::service(branch).call(request).await
            });
            match routed.await {
                Ok(response) => response,
                Err(never) => match never {},
            }
        };
        if let Some(cross_origin) = cross_origin {
            cross_origin.mark(&mut response);
        }
        let path = uri.path();
        security_headers(path, &mut response);
        // The console's own requests would drown the class's.
        if !path.starts_with("/_/") {
            let status = response.status().as_u16();
            let latency = start.elapsed();
            if status >= 500 {
                tracing::warn!(target: "onebox::access", %method, path, status, ?latency);
            } else {
                tracing::debug!(target: "onebox::access", %method, path, status, ?latency);
            }
            self.app.requests.record(Seen {
                domain: self.domain_of(first),
                method,
                path,
                query: uri.query().unwrap_or(""),
                status,
                outcome: response.extensions().get::<Outcome>().map(|o| o.0),
                latency,
                client: Some(peer.ip()),
            });
        }
        Ok(response)
    }

    /// The domain a path with this first segment is under: the segment,
    /// else the root domain for a path the server itself does not own.
    fn domain_of(&self, first: &str) -> Option<&'static str> {
        if let Some(name) = self.names.iter().find(|name| **name == first) {
            return Some(name);
        }
        self.root.filter(|_| !crate::server_wide::owns(first))
    }
}

/// Longest path and query answered; past it, 414.
const MAX_URI_BYTES: usize = 8 * 1024;

/// 414 for an over-long path and query, before any routing.
fn too_long(uri: &Uri) -> Option<Response> {
    let length = uri.path_and_query().map_or(0, |p| p.as_str().len());
    (length > MAX_URI_BYTES).then(|| {
        web::json(
            StatusCode::URI_TOO_LONG,
            &serde_json::json!({"error": format!(
                "the path and query are longer than {MAX_URI_BYTES} bytes"
            )}),
        )
    })
}

/// `nosniff` on every answer, so no browser runs an answer as another
/// type. API and operator answers may carry a session token, a mailed code
/// or personal data, so no browser or proxy stores them.
fn security_headers(path: &str, response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !crate::server_wide::is_public(path) && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
