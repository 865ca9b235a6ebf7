//! Staging: what a write transaction will tell, kept on that
//! transaction until it commits.

use super::*;
use crate::db::Write;

/// The events a write transaction staged.
#[derive(Default)]
pub(crate) struct Staged {
    pub(super) events: Vec<StagedEvent>,
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

/// Stages an event on `write`: it is sent when that transaction commits
/// and dropped if it rolls back.
pub fn stage<T: Serialize>(
    write: &Write,
    domain: &'static str,
    name: &'static str,
    data: &T,
    audience: Audience,
) {
    stage_event(write, domain, name, data, audience, None);
}

/// Stages the new state of thing `id` (a lot's free spots): sent at once,
/// unless the last state of the same thing went out less than
/// [`COALESCE`] ago; then only the latest state goes out when that time is
/// up. A busy lot cannot flood every stream, and the last state always
/// arrives.
pub fn stage_state<T: Serialize>(
    write: &Write,
    domain: &'static str,
    name: &'static str,
    id: i64,
    data: &T,
    audience: Audience,
) {
    stage_event(write, domain, name, data, audience, Some(id));
}

fn stage_event<T: Serialize>(
    write: &Write,
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
    write.stage(|staged: &mut Staged| {
        staged.events.push(StagedEvent {
            domain,
            name,
            data,
            audience,
            latest_of,
        })
    });
}
