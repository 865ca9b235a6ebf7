//! Files under `assets/`, embedded in the binary (debug builds read them from
//! disk, so a page can be edited without rebuilding), and the landing page.

use std::borrow::Cow;

use rust_embed::RustEmbed;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Reply;

use crate::domains::Descriptor;
use crate::web::{Response, escape_html};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// An embedded file as a response, or 404.
pub fn serve(path: &str) -> Response {
    embedded(path).unwrap_or_else(|| {
        crate::web::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": "no such asset"}),
        )
    })
}

/// An embedded file as a response, if there is one.
pub fn embedded(path: &str) -> Option<Response> {
    match Assets::get(path) {
        Some(file) => {
            let bytes: Vec<u8> = match file.data {
                Cow::Borrowed(b) => b.to_vec(),
                Cow::Owned(b) => b,
            };
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(path)),
            );
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            Some(response)
        }
        None => None,
    }
}

fn text(path: &str) -> String {
    Assets::get(path)
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .unwrap_or_default()
}

/// The landing page: the five systems, which are served here, their
/// endpoints, and the switches a newcomer trips over (demo data, each
/// domain's own: the labs captcha).
pub fn landing_page(
    app: &crate::app::App,
    enabled: &[&Descriptor],
    root: Option<&Descriptor>,
    demo: bool,
) -> String {
    let mut cards = String::new();
    for &domain in crate::domains::ALL {
        let served = enabled.iter().any(|d| d.name == domain.name);
        let state = if served {
            "served"
        } else {
            "not enabled (see --domains)"
        };
        let mut rows = String::new();
        for e in (domain.endpoints)() {
            rows.push_str(&format!(
                "<tr><td><code>{}</code></td><td><code>/{}{}</code></td><td>{}</td></tr>",
                e.method,
                domain.name,
                escape_html(e.path),
                escape_html(e.summary)
            ));
        }
        let table = if served && !rows.is_empty() {
            format!(
                "<div class=\"scroll\"><table><tr><th>Method</th><th>Path</th><th>What it does</th></tr>{rows}</table></div>"
            )
        } else {
            String::new()
        };
        let root_note = if root.is_some_and(|r| r.name == domain.name) {
            " Also mounted at <code>/</code> (the seed's original paths)."
        } else {
            ""
        };
        let docs_link = if served {
            format!(
                " <a href=\"/docs/#/{name}\">Try it in the API docs</a>.",
                name = domain.name
            )
        } else {
            String::new()
        };
        cards.push_str(&format!(
            "<section id=\"{name}\" class=\"{class}\"><h2>{name} <small>{state}</small></h2>\
             <p>{title}. Prefix <code>/{name}</code>.{root_note}{docs_link}</p>{table}</section>\n",
            name = domain.name,
            class = if served { "on" } else { "off" },
            title = escape_html(domain.title),
        ));
    }
    let demo = if demo {
        "<strong>on</strong>: loaded at start-up into the domains that were empty (<code>--demo</code>); the accounts are below"
    } else {
        "<strong>off</strong>: start with <code>--demo</code> on a new database file, or reset a domain to its demo data in the console"
    };
    let switches = enabled
        .iter()
        .filter_map(|d| (d.landing_note)(app).map(|note| format!("<li>{}: {note}</li>", d.name)))
        .collect::<String>();
    text("index.html")
        .replace("{{demo}}", demo)
        .replace("{{switches}}", &switches)
        .replace("{{domains}}", &cards)
}
