//! Savepoints inside a transaction: an undo log of page versions.
//!
//! A savepoint remembers, for each page first changed after it, what the
//! transaction had for that page just before: the dirty version (if any) and
//! the spilled frame (if any). Page versions are shared `Arc`s, so recording
//! one costs a reference count, and the change that follows copies the page
//! (copy-on-write) instead of editing the remembered version. Rolling back
//! to a savepoint replays the undo logs from the innermost savepoint out;
//! releasing one folds its log into its parent, keeping the parent's older
//! entries. The SQL layer uses this for statement atomicity and SAVEPOINT.

use rustc_hash::FxHashMap;

use super::txn::Transaction;
use crate::header::DbHeader;
use crate::page::{PageNo, PageRef};
use crate::wal::FrameNo;
use crate::{err, Result, SqlState};

/// How a page was before its first change since a savepoint.
pub(super) struct UndoEntry {
    pub dirty: Option<PageRef>,
    pub spilled: Option<FrameNo>,
}

#[derive(Default)]
pub(super) struct Savepoint {
    pub undo: FxHashMap<PageNo, UndoEntry>,
    /// The header and its dirty flag before the first header change.
    pub header: Option<(DbHeader, bool)>,
}

/// Identifies a savepoint: its depth in the transaction's stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavepointId(usize);

impl Transaction {
    /// Starts a savepoint nested inside any existing ones.
    pub fn savepoint(&mut self) -> SavepointId {
        self.savepoints.push(Savepoint::default());
        SavepointId(self.savepoints.len() - 1)
    }

    /// Forgets savepoint `id` and those inside it, keeping their changes.
    pub fn release_savepoint(&mut self, id: SavepointId) -> Result<()> {
        self.check_savepoint(id)?;
        while self.savepoints.len() > id.0 {
            let Some(inner) = self.savepoints.pop() else {
                break;
            };
            if let Some(parent) = self.savepoints.last_mut() {
                for (no, entry) in inner.undo {
                    parent.undo.entry(no).or_insert(entry);
                }
                if parent.header.is_none() {
                    parent.header = inner.header;
                }
            }
        }
        Ok(())
    }

    /// Undoes every change made since savepoint `id`, which stays active.
    pub fn rollback_to_savepoint(&mut self, id: SavepointId) -> Result<()> {
        self.check_savepoint(id)?;
        let undone: Vec<Savepoint> = self.savepoints.drain(id.0..).collect();
        self.savepoints.push(Savepoint::default());
        let Some(w) = self.write.as_mut() else {
            return Ok(());
        };
        for sp in undone.into_iter().rev() {
            for (no, entry) in sp.undo {
                match entry.dirty {
                    Some(page) => w.dirty.insert(no, page),
                    None => drop(w.dirty.remove(no)),
                }
                match entry.spilled {
                    Some(frame) => w.spilled.insert(no, frame),
                    None => w.spilled.remove(&no),
                };
            }
            if let Some((header, dirty)) = sp.header {
                w.header = header;
                w.header_dirty = dirty;
            }
        }
        w.generation += 1;
        Ok(())
    }

    /// Savepoints currently active.
    pub fn savepoint_depth(&self) -> usize {
        self.savepoints.len()
    }

    fn check_savepoint(&self, id: SavepointId) -> Result<()> {
        if id.0 >= self.savepoints.len() {
            return Err(err!(
                SqlState::INVALID_TRANSACTION_STATE,
                "savepoint does not exist"
            ));
        }
        Ok(())
    }
}
