//! The request log: every answered request as one entry (never a body),
//! the last [`KEPT`] of them kept for the console, each one also sent to
//! live watchers (the console's server-sent events) and, unless quiet, as
//! one line on standard output (`POST /shop/order/create 200 code=0 1.2ms`).
//!
//! A domain tells its own outcome code (parking `code`, labs `status`,
//! rental `state`, family `code`, shop `code`) by putting an [`Outcome`]
//! on its answer, since parking, labs and rental answer HTTP 200 even when
//! a request fails.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

/// How many entries the console can look back on.
pub const KEPT: usize = 1000;
/// Entries a slow reader of the live feed (the printing thread between
/// its writes, a browser) may fall behind before it misses some.
const LIVE_BACKLOG: usize = 2048;

/// A domain's own outcome code for an answer, set by its envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome(pub i64);

/// One answered request.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Counts up from 1 since start-up; `since=` pages by it.
    pub id: u64,
    /// When it was answered: unix microseconds, shown as RFC 3339 (UTC),
    /// formatted only when someone reads it.
    #[serde(rename = "time", serialize_with = "rfc3339")]
    pub at_micros: i64,
    /// The domain that answered, if any.
    pub domain: Option<&'static str>,
    #[serde(serialize_with = "method_name")]
    pub method: warp::http::Method,
    /// The path and query, with secret values masked.
    pub path: String,
    pub status: u16,
    /// The domain's own code (see [`Outcome`]).
    pub outcome: Option<i64>,
    /// Milliseconds from the request's arrival to its answer.
    pub latency_ms: f64,
    pub client: Option<std::net::IpAddr>,
}

fn method_name<S: serde::Serializer>(
    method: &warp::http::Method,
    to: S,
) -> Result<S::Ok, S::Error> {
    to.serialize_str(method.as_str())
}

fn rfc3339<S: serde::Serializer>(micros: &i64, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_str(&crate::clock::format_rfc3339_micros(*micros))
}

/// What a request told the log, before it has an id and a time.
pub struct Seen<'a> {
    pub domain: Option<&'static str>,
    pub method: warp::http::Method,
    pub path: &'a str,
    pub query: &'a str,
    pub status: u16,
    pub outcome: Option<i64>,
    pub latency: std::time::Duration,
    pub client: Option<std::net::IpAddr>,
}

/// The kept entries and the live feed.
pub struct RequestLog {
    next_id: AtomicU64,
    /// Answers with HTTP status 500 or more since start-up.
    errors: AtomicU64,
    // Shared, not copied: one entry serves the ring and every feed.
    kept: Mutex<VecDeque<Arc<Entry>>>,
    live: broadcast::Sender<Arc<Entry>>,
    /// Set when the server stops, so live feeds end and let it.
    closed: tokio::sync::watch::Sender<bool>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            next_id: AtomicU64::new(1),
            errors: AtomicU64::new(0),
            kept: Mutex::new(VecDeque::with_capacity(KEPT)),
            live: broadcast::channel(LIVE_BACKLOG).0,
            closed: tokio::sync::watch::channel(false).0,
        }
    }
}

impl RequestLog {
    /// Requests answered and server errors among them, since start-up.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.next_id.load(Ordering::Relaxed) - 1,
            self.errors.load(Ordering::Relaxed),
        )
    }

    /// Records one answered request.
    pub fn record(&self, seen: Seen<'_>) {
        if seen.status >= 500 {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        let path = if seen.query.is_empty() {
            seen.path.to_string()
        } else {
            format!("{}?{}", seen.path, mask_query(seen.query))
        };
        let entry = Arc::new(Entry {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            at_micros: crate::clock::now_micros(),
            domain: seen.domain,
            method: seen.method,
            path,
            status: seen.status,
            outcome: seen.outcome,
            latency_ms: (seen.latency.as_micros() as f64 / 1000.0 * 100.0).round() / 100.0,
            client: seen.client,
        });
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() == KEPT {
                kept.pop_front();
            }
            kept.push_back(entry.clone());
        }
        // No watcher is fine.
        let _ = self.live.send(entry);
    }

    /// Kept entries that pass `filter`, newest first.
    pub fn newest(&self, filter: &Filter) -> Vec<Arc<Entry>> {
        let Ok(kept) = self.kept.lock() else {
            return Vec::new();
        };
        kept.iter()
            .rev()
            .filter(|entry| filter.passes(entry))
            .cloned()
            .collect()
    }

    /// A feed of entries recorded from now on.
    pub fn watch(&self) -> broadcast::Receiver<Arc<Entry>> {
        self.live.subscribe()
    }

    /// Ends every live feed (the server is stopping).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// Changes to `true` when the server stops.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closed.subscribe()
    }

    /// Writes each entry as a line on standard output, on a thread of its
    /// own: a slow or blocked stdout only makes it skip lines (and say how
    /// many), never holds up an answer. Lines are batched while requests
    /// arrive faster than the terminal takes them.
    pub fn print_to_stdout(&self) {
        let mut feed = self.watch();
        let printing = std::thread::Builder::new()
            .name("onebox-request-lines".into())
            .spawn(move || {
                let mut out = std::io::BufWriter::new(std::io::stdout());
                // Wait for a line, then let more gather before writing them
                // together: under load the thread wakes every few
                // milliseconds instead of once per request.
                while let Some(first) = next(&mut feed, Wait::Block) {
                    let _ = writeln!(out, "{first}");
                    std::thread::sleep(GATHER);
                    while let Some(line) = next(&mut feed, Wait::No) {
                        let _ = writeln!(out, "{line}");
                    }
                    // A closed stdout must not stop the server.
                    let _ = out.flush();
                }
                let _ = out.flush();
            });
        if let Err(e) = printing {
            tracing::warn!("request lines will not be printed: {e}");
        }
    }
}

/// How long the printing thread lets lines gather before writing.
const GATHER: Duration = Duration::from_millis(10);

enum Wait {
    Block,
    No,
}

/// The next line to print (a note when lines were missed), or `None`
/// when the log closed or, without waiting, nothing is there.
fn next(feed: &mut broadcast::Receiver<Arc<Entry>>, wait: Wait) -> Option<Line> {
    let got = match wait {
        Wait::Block => feed.blocking_recv().map_err(|e| match e {
            broadcast::error::RecvError::Lagged(missed) => Some(missed),
            broadcast::error::RecvError::Closed => None,
        }),
        Wait::No => feed.try_recv().map_err(|e| match e {
            broadcast::error::TryRecvError::Lagged(missed) => Some(missed),
            _ => None,
        }),
    };
    match got {
        Ok(entry) => Some(Line::Answered(entry)),
        Err(Some(missed)) => Some(Line::Missed(missed)),
        Err(None) => None,
    }
}

/// One line of standard output, written straight into the buffer.
enum Line {
    Answered(Arc<Entry>),
    Missed(u64),
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Line::Answered(entry) => entry.fmt(f),
            Line::Missed(missed) => write!(f, "({missed} requests not shown)"),
        }
    }
}

/// `POST /shop/order/create 200 code=0 1.2ms`.
impl std::fmt::Display for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.method, self.path, self.status)?;
        if let Some(code) = self.outcome {
            write!(f, " code={code}")?;
        }
        write!(f, " {}ms", self.latency_ms)
    }
}

/// Which kept entries a console asks for.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct Filter {
    /// Only this domain's.
    pub domain: Option<String>,
    /// Only this HTTP status, or a class of them: `4xx`, `5xx`.
    pub status: Option<String>,
    /// Only entries after this id.
    pub since: Option<u64>,
}

impl Filter {
    fn passes(&self, entry: &Entry) -> bool {
        let domain = match self.domain.as_deref() {
            None | Some("") => true,
            Some(wanted) => entry.domain == Some(wanted),
        };
        let status = match self.status.as_deref() {
            None | Some("") => true,
            Some(class) if class.len() == 3 && class.ends_with("xx") => {
                entry.status / 100 == u16::from(class.as_bytes()[0].wrapping_sub(b'0'))
            }
            Some(exact) => exact.parse() == Ok(entry.status),
        };
        domain && status && self.since.is_none_or(|since| entry.id > since)
    }
}

/// Query values that may be secrets (`token`, `password`, `code` and names
/// containing them) become `***`; the names stay.
pub fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let lower = name.to_ascii_lowercase();
            let secret = ["token", "password", "pwd", "code", "secret"]
                .iter()
                .any(|word| lower.contains(word));
            if secret && !value.is_empty() {
                format!("{name}=***")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<'a>(
        domain: Option<&'static str>,
        path: &'a str,
        query: &'a str,
        status: u16,
    ) -> Seen<'a> {
        Seen {
            domain,
            method: warp::http::Method::GET,
            path,
            query,
            status,
            outcome: Some(0),
            latency: std::time::Duration::from_micros(1234),
            client: None,
        }
    }

    #[test]
    fn secrets_in_queries_are_masked() {
        assert_eq!(
            mask_query("token=abc&page=2&new_password=x&captcha_code=y&q="),
            "token=***&page=2&new_password=***&captcha_code=***&q="
        );
        assert_eq!(mask_query("Token=T"), "Token=***");
    }

    #[test]
    fn the_log_keeps_the_newest_and_filters_them() {
        let log = RequestLog::default();
        for i in 0..KEPT + 5 {
            let status = if i % 2 == 0 { 200 } else { 404 };
            log.record(seen(Some("shop"), "/shop/shops", "token=secret", status));
        }
        log.record(seen(Some("labs"), "/labs/user/type", "", 200));
        let all = log.newest(&Filter::default());
        assert_eq!(all.len(), KEPT);
        assert_eq!(all[0].domain, Some("labs"));
        assert_eq!(all[1].path, "/shop/shops?token=***");
        assert_eq!(all[0].to_string(), "GET /labs/user/type 200 code=0 1.23ms");
        let labs = Filter {
            domain: Some("labs".into()),
            ..Filter::default()
        };
        assert_eq!(log.newest(&labs).len(), 1);
        let missing = Filter {
            status: Some("4xx".into()),
            ..Filter::default()
        };
        assert!(log.newest(&missing).iter().all(|e| e.status == 404));
        let newer = Filter {
            since: Some(all[2].id),
            ..Filter::default()
        };
        assert_eq!(log.newest(&newer).len(), 2);
    }
}
