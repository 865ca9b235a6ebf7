//! The hub: each domain's channel, its backlog and the open streams'
//! queues, and the states held back between sends.

use super::staging::StagedEvent;
use super::*;
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

/// The hub hears of every committed write: the events it staged go out.
impl crate::db::CommitObserver for Hub {
    fn committed(&self, staged: &mut crate::db::Staged) {
        if let Some(events) = staged.take::<Staged>() {
            self.publish(events);
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
pub(super) struct Opened {
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
    pub(super) feed: Feed<Arc<Event>>,
    pub(super) account: i64,
    pub(super) _open: Opened,
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
    pub(super) async fn recv(&mut self) -> Result<T, broadcast::error::RecvError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::sse::{events_of, sse_event};

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
