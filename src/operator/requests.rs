//! The request log in the console: `GET /_/api/requests?domain=&status=&since=`
//! (the kept entries, newest first) and `GET /_/api/requests/stream`
//! (server-sent events, one `request` event per answered request, through
//! the same stream as the domains' events: `Last-Event-ID` resumes from the
//! kept entries, a reader that falls behind gets a `skipped` event).

use std::sync::Arc;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;

use crate::app::SharedApp;
use crate::events::{self, Feed, Live};
use crate::requests::{Entry, Filter as Wanted};
use crate::web::{self, Response};

/// The request-log API.
pub fn routes(app: &SharedApp) -> BoxedFilter<(Response,)> {
    let list_app = app.clone();
    let list = warp::path!("api" / "requests")
        .and(warp::get())
        .and(crate::body::query())
        .map(move |query: Result<crate::body::Form, _>| {
            let wanted = query
                .map_err(|e: crate::body::BodyError| e.to_string())
                .and_then(|form| form.decode::<Wanted>().map_err(|e| e.to_string()));
            match wanted {
                Ok(wanted) => web::json(StatusCode::OK, &list_app.requests.newest(&wanted)),
                Err(message) => super::refused(&message),
            }
        });
    let stream_app = app.clone();
    let live = warp::path!("api" / "requests" / "stream")
        .and(warp::get())
        .and(web::last_event_id())
        .map(move |last_event_id: Option<u64>| {
            let log = &stream_app.requests;
            // Subscribed before the replay is read, so nothing falls between.
            let live = log.watch();
            let replay = match last_event_id {
                Some(last) => {
                    let since = Wanted {
                        since: Some(last),
                        ..Wanted::default()
                    };
                    log.newest(&since).into_iter().rev().collect()
                }
                None => Default::default(),
            };
            let feed = Feed {
                replay,
                missed: 0,
                live: Live::Broadcast(live),
                closed: log.closing(),
            };
            let last_sent = std::sync::atomic::AtomicU64::new(0);
            let render = move |entry: &Arc<Entry>| {
                // An entry both replayed and live is sent once.
                let previous = last_sent.fetch_max(entry.id, std::sync::atomic::Ordering::Relaxed);
                (entry.id > previous).then(|| {
                    warp::sse::Event::default()
                        .event("request")
                        .id(entry.id.to_string())
                        .json_data(entry.as_ref())
                        .unwrap_or_default()
                })
            };
            events::stream(feed, render, None, ())
        });
    live.or(list).unify().boxed()
}
