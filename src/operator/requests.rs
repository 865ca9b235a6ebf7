//! The request log in the console: `GET /_/api/requests?domain=&status=&since=`
//! (the kept entries, newest first) and `GET /_/api/requests/stream`
//! (server-sent events, one `request` event per answered request).

use std::convert::Infallible;

use futures_util::stream;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Reply;

use crate::app::SharedApp;
use crate::requests::Filter as Wanted;
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
        .map(move || {
            let feed = stream_app.requests.watch();
            let closing = stream_app.requests.closing();
            let events = stream::unfold((feed, closing), |(mut feed, mut closing)| async move {
                loop {
                    let next = tokio::select! {
                        next = feed.recv() => next,
                        // The server is stopping: end the stream, so the
                        // connection can close.
                        _ = closing.wait_for(|closed| *closed) => return None,
                    };
                    match next {
                        Ok(entry) => {
                            let event = warp::sse::Event::default()
                                .event("request")
                                .id(entry.id.to_string())
                                .json_data(&entry)
                                .unwrap_or_default();
                            return Some((Ok::<_, Infallible>(event), (feed, closing)));
                        }
                        // A slow watcher misses some; it can fetch the list.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            });
            warp::sse::reply(warp::sse::keep_alive().stream(events)).into_response()
        });
    live.or(list).unify().boxed()
}
