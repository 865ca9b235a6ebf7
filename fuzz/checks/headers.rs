//! The header values a request brings: the session cookie
//! (`session::cookie_in`), a Bearer token (`session::bearer_of`) and the
//! `Last-Event-ID` of a reconnecting stream (`web::parse_event_id`).

use onebox::session;
use onebox::web;

use super::Input;

/// - a cookie's value is a non-empty piece of the header, without `;`,
///   and a cookie set among others is found with its exact value;
/// - a Bearer token is the trimmed, non-empty rest of the value;
/// - an event id is the decimal number sent, and nothing else parses.
pub fn headers(data: &[u8]) {
    let mut input = Input::new(data);
    let Ok(name) = std::str::from_utf8(input.line()) else {
        return;
    };
    let Ok(header) = std::str::from_utf8(input.rest()) else {
        return;
    };

    if let Some(value) = session::cookie_in(header, name) {
        assert!(
            !value.is_empty() && !value.contains(';'),
            "cookie value {value:?}"
        );
        assert!(
            header.contains(&format!("{name}={value}")),
            "{value:?} not in {header:?}"
        );
    }
    let plain = |text: &str| {
        !text.is_empty() && !text.contains(|c: char| c == ';' || c == '=' || c.is_whitespace())
    };
    let value = header.split(';').next().unwrap_or_default();
    if plain(name) && plain(value) {
        let cookies = format!("{name}={value}; other=1");
        assert_eq!(session::cookie_in(&cookies, name).as_deref(), Some(value));
    }

    if let Some(token) = session::bearer_of(header) {
        let (scheme, rest) = header.trim().split_once(' ').expect("a scheme and a token");
        assert!(scheme.eq_ignore_ascii_case("bearer"), "scheme {scheme:?}");
        assert_eq!(token, rest.trim());
        assert!(!token.is_empty());
    }

    if let Some(id) = web::parse_event_id(header) {
        let digits = header
            .trim()
            .trim_start_matches('+')
            .trim_start_matches('0');
        let shown = if id == 0 {
            String::new()
        } else {
            id.to_string()
        };
        assert_eq!(digits, shown, "event id {id} from {header:?}");
    }
    for id in [0, 1, u64::from(input.byte()), u64::MAX] {
        assert_eq!(web::parse_event_id(&format!(" {id} ")), Some(id));
    }
}
