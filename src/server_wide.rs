//! The routes the server answers itself, beside the domains: the landing
//! page, liveness, the API document and its UI, embedded assets, uploaded
//! files and the operator console. Declared here once; the router, the
//! request layer (caching headers, the request log's domain) and the API
//! document read them from here.

use serde_json::{Value, json};

use crate::endpoint::Endpoint;

/// The first path segments the server answers under; a domain mounted at
/// the root never gets these.
pub const SEGMENTS: [&str; 7] = [
    "",
    "healthz",
    "openapi.json",
    "docs",
    "assets",
    "files",
    "_",
];

/// The server-wide routes with a fixed method, so a wrong method on them
/// is 405, not 404.
pub const ROUTES: &[Endpoint] = &[
    Endpoint::bare("GET", "/", "Landing page"),
    Endpoint::bare("GET", "/healthz", "Liveness"),
    Endpoint::bare("GET", "/openapi.json", "OpenAPI document"),
    Endpoint::bare("GET", "/docs", "API docs"),
    Endpoint::bare("GET", "/files/{id}", "Uploaded image"),
    Endpoint::bare("GET", "/_/outbox", "Outbox page"),
    Endpoint::bare("GET", "/_/outbox.json", "Outbox"),
];

/// Paths whose answers hold nothing private (so caches may keep them): the
/// landing page, assets, the API document and its UI, uploaded images, the
/// liveness check.
const PUBLIC_PREFIXES: [&str; 5] = ["/healthz", "/openapi.json", "/docs", "/assets/", "/files/"];

/// Whether a first path segment is the server's own.
pub fn owns(first_segment: &str) -> bool {
    SEGMENTS.contains(&first_segment)
}

/// Whether a path's answers hold nothing private.
pub fn is_public(path: &str) -> bool {
    path == "/"
        || PUBLIC_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// A path's first segment (`shop` of `/shop/product/1`), the key the
/// route tree and the request log's domain go by.
pub fn first_segment(path: &str) -> &str {
    let path = path.trim_start_matches('/');
    path.split_once('/').map_or(path, |(first, _)| first)
}

/// The server-wide operations of `/openapi.json`.
pub fn openapi_paths() -> Value {
    json!({
        "/healthz": {"get": {"tags": ["server"], "operationId": "healthz", "summary": "Liveness",
            "responses": {"200": {"description": "Up", "content": {"application/json": {"schema": {
                "type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}}}}}}}},
        "/openapi.json": {"get": {"tags": ["server"], "operationId": "openapi", "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/files/{id}": {"get": {"tags": ["server"], "operationId": "file", "summary": "An uploaded image",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {
                "200": {"description": "The image", "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}},
                "304": {"description": "Not modified (ETag)"},
                "404": {"description": "No such file", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/_/outbox.json": {"get": {"tags": ["server"], "operationId": "outbox", "summary": "Mail the server has sent, newest first (operator token)",
            "security": [{"operator": []}],
            "responses": {
                "200": {"description": "The outbox", "content": {"application/json": {"schema": {"type": "array", "items": {
                    "type": "object", "properties": {"to": {"type": "string"}, "subject": {"type": "string"},
                    "body": {"type": "string"}, "sent_at": {"type": "string"}}}}}}},
                "404": {"description": "Without the operator token", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_segment(path: &str) -> &str {
        path.trim_start_matches('/').split('/').next().unwrap_or("")
    }

    #[test]
    fn every_route_and_public_path_is_under_a_segment_the_server_owns() {
        for route in ROUTES {
            assert!(owns(first_segment(route.path)), "{}", route.path);
        }
        for prefix in PUBLIC_PREFIXES {
            assert!(owns(first_segment(prefix)), "{prefix}");
        }
        let documented = openapi_paths();
        for path in documented
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.keys())
        {
            assert!(owns(first_segment(path)), "{path}");
        }
    }

    #[test]
    fn the_console_and_domains_are_never_public() {
        assert!(is_public("/") && is_public("/files/3") && is_public("/docs/"));
        assert!(!is_public("/_/") && !is_public("/shop/user/profile"));
    }
}
