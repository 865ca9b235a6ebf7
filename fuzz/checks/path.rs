//! The path matcher (`onebox::endpoint::path_params` for a route,
//! `classify` for the 404 or 405 of a path no route took), over every
//! route of every domain.

use std::sync::OnceLock;

use onebox::endpoint::{self, Endpoint, Method, Unrouted};

use super::Input;

fn all_endpoints() -> &'static [(&'static str, Vec<Endpoint>)] {
    static ALL: OnceLock<Vec<(&'static str, Vec<Endpoint>)>> = OnceLock::new();
    ALL.get_or_init(|| {
        onebox::domains::ALL
            .iter()
            .map(|domain| (domain.name, (domain.endpoints)()))
            .collect()
    })
}

const METHODS: [Method; 4] = [Method::GET, Method::POST, Method::PUT, Method::DELETE];

/// A pattern with its placeholders filled from `values` (cycled).
fn filled(pattern: &str, values: &[&str]) -> String {
    let mut next = values.iter().cycle();
    pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                next.next().copied().unwrap_or("1")
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// 404 (`None`), or 405 with the methods allowed.
fn verdict(unrouted: Unrouted) -> Option<Vec<&'static str>> {
    match unrouted {
        Unrouted::NotFound { .. } => None,
        Unrouted::MethodNotAllowed { allow } => Some(allow),
    }
}

/// - `/x` and `/x/` take the same route with the same parameters, and
///   get the same 404 or 405;
/// - a path a route takes is one the table knows, and putting the
///   parameters back into the pattern gives the path again;
/// - a route's own pattern, its placeholders filled with any segment,
///   is taken by that route with exactly those values.
pub fn path(data: &[u8]) {
    let mut input = Input::new(data);
    let pick = usize::from(input.byte());
    let method = METHODS[pick % METHODS.len()].clone();
    let Ok(given) = std::str::from_utf8(input.line()) else {
        return;
    };
    let values: Vec<&str> = input
        .rest()
        .split(|b| *b == b'\n')
        .filter_map(|v| std::str::from_utf8(v).ok())
        .collect();
    let given = given.trim_end_matches('/');
    let slashed = format!("{given}/");

    for (domain, endpoints) in all_endpoints() {
        for e in endpoints {
            let plain = endpoint::path_params(e.path, given);
            assert_eq!(
                plain,
                endpoint::path_params(e.path, &slashed),
                "{domain} {}: {given:?} and {slashed:?}",
                e.path
            );
            if let Some(params) = plain {
                let rebuilt = format!("/{}", given.trim_start_matches('/'));
                assert_eq!(filled(e.path, &params), rebuilt, "{domain} {}", e.path);
                assert!(params.iter().all(|p| !p.is_empty() && !p.contains('/')));
                assert!(
                    endpoint::knows(endpoints, &rebuilt),
                    "{domain}: {rebuilt:?}"
                );
            }
        }
        let path = format!("/{}", given.trim_start_matches('/'));
        let slashed_path = format!("{path}/");
        assert_eq!(
            verdict(endpoint::classify(endpoints, method.clone(), &path)),
            verdict(endpoint::classify(endpoints, method.clone(), &slashed_path)),
            "{domain}: the 404/405 of {path:?} and {slashed_path:?}"
        );

        let e = &endpoints[pick % endpoints.len()];
        let segments: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| !v.is_empty() && !v.contains('/'))
            .collect();
        if segments.is_empty() {
            continue;
        }
        let path = filled(e.path, &segments);
        let params = endpoint::path_params(e.path, &path).expect("a route takes its own pattern");
        assert_eq!(filled(e.path, &params), path, "{domain} {}", e.path);
    }
}
