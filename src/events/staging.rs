//! Staging: what a write transaction will tell, kept on the writer
//! thread until the transaction ends.

use super::*;
use std::cell::RefCell;
/// What the transaction in progress on the writer thread will tell.
#[derive(Default)]
pub(crate) struct Staged {
    pub(super) events: Vec<StagedEvent>,
}

impl Staged {
    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

pub(super) struct StagedEvent {
    pub(super) domain: &'static str,
    pub(super) name: &'static str,
    pub(super) data: String,
    pub(super) audience: Audience,
    /// For the state of one thing (a lot's free spots): only the latest
    /// within [`COALESCE`] is sent.
    pub(super) latest_of: Option<i64>,
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
