//! The server-sent-events writer: a stream's events, heartbeats,
//! `skipped` and `ended`, and the session guard that ends it.

use super::*;

pub use crate::session::StillValid;

/// A stream that lasts only as long as a session: it asks `still_valid`
/// whenever committed writes ended sessions, and at every heartbeat.
pub struct SessionGuard {
    pub ended: Arc<crate::session::Ended>,
    pub still_valid: StillValid,
}

pub(super) fn sse_event(event: &Event) -> warp::sse::Event {
    warp::sse::Event::default()
        .id(event.id.to_string())
        .event(event.name)
        .data(event.data.as_str())
}

fn skipped(missed: u64) -> warp::sse::Event {
    warp::sse::Event::default()
        .event("skipped")
        .data(format!(r#"{{"missed":{missed}}}"#))
}

enum Woke<T> {
    Live(Result<T, broadcast::error::RecvError>),
    Closed,
    Check,
}

struct Streaming<T, R, K> {
    feed: Feed<T>,
    render: R,
    guard: Option<SessionGuard>,
    sessions_seen: u64,
    checks: tokio::time::Interval,
    last_check: tokio::time::Instant,
    ended: bool,
    _keep: K,
}

/// The `text/event-stream` answer for any live feed: the replay, a
/// `skipped` event when items were lost (before the replay, or because the
/// reader fell [`BACKLOG`] behind and was skipped ahead), then each live
/// item `render` keeps for this reader, a heartbeat comment every
/// [`HEARTBEAT`]. It ends when the server stops and, with a guard, with
/// the session (after an `ended` event). `keep` lives as long as the stream.
pub fn stream<T, R, K>(feed: Feed<T>, render: R, guard: Option<SessionGuard>, keep: K) -> Response
where
    T: Clone + Send + Sync + 'static,
    R: Fn(&T) -> Option<warp::sse::Event> + Send + Sync + 'static,
    K: Send + Sync + 'static,
{
    let events = events_of(feed, render, guard, keep);
    let mut response = warp::sse::reply(
        warp::sse::keep_alive()
            .interval(HEARTBEAT)
            .text("heartbeat")
            .stream(events),
    )
    .into_response();
    // nginx and the like pass the stream on as it comes.
    response.headers_mut().insert(
        "x-accel-buffering",
        warp::http::HeaderValue::from_static("no"),
    );
    response
}

/// The events of [`stream`], before framing.
pub(super) fn events_of<T, R, K>(
    feed: Feed<T>,
    render: R,
    guard: Option<SessionGuard>,
    keep: K,
) -> impl futures_util::Stream<Item = Result<warp::sse::Event, Infallible>> + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
    R: Fn(&T) -> Option<warp::sse::Event> + Send + Sync + 'static,
    K: Send + Sync + 'static,
{
    let mut checks = tokio::time::interval(SESSION_CHECK);
    checks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let sessions_seen = guard.as_ref().map_or(0, |g| g.ended.count());
    let state = Streaming {
        feed,
        render,
        guard,
        sessions_seen,
        checks,
        last_check: tokio::time::Instant::now(),
        ended: false,
        _keep: keep,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        if state.ended {
            return None;
        }
        if state.feed.missed > 0 {
            let missed = std::mem::take(&mut state.feed.missed);
            return Some((Ok::<_, Infallible>(skipped(missed)), state));
        }
        while let Some(item) = state.feed.replay.pop_front() {
            if let Some(event) = (state.render)(&item) {
                return Some((Ok(event), state));
            }
        }
        loop {
            let feed = &mut state.feed;
            let woke = tokio::select! {
                next = feed.live.recv() => Woke::Live(next),
                _ = feed.closed.wait_for(|closed| *closed) => Woke::Closed,
                _ = state.checks.tick(), if state.guard.is_some() => Woke::Check,
            };
            match woke {
                Woke::Live(Ok(item)) => {
                    if let Some(event) = (state.render)(&item) {
                        return Some((Ok(event), state));
                    }
                }
                // Skipped ahead: the reader fell too far behind.
                Woke::Live(Err(broadcast::error::RecvError::Lagged(missed))) => {
                    return Some((Ok(skipped(missed)), state));
                }
                Woke::Live(Err(broadcast::error::RecvError::Closed)) | Woke::Closed => return None,
                Woke::Check => {
                    let Some(guard) = &state.guard else { continue };
                    let seen = guard.ended.count();
                    let due = state.last_check.elapsed() >= HEARTBEAT;
                    if seen == state.sessions_seen && !due {
                        continue;
                    }
                    state.sessions_seen = seen;
                    state.last_check = tokio::time::Instant::now();
                    // On a task of its own: the stream holds only its handle.
                    let valid = tokio::spawn((guard.still_valid)()).await.unwrap_or(false);
                    if !valid {
                        state.ended = true;
                        let ended = warp::sse::Event::default()
                            .event("ended")
                            .data(r#"{"reason":"the session has ended"}"#);
                        return Some((Ok(ended), state));
                    }
                }
            }
        }
    })
}

/// A domain's stream for one account: the events it may read.
fn respond(subscription: Subscription, guard: SessionGuard) -> Response {
    let Subscription {
        feed,
        account,
        _open,
    } = subscription;
    let render =
        move |event: &Arc<Event>| event.audience.includes(account).then(|| sse_event(event));
    stream(feed, render, Some(guard), _open)
}

/// A stream request's session token: the one presented (Bearer or the
/// session cookie), else `?token=`, since an `EventSource` cannot send
/// headers.
pub fn token_of(presented: Option<String>, form: &crate::body::Form) -> Option<String> {
    presented.or_else(|| {
        form.text("token")
            .ok()
            .flatten()
            .filter(|token| !token.is_empty())
    })
}

/// Opens `domain`'s stream for a logged-in caller: the account its events
/// are filtered for, and the session guard that ends it with the session.
/// `last_id` is the `Last-Event-ID` header, else the form's
/// `last_event_id`.
pub fn open(
    hub: &Arc<Hub>,
    guard: SessionGuard,
    domain: &'static str,
    account: i64,
    last_id: Option<u64>,
    form: &crate::body::Form,
) -> Result<Response, Refused> {
    let last_id = last_id.or_else(|| {
        form.text("last_event_id")
            .ok()
            .flatten()
            .and_then(|id| crate::web::parse_event_id(&id))
    });
    let subscription = hub.subscribe(domain, account, last_id)?;
    Ok(respond(subscription, guard))
}
