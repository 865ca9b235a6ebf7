//! Endpoints, declared once. A domain's route table is a list of
//! [`Route`]s: each names its method, path pattern, handler and renderer,
//! and carries the [`Endpoint`] text the rest of the server reads (the API
//! document, the landing page, 404 / 405 classification). Nothing else
//! lists a domain's routes, so nothing can drift from them.
//!
//! A request under a domain's prefix is matched against the table in
//! order; the first route whose method and pattern match (and whose path
//! parameters parse) runs. Whatever no route takes is classified by the
//! same table into the domain's 404 or 405.

use std::convert::Infallible;
use std::str::FromStr;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use warp::Filter;
use warp::filters::BoxedFilter;

use crate::web::Response;

mod answer;
mod args;
mod handler;

pub use answer::{Answer, Shaped};
pub use args::{FromCall, Input, Refuses, Request, Stage};
pub use handler::{Handler, PathParams, route};
/// The method of a route line (`http`'s, as warp gives it).
pub use warp::http::Method;

/// What the server says about one route, relative to its domain's prefix.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    /// Segments separated by `/`; `{name}` matches any one segment. A
    /// trailing slash is optional in requests.
    pub path: &'static str,
    pub summary: &'static str,
    /// An example request body, as JSON text.
    pub example: Option<&'static str>,
    /// The schema of the typed input the handler decodes: query
    /// parameters for GET, body fields otherwise. `None` takes nothing.
    pub input: Option<SchemaFn>,
    /// The schema of `data` in a success (a typed output).
    pub output: Option<SchemaFn>,
    /// The output is the whole answer, not placed in the domain's
    /// envelope (family's lists and user info).
    pub bare: bool,
    /// Endpoints of the same domain that take an id this one answers.
    pub links: &'static [Link],
    /// For a server-sent-events stream: each event's name and what it
    /// tells (its answer is `text/event-stream`).
    pub events: &'static [(&'static str, &'static str)],
}

/// An OpenAPI link: the success of one endpoint names something (a new
/// order's id, a shop's invitation code) that another endpoint of its domain
/// takes, so the docs show the chain and a stateful fuzzer can follow it.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub method: &'static str,
    pub path: &'static str,
    /// Each input field of the target, with the JSON pointer into this
    /// endpoint's answer that gives it (`/data/id`). A field named like a
    /// `{segment}` of the target's path fills that segment; for GET it is a
    /// query parameter, otherwise a body field.
    pub fields: &'static [(&'static str, &'static str)],
}

/// A link to `method path`, taking `fields` from this endpoint's answer.
pub const fn link(
    method: &'static str,
    path: &'static str,
    fields: &'static [(&'static str, &'static str)],
) -> Link {
    Link {
        method,
        path,
        fields,
    }
}

/// Schemas that others refer to (`#/components/schemas/{name}`).
pub type Components = Vec<(
    String,
    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
)>;

/// A type's JSON schema as utoipa derives it (OpenAPI 3.1 style); the
/// schemas it refers to are added to the components.
pub type SchemaFn = fn(&mut Components) -> serde_json::Value;

/// (What [`shaped!`](crate::shaped) states for a type.)
pub fn schema_of<T: utoipa::ToSchema>(components: &mut Components) -> serde_json::Value {
    T::schemas(components);
    serde_json::to_value(T::schema()).unwrap_or_default()
}

/// `null`, in the form OpenAPI 3.0 can state.
fn null_schema(_: &mut Components) -> serde_json::Value {
    serde_json::json!({"type": "object", "nullable": true, "enum": [null]})
}

impl Endpoint {
    /// An endpoint with no summary or input, for the server's own routes.
    pub const fn bare(method: &'static str, path: &'static str, summary: &'static str) -> Self {
        Endpoint {
            method,
            path,
            summary,
            example: None,
            input: None,
            output: None,
            bare: false,
            links: &[],
            events: &[],
        }
    }
}

/// A handler ready to run, its path parameters parsed.
type Prepared<C> = Box<dyn FnOnce(C) -> BoxFuture<'static, Response> + Send>;

/// Parses the path parameters of a request for one route, or refuses it.
type Prepare<C> = dyn Fn(&[&str]) -> Option<Prepared<C>> + Send + Sync;

/// One endpoint of a domain: its text and its handler. `C` is the domain's
/// per-request input.
pub struct Route<C> {
    pub endpoint: Endpoint,
    method: Method,
    prepare: Arc<Prepare<C>>,
}

impl<C> Route<C> {
    /// Sets the summary shown in the API docs and on the landing page.
    pub fn summary(mut self, summary: &'static str) -> Self {
        self.endpoint.summary = summary;
        self
    }

    /// Sets the example request body (JSON text) shown in the API docs.
    pub fn example(mut self, body: &'static str) -> Self {
        self.endpoint.example = Some(body);
        self
    }

    /// Declares the typed input the handler decodes (body fields, or the
    /// query for GET).
    pub fn input<T: utoipa::ToSchema>(mut self) -> Self {
        debug_assert!(
            self.endpoint.input.is_none(),
            "{} {}: the handler's arguments already give its input",
            self.endpoint.method,
            self.endpoint.path
        );
        self.endpoint.input = Some(schema_of::<T>);
        self
    }

    /// Declares the typed `data` of a success, for a handler whose type
    /// does not say it ([`Shaped::SCHEMA`] is `None`).
    pub fn output<T: utoipa::ToSchema>(mut self) -> Self {
        debug_assert!(
            self.endpoint.output.is_none(),
            "{} {}: the handler's type already gives its output",
            self.endpoint.method,
            self.endpoint.path
        );
        self.endpoint.output = Some(schema_of::<T>);
        self
    }

    /// The success's data is the whole body, outside the envelope.
    pub fn bare(mut self) -> Self {
        self.endpoint.bare = true;
        self
    }

    /// Declares the endpoints that take what a success of this one names.
    pub fn links(mut self, links: &'static [Link]) -> Self {
        self.endpoint.links = links;
        self
    }

    /// Declares the answer a server-sent-events stream of these events.
    pub fn events(mut self, events: &'static [(&'static str, &'static str)]) -> Self {
        self.endpoint.events = events;
        self
    }
}

fn new_route<C>(method: Method, path: &'static str, prepare: Arc<Prepare<C>>) -> Route<C> {
    Route {
        endpoint: Endpoint {
            method: method_name(&method),
            path,
            summary: "",
            example: None,
            input: None,
            output: None,
            bare: false,
            links: &[],
            events: &[],
        },
        method,
        prepare,
    }
}

fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "OPTIONS",
    }
}

/// The endpoints of a route table.
pub fn endpoints<C>(routes: &[Route<C>]) -> Vec<Endpoint> {
    routes.iter().map(|r| r.endpoint).collect()
}

fn is_placeholder(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn placeholders(pattern: &str) -> usize {
    pattern.split('/').filter(|s| is_placeholder(s)).count()
}

/// The segments of a path under a prefix (warp's tail, without the
/// leading slash): one trailing slash is allowed, an empty segment
/// anywhere else matches nothing.
fn segments(path: &str) -> Option<Vec<&str>> {
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Some(Vec::new());
    }
    let segments: Vec<&str> = path.split('/').collect();
    (!segments.contains(&"")).then_some(segments)
}

/// The path parameters of `path` under `pattern`, if it matches.
fn match_pattern<'a>(pattern: &str, path: &[&'a str]) -> Option<Vec<&'a str>> {
    let wanted = pattern.split('/').filter(|s| !s.is_empty());
    let mut params = Vec::new();
    let mut given = path.iter();
    for w in wanted {
        let g = given.next()?;
        if is_placeholder(w) {
            params.push(*g);
        } else if w != *g {
            return None;
        }
    }
    given.next().is_none().then_some(params)
}

/// The parameters of `path` (a domain's tail, leading slash optional)
/// under `pattern`, as the router reads them, if it matches.
pub fn path_params<'a>(pattern: &str, path: &'a str) -> Option<Vec<&'a str>> {
    let path = path.strip_prefix('/').unwrap_or(path);
    match_pattern(pattern, &segments(path)?)
}

/// The first route of `routes` that takes the request, ready to run.
fn find<C>(routes: &[Route<C>], method: &Method, path: &str) -> Option<Prepared<C>> {
    let given = segments(path)?;
    routes
        .iter()
        .filter(|r| r.method == *method)
        .find_map(|r| (r.prepare)(&match_pattern(r.endpoint.path, &given)?))
}

/// Why no route of a domain took a request.
#[derive(Debug, Clone)]
pub enum Unrouted {
    NotFound { method: Method, path: String },
    MethodNotAllowed { allow: Vec<&'static str> },
}

fn pattern_matches(pattern: &str, path: &str) -> bool {
    let wanted: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let given: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    wanted.len() == given.len()
        && wanted
            .iter()
            .zip(&given)
            .all(|(w, g)| is_placeholder(w) || w == g)
}

/// Whether some endpoint's path (with any method) is `path`.
pub fn knows(endpoints: &[Endpoint], path: &str) -> bool {
    endpoints.iter().any(|e| pattern_matches(e.path, path))
}

/// Classifies a request no route took: a known path with another method is
/// 405 (with the methods it has), anything else 404. Where patterns
/// overlap, the most literal wins: `/shop/1/product/add` is the `add`
/// route, not `/shop/{id}/product/{pid}`.
pub fn classify(endpoints: &[Endpoint], method: Method, path: &str) -> Unrouted {
    let matching: Vec<&Endpoint> = endpoints
        .iter()
        .filter(|e| pattern_matches(e.path, path))
        .collect();
    let fewest = matching.iter().map(|e| placeholders(e.path)).min();
    let mut allow: Vec<&'static str> = matching
        .iter()
        .filter(|e| Some(placeholders(e.path)) == fewest)
        .map(|e| e.method)
        .collect();
    allow.dedup();
    if allow.is_empty() || allow.contains(&method.as_str()) {
        Unrouted::NotFound {
            method,
            path: path.to_string(),
        }
    } else {
        Unrouted::MethodNotAllowed { allow }
    }
}

/// Matches every request; the last branch of a tree.
pub fn unrouted(
    endpoints: Arc<[Endpoint]>,
) -> impl Filter<Extract = (Unrouted,), Error = Infallible> + Clone {
    warp::method()
        .and(warp::path::tail())
        .and(warp::path::full())
        .map(
            move |method: Method, tail: warp::path::Tail, full: warp::path::FullPath| {
                match classify(&endpoints, method, &format!("/{}", tail.as_str())) {
                    Unrouted::NotFound { method, .. } => Unrouted::NotFound {
                        method,
                        path: full.as_str().to_string(),
                    },
                    other => other,
                }
            },
        )
}

/// A domain's whole tree: the first of its routes that takes a request,
/// given the domain's input (`call`, built only once a route matched);
/// else the domain's 404 / 405 for what its table says about the request.
pub fn domain_tree<C: Send + 'static>(
    routes: Vec<Route<C>>,
    call: impl Filter<Extract = (C,), Error = warp::Rejection> + Clone + Send + Sync + 'static,
    unrouted_reply: fn(Unrouted) -> Response,
) -> BoxedFilter<(Response,)> {
    let endpoints: Arc<[Endpoint]> = endpoints(&routes).into();
    let routes: Arc<[Route<C>]> = routes.into();
    let matched = warp::method().and(warp::path::tail()).and_then(
        move |method: Method, tail: warp::path::Tail| {
            let found = find(&routes, &method, tail.as_str());
            async move { found.map(Matched).ok_or_else(warp::reject::not_found) }
        },
    );
    let answered = matched
        .and(call)
        .then(|matched: Matched<C>, input: C| (matched.0)(input));
    let fallback = unrouted(endpoints).map(unrouted_reply);
    answered.or(fallback).unify().boxed()
}

/// A route that took a request (a warp extract must be a named type).
struct Matched<C>(Prepared<C>);

#[cfg(test)]
mod tests {
    use super::*;

    const ENDPOINTS: &[Endpoint] = &[
        Endpoint::bare("GET", "/api/user/info/{username}", ""),
        Endpoint::bare("POST", "/api/user/new", ""),
    ];

    #[test]
    fn the_most_literal_pattern_decides_the_allowed_methods() {
        const OVERLAPPING: &[Endpoint] = &[
            Endpoint::bare("POST", "/shop/{id}/product/add", ""),
            Endpoint::bare("GET", "/shop/{id}/product/{pid}", ""),
        ];
        match classify(OVERLAPPING, Method::GET, "/shop/1/product/add") {
            Unrouted::MethodNotAllowed { allow } => assert_eq!(allow, ["POST"]),
            other => panic!("{other:?}"),
        }
        match classify(OVERLAPPING, Method::POST, "/shop/1/product/7") {
            Unrouted::MethodNotAllowed { allow } => assert_eq!(allow, ["GET"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_known_path_with_another_method_is_405() {
        match classify(ENDPOINTS, Method::DELETE, "/api/user/info/bob/") {
            Unrouted::MethodNotAllowed { allow } => assert_eq!(allow, vec!["GET"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify(ENDPOINTS, Method::GET, "/api/user/nothing"),
            Unrouted::NotFound { .. }
        ));
    }

    /// Each test handler answers with its own status.
    fn answer(status: Result<i64, Infallible>) -> Response {
        let status = status.map_or(500, |status| status as u16);
        let status = warp::http::StatusCode::from_u16(status).unwrap();
        crate::web::json(status, &())
    }

    fn table() -> Vec<Route<()>> {
        vec![
            route(Method::POST, "/shop/create", |()| async { Ok(201) }, answer),
            route(
                Method::POST,
                "/shop/{id}/product/add",
                |_: i64, ()| async { Ok(202) },
                answer,
            ),
            route(
                Method::GET,
                "/shop/{id}/product/{pid}",
                |_: i64, _: i64, ()| async { Ok(203) },
                answer,
            ),
        ]
    }

    #[test]
    fn a_routes_output_schema_is_its_handlers_answer_type() {
        let route = &table()[0];
        let output = route.endpoint.output.expect("typed by the handler");
        assert_eq!(output(&mut Vec::new()), schema_of::<i64>(&mut Vec::new()));
    }

    #[test]
    #[should_panic(expected = "the handler's type already gives its output")]
    #[cfg(debug_assertions)]
    fn an_output_named_again_on_the_route_line_is_refused() {
        let _ = table().remove(0).output::<String>();
    }

    #[test]
    fn a_handler_without_a_fixed_shape_leaves_the_output_to_the_route_line() {
        let untyped = |result: Result<serde_json::Value, Infallible>| answer(result.map(|_| 200));
        let route = route(
            Method::GET,
            "/anything",
            |()| async { Ok(serde_json::Value::Null) },
            untyped,
        );
        assert!(route.endpoint.output.is_none());
        let declared = route.output::<String>().endpoint.output.expect("declared");
        assert_eq!(
            declared(&mut Vec::new()),
            schema_of::<String>(&mut Vec::new())
        );
    }

    async fn run(method: Method, path: &str) -> Option<u16> {
        let prepared = find(&table(), &method, path)?;
        Some(prepared(()).await.status().as_u16())
    }

    #[tokio::test]
    async fn routes_match_by_method_pattern_and_parsed_parameters() {
        assert_eq!(run(Method::POST, "shop/create").await, Some(201));
        assert_eq!(run(Method::POST, "shop/create/").await, Some(201));
        assert_eq!(run(Method::POST, "shop//create").await, None);
        assert_eq!(run(Method::POST, "/shop/create").await, None);
        assert_eq!(run(Method::GET, "shop/create").await, None);
        assert_eq!(run(Method::POST, "shop/7/product/add").await, Some(202));
        assert_eq!(run(Method::GET, "shop/7/product/9").await, Some(203));
        // A parameter that does not parse is no match (a 404, not a 400).
        assert_eq!(run(Method::GET, "shop/7/product/x").await, None);
        assert_eq!(run(Method::GET, "shop/7/product/9/more").await, None);
    }
}
