//! A write transaction, and what it holds back until it ends.
//!
//! A write that tells others something (an event for open streams, "these
//! sessions ended") stages it on the [`Write`] it runs in. The database
//! layer keeps the staged parts without knowing what they are and hands
//! them to the commit observers once the transaction commits; a rollback
//! drops them. A function that tells takes a `&Write`, so its signature
//! says so, and nothing outside a write transaction can call it.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::Error;

/// One `BEGIN IMMEDIATE` transaction and what it staged. It reads and
/// writes like the transaction it wraps.
pub struct Write<'conn> {
    tx: Transaction<'conn>,
    staged: RefCell<Staged>,
}

impl<'conn> Deref for Write<'conn> {
    type Target = Transaction<'conn>;

    fn deref(&self) -> &Transaction<'conn> {
        &self.tx
    }
}

impl Write<'_> {
    /// Adds to this write's part of kind `T` (each layer above keeps its
    /// own kind), told once the write commits.
    pub fn stage<T: Default + Send + 'static>(&self, add: impl FnOnce(&mut T)) {
        let mut staged = self.staged.borrow_mut();
        let part = staged
            .parts
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        if let Some(part) = part.downcast_mut::<T>() {
            add(part);
        }
    }
}

/// What a committed write staged, by kind.
#[derive(Default)]
pub struct Staged {
    parts: HashMap<TypeId, Box<dyn Any + Send>>,
}

impl Staged {
    /// Takes the part of kind `T`, if the write staged one.
    pub fn take<T: 'static>(&mut self) -> Option<T> {
        let part = self.parts.remove(&TypeId::of::<T>())?;
        part.downcast::<T>().ok().map(|part| *part)
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

/// Runs `f` in one `BEGIN IMMEDIATE` transaction on `conn`: committed when
/// it returns `Ok` (then its staged parts come back with the value),
/// rolled back when it returns `Err`.
pub(super) fn in_transaction<T, E, F>(conn: &mut Connection, f: F) -> Result<(T, Staged), E>
where
    F: FnOnce(&Write) -> Result<T, E>,
    E: From<Error>,
{
    let write = begin(conn)?;
    let value = f(&write)?;
    Ok((value, commit(write)?))
}

/// `BEGIN IMMEDIATE`. This and [`commit`] are the non-generic ends of
/// [`in_transaction`], one copy for every kind of write.
fn begin(conn: &mut Connection) -> Result<Write<'_>, Error> {
    Ok(Write {
        tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?,
        staged: RefCell::default(),
    })
}

fn commit(write: Write) -> Result<Staged, Error> {
    let Write { tx, staged } = write;
    tx.commit()?;
    Ok(staged.into_inner())
}
