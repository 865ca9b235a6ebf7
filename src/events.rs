//! Realtime events (`GET /{domain}/events`, server-sent events).
//!
//! A domain's store stages an event inside the write transaction that makes
//! the change ([`stage`]), naming who may read it. The [`Hub`] observes the
//! database's writer ([`crate::db::CommitObserver`]): it publishes what a
//! write staged only after that transaction commits, in commit order, and
//! drops it if it rolls back. So no one hears of a change that
//! did not happen, and the last event about a thing is its latest state.
//!
//! Each domain has its own channel: ids count up from 1, and the last
//! [`BACKLOG`] events are kept for `Last-Event-ID`. Each open stream has a
//! queue of its own that only the events it may read are put in; a slow
//! reader can fall behind by at most [`BACKLOG`] before it is skipped ahead
//! (and told so in a `skipped` event). The state of a busy thing (a lot's
//! free spots) goes out at most every [`COALESCE`] ([`stage_state`]). A
//! stream checks its session again whenever a committed write ended
//! sessions and at every heartbeat, and ends when the session has.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;
use warp::reply::Reply;

use crate::web::Response;

/// Events a stream can resume from, per domain.
pub const BACKLOG: usize = 256;
/// A comment line this often keeps proxies and browsers from closing an
/// idle stream.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// How often a stream looks whether a write ended sessions.
const SESSION_CHECK: Duration = Duration::from_millis(250);
/// The least time between two states of one thing (see [`stage_state`]).
pub const COALESCE: Duration = Duration::from_millis(250);
/// Streams one account may hold open in one domain by default.
pub const DEFAULT_PER_ACCOUNT: usize = 8;
/// Streams the whole server holds open by default (`--max-streams`): half
/// of the default `--max-connections`, so streams never take every one.
pub const DEFAULT_TOTAL: usize = 512;

/// The query of `GET /{domain}/events`, for the API document: an
/// `EventSource` cannot set headers, so the session token may come here.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = events::StreamQuery)]
pub struct StreamQuery {
    /// The session token, where no `Authorization: Bearer` header or
    /// session cookie is sent.
    pub token: Option<String>,
    /// The last event id seen, where no `Last-Event-ID` header is sent.
    pub last_event_id: Option<u64>,
}

/// Who may read an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every logged-in user of the domain.
    Everyone,
    /// These accounts of the domain.
    Accounts(Vec<i64>),
}

impl Audience {
    fn includes(&self, account: i64) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Accounts(ids) => ids.contains(&account),
        }
    }
}

/// One committed change, as its readers receive it.
#[derive(Debug)]
pub struct Event {
    pub id: u64,
    pub name: &'static str,
    /// The JSON data, in the domain's own field names.
    pub data: String,
    pub audience: Audience,
}

/// What the transaction in progress on the writer thread will tell.
#[derive(Default)]
pub(crate) struct Staged {
    events: Vec<StagedEvent>,
}

impl Staged {
    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

struct StagedEvent {
    domain: &'static str,
    name: &'static str,
    data: String,
    audience: Audience,
    /// For the state of one thing (a lot's free spots): only the latest
    /// within [`COALESCE`] is sent.
    latest_of: Option<i64>,
}

thread_local! {
    static STAGED: RefCell<Staged> = RefCell::new(Staged::default());
}

/// Stages an event of the write transaction in progress: it is sent when
/// that transaction commits and dropped if it rolls back. Call it only from
/// inside [`crate::db::Db::write`].
pub fn stage<T: Serialize>(domain: &'static str, name: &'static str, data: &T, audience: Audience) {
    stage_event(domain, name, data, audience, None);
}

/// Stages the new state of thing `id` (a lot's free spots): sent at once,
/// unless the last state of the same thing went out less than
/// [`COALESCE`] ago; then only the latest state goes out when that time is
/// up. A busy lot cannot flood every stream, and the last state always
/// arrives.
pub fn stage_state<T: Serialize>(
    domain: &'static str,
    name: &'static str,
    id: i64,
    data: &T,
    audience: Audience,
) {
    stage_event(domain, name, data, audience, Some(id));
}

fn stage_event<T: Serialize>(
    domain: &'static str,
    name: &'static str,
    data: &T,
    audience: Audience,
    latest_of: Option<i64>,
) {
    let data = match serde_json::to_string(data) {
        Ok(data) => data,
        Err(e) => {
            tracing::warn!("an event's data did not serialize: {e}");
            return;
        }
    };
    STAGED.with(|staged| {
        staged.borrow_mut().events.push(StagedEvent {
            domain,
            name,
            data,
            audience,
            latest_of,
        })
    });
}

/// What the transaction that just ended staged (the writer calls it before
/// and after each job).
pub(crate) fn take_staged() -> Staged {
    STAGED.with(|staged| std::mem::take(&mut *staged.borrow_mut()))
}

/// One domain's events: the backlog and the open streams' queues, updated
/// together under one lock so a new stream misses nothing between them.
#[derive(Default)]
struct Channel {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// The id of the last event sent.
    last_id: u64,
    backlog: VecDeque<Arc<Event>>,
    next_reader: u64,
    readers: HashMap<u64, Reader>,
    /// Each account's readers, so an event for a few accounts wakes only
    /// their streams.
    by_account: HashMap<i64, Vec<u64>>,
}

/// One open stream's queue: at most [`BACKLOG`] events wait in it; past
/// that, events are counted as missed and the stream is told.
struct Reader {
    queue: tokio::sync::mpsc::Sender<Arc<Event>>,
    missed: Arc<AtomicU64>,
}

impl Kept {
    fn deliver(&self, id: u64, event: &Arc<Event>) {
        if let Some(reader) = self.readers.get(&id)
            && reader.queue.try_send(event.clone()).is_err()
        {
            reader.missed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Why a stream was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("too many event streams open for this account (at most {0}); close one first")]
    PerAccount(usize),
    #[error("too many event streams open on this server (at most {0}); try again later")]
    Total(usize),
}

/// Every domain's channel and the open-stream counts.
pub struct Hub {
    channels: Mutex<HashMap<&'static str, Arc<Channel>>>,
    open: Mutex<HashMap<(&'static str, i64), usize>>,
    total: AtomicUsize,
    caps: Mutex<(usize, usize)>,
    /// Set when the server stops, so streams end and let it.
    closed: tokio::sync::watch::Sender<bool>,
    /// States held back (see [`stage_state`]), and when each thing's last
    /// state went out.
    states: Mutex<States>,
}

type Thing = (&'static str, &'static str, i64);

#[derive(Default)]
struct States {
    sent: HashMap<Thing, std::time::Instant>,
    held: HashMap<Thing, StagedEvent>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            channels: Mutex::new(HashMap::new()),
            open: Mutex::new(HashMap::new()),
            total: AtomicUsize::new(0),
            caps: Mutex::new((DEFAULT_PER_ACCOUNT, DEFAULT_TOTAL)),
            closed: tokio::sync::watch::channel(false).0,
            states: Mutex::new(States::default()),
        }
    }
}

/// The hub hears of every write: what it staged goes out once it commits.
impl crate::db::CommitObserver for Hub {
    fn before_write(&self) {
        take_staged();
    }

    fn after_write(&self, committed: bool) {
        let staged = take_staged();
        if committed && !staged.is_empty() {
            self.publish(staged);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Hub {
    /// Streams per account (in one domain) and in total.
    pub fn set_caps(&self, per_account: usize, total: usize) {
        *lock(&self.caps) = (per_account.max(1), total.max(1));
    }

    /// Ends every stream (the server is stopping).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    fn channel(&self, domain: &'static str) -> Arc<Channel> {
        lock(&self.channels).entry(domain).or_default().clone()
    }

    /// Sends committed events, in order.
    pub(crate) fn publish(&self, staged: Staged) {
        let now = std::time::Instant::now();
        for event in staged.events {
            if let Some(id) = event.latest_of {
                let thing = (event.domain, event.name, id);
                let mut states = lock(&self.states);
                let recent = states
                    .sent
                    .get(&thing)
                    .is_some_and(|at| now.duration_since(*at) < COALESCE);
                if recent || states.held.contains_key(&thing) {
                    states.held.insert(thing, event);
                    continue;
                }
                states.sent.insert(thing, now);
            }
            self.send(event);
        }
    }

    /// Sends the held states whose time is up; the server runs it every
    /// [`COALESCE`] / 2 ([`Hub::release_held`]).
    fn release_due(&self) {
        let now = std::time::Instant::now();
        let due: Vec<StagedEvent> = {
            let mut states = lock(&self.states);
            let States { sent, held } = &mut *states;
            let things: Vec<Thing> = held
                .keys()
                .filter(|thing| {
                    sent.get(*thing)
                        .is_none_or(|at| now.duration_since(*at) >= COALESCE)
                })
                .copied()
                .collect();
            things
                .into_iter()
                .filter_map(|thing| {
                    sent.insert(thing, now);
                    held.remove(&thing)
                })
                .collect()
        };
        for event in due {
            self.send(event);
        }
    }

    /// Sends held states as their time comes, until `stop`.
    pub fn release_held(
        self: &Arc<Self>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let hub = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(COALESCE / 2);
            loop {
                tokio::select! {
                    _ = ticks.tick() => hub.release_due(),
                    _ = stop.wait_for(|stop| *stop) => return,
                }
            }
        })
    }

    fn send(&self, event: StagedEvent) {
        let channel = self.channel(event.domain);
        let mut kept = lock(&channel.kept);
        kept.last_id += 1;
        let event = Arc::new(Event {
            id: kept.last_id,
            name: event.name,
            data: event.data,
            audience: event.audience,
        });
        if kept.backlog.len() == BACKLOG {
            kept.backlog.pop_front();
        }
        kept.backlog.push_back(event.clone());
        match &event.audience {
            Audience::Everyone => {
                for id in kept.readers.keys() {
                    kept.deliver(*id, &event);
                }
            }
            Audience::Accounts(accounts) => {
                for account in accounts {
                    for id in kept.by_account.get(account).into_iter().flatten() {
                        kept.deliver(*id, &event);
                    }
                }
            }
        }
    }

    /// Opens a stream of `domain`'s events for `account`, replaying those
    /// after `last_id` that it may read.
    pub fn subscribe(
        self: &Arc<Self>,
        domain: &'static str,
        account: i64,
        last_id: Option<u64>,
    ) -> Result<Subscription, Refused> {
        let (per_account, total) = *lock(&self.caps);
        {
            let mut open = lock(&self.open);
            let mine = open.entry((domain, account)).or_default();
            if *mine >= per_account {
                return Err(Refused::PerAccount(per_account));
            }
            if self.total.load(Ordering::Relaxed) >= total {
                return Err(Refused::Total(total));
            }
            *mine += 1;
            self.total.fetch_add(1, Ordering::Relaxed);
        }
        let channel = self.channel(domain);
        let mut kept = lock(&channel.kept);
        let (queue, receiver) = tokio::sync::mpsc::channel(BACKLOG);
        let lost = Arc::new(AtomicU64::new(0));
        let reader = kept.next_reader;
        kept.next_reader += 1;
        kept.readers.insert(
            reader,
            Reader {
                queue,
                missed: lost.clone(),
            },
        );
        kept.by_account.entry(account).or_default().push(reader);
        let mut replay = VecDeque::new();
        let mut missed = 0;
        if let Some(last_id) = last_id.filter(|id| *id < kept.last_id) {
            let oldest = kept.backlog.front().map_or(kept.last_id + 1, |e| e.id);
            missed = oldest.saturating_sub(last_id + 1);
            replay.extend(
                kept.backlog
                    .iter()
                    .filter(|e| e.id > last_id && e.audience.includes(account))
                    .cloned(),
            );
        }
        drop(kept);
        let open = Opened {
            hub: self.clone(),
            channel,
            domain,
            account,
            reader,
        };
        Ok(Subscription {
            feed: Feed {
                replay,
                missed,
                live: Live::Queue(receiver, lost),
                closed: self.closed.subscribe(),
            },
            account,
            _open: open,
        })
    }
}

/// Counts a stream as open, and keeps its queue, until it is dropped.
struct Opened {
    hub: Arc<Hub>,
    channel: Arc<Channel>,
    domain: &'static str,
    account: i64,
    reader: u64,
}

impl Drop for Opened {
    fn drop(&mut self) {
        {
            let mut kept = lock(&self.channel.kept);
            kept.readers.remove(&self.reader);
            if let Some(readers) = kept.by_account.get_mut(&self.account) {
                readers.retain(|id| *id != self.reader);
                if readers.is_empty() {
                    kept.by_account.remove(&self.account);
                }
            }
        }
        let mut open = lock(&self.hub.open);
        if let Some(count) = open.get_mut(&(self.domain, self.account)) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&(self.domain, self.account));
            }
        }
        self.hub.total.fetch_sub(1, Ordering::Relaxed);
    }
}

/// An open stream's source: what to replay, then the live feed.
pub struct Subscription {
    feed: Feed<Arc<Event>>,
    account: i64,
    _open: Opened,
}

/// What any live stream reads: items to replay, how many were lost before
/// them, the live feed, and the server's stop.
pub struct Feed<T> {
    pub replay: VecDeque<T>,
    /// Items lost before the replay (too old to keep).
    pub missed: u64,
    pub live: Live<T>,
    pub closed: tokio::sync::watch::Receiver<bool>,
}

/// Where live items come from: a broadcast every reader shares (the
/// request log), or this reader's own bounded queue and the count of
/// items it had no room for (a domain's events).
pub enum Live<T> {
    Broadcast(broadcast::Receiver<T>),
    Queue(tokio::sync::mpsc::Receiver<T>, Arc<AtomicU64>),
}

impl<T: Clone> Live<T> {
    async fn recv(&mut self) -> Result<T, broadcast::error::RecvError> {
        match self {
            Live::Broadcast(live) => live.recv().await,
            Live::Queue(queue, missed) => {
                let mut lost = missed.swap(0, Ordering::Relaxed);
                if lost > 0 {
                    // Skipped ahead: what waits is older than what was
                    // lost, so it goes too, and the reader starts afresh.
                    while queue.try_recv().is_ok() {
                        lost += 1;
                    }
                    return Err(broadcast::error::RecvError::Lagged(lost));
                }
                queue
                    .recv()
                    .await
                    .ok_or(broadcast::error::RecvError::Closed)
            }
        }
    }
}

pub use crate::session::StillValid;

/// A stream that lasts only as long as a session: it asks `still_valid`
/// whenever committed writes ended sessions, and at every heartbeat.
pub struct SessionGuard {
    pub ended: Arc<crate::session::Ended>,
    pub still_valid: StillValid,
}

fn sse_event(event: &Event) -> warp::sse::Event {
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
fn events_of<T, R, K>(
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
            .and_then(|id| id.trim().parse().ok())
    });
    let subscription = hub.subscribe(domain, account, last_id)?;
    Ok(respond(subscription, guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(name: &'static str, audience: Audience) -> StagedEvent {
        StagedEvent {
            domain: "test",
            name,
            data: "{}".into(),
            audience,
            latest_of: None,
        }
    }

    #[test]
    fn resume_replays_only_what_the_account_may_read_and_counts_what_is_gone() {
        let hub = Arc::new(Hub::default());
        let mut batch = Vec::new();
        for i in 0..(BACKLOG + 10) {
            let audience = if i % 2 == 0 {
                Audience::Everyone
            } else {
                Audience::Accounts(vec![7])
            };
            batch.push(staged("e", audience));
        }
        hub.publish(Staged { events: batch });
        let sub = hub.subscribe("test", 8, Some(3)).unwrap();
        // Ids 1..=10 fell out of the backlog; 4..=10 were never replayed.
        assert_eq!(sub.feed.missed, 7);
        assert!(
            sub.feed
                .replay
                .iter()
                .all(|e| e.audience == Audience::Everyone)
        );
        assert_eq!(sub.feed.replay.len(), BACKLOG / 2);
        let mine = hub
            .subscribe("test", 7, Some((BACKLOG + 8) as u64))
            .unwrap();
        assert_eq!(mine.feed.missed, 0);
        assert_eq!(
            mine.feed.replay.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![(BACKLOG + 9) as u64, (BACKLOG + 10) as u64]
        );
    }

    #[tokio::test]
    async fn a_reader_that_falls_behind_is_skipped_ahead_and_told() {
        use futures_util::StreamExt;
        let hub = Arc::new(Hub::default());
        let sub = hub.subscribe("test", 1, None).unwrap();
        // The reader reads nothing while BACKLOG + 44 events are sent.
        let batch = (0..BACKLOG + 44)
            .map(|_| staged("e", Audience::Everyone))
            .collect();
        hub.publish(Staged { events: batch });
        let Subscription { feed, _open, .. } = sub;
        let render = |event: &Arc<Event>| Some(sse_event(event));
        let mut events = Box::pin(events_of(feed, render, None, _open));
        let first = events.next().await.unwrap().unwrap().to_string();
        let missed = BACKLOG + 44;
        assert!(
            first.contains(&format!("event:skipped\ndata:{{\"missed\":{missed}}}")),
            "{first}"
        );
        // Then live from there on.
        hub.publish(Staged {
            events: vec![staged("e", Audience::Everyone)],
        });
        let next = events.next().await.unwrap().unwrap().to_string();
        assert!(next.contains(&format!("id:{}\n", missed + 1)), "{next}");
        // What is kept for the live feed is bounded by BACKLOG, whatever
        // the reader does.
        assert!(hub.channel("test").kept.lock().unwrap().backlog.len() <= BACKLOG);
    }

    #[test]
    fn a_busy_things_states_go_out_at_most_every_coalesce_and_the_last_always() {
        let hub = Arc::new(Hub::default());
        let state = |free: i64| StagedEvent {
            data: format!(r#"{{"free":{free}}}"#),
            latest_of: Some(1),
            ..staged("lot", Audience::Everyone)
        };
        let publish = |events: Vec<StagedEvent>| hub.publish(Staged { events });
        publish(vec![state(3), state(2)]);
        publish(vec![state(1)]);
        let sent = |hub: &Hub| {
            lock(&hub.channel("test").kept)
                .backlog
                .iter()
                .map(|e| e.data.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(sent(&hub), [r#"{"free":3}"#]);
        hub.release_due();
        assert_eq!(sent(&hub).len(), 1, "held until COALESCE has passed");
        std::thread::sleep(COALESCE);
        hub.release_due();
        assert_eq!(sent(&hub), [r#"{"free":3}"#, r#"{"free":1}"#]);
    }

    #[test]
    fn caps_hold_and_free_on_drop() {
        let hub = Arc::new(Hub::default());
        hub.set_caps(2, 3);
        let a = hub.subscribe("test", 1, None).unwrap();
        let _b = hub.subscribe("test", 1, None).unwrap();
        assert_eq!(
            hub.subscribe("test", 1, None).err(),
            Some(Refused::PerAccount(2))
        );
        let _c = hub.subscribe("test", 2, None).unwrap();
        assert_eq!(
            hub.subscribe("test", 3, None).err(),
            Some(Refused::Total(3))
        );
        drop(a);
        assert_eq!(hub.total.load(Ordering::Relaxed), 2);
        assert!(hub.subscribe("test", 1, None).is_ok());
    }
}
