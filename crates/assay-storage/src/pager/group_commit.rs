//! Group commit: one WAL flush acknowledges every commit written before it.
//!
//! With `synchronous = full` a commit is acknowledged only once its frames
//! are on stable storage, and a flush costs milliseconds on real disks. If
//! the writer held the write lock through its flush, commits would be
//! strictly serial, each paying a whole flush. Instead a commit goes in two
//! steps:
//!
//! 1. **Written** (write lock held): the frames are appended to the WAL and
//!    become the *tip*, the state the next writer builds on. Readers do not
//!    see it yet: new snapshots still start at the last *durable* commit.
//! 2. **Durable** (write lock released, so the next writer proceeds): the
//!    committer waits until a flush covers its commit frame. If no flush is
//!    running it runs one itself, covering everything written so far — its
//!    own commit and any later ones — and then publishes the newest covered
//!    commit to readers and wakes everyone that flush made durable.
//!
//! So while one flush runs, the commits that follow queue up behind it and
//! share the next one, as PostgreSQL's group commit does. A commit is
//! visible to readers only once durable, and the WAL is a log in order, so a
//! writer that built on a pending commit is durable only after it.
//!
//! If a flush fails, nothing it covered can be vouched for: the WAL is cut
//! back to the last durable commit, the waiting commits fail with the I/O
//! error, and the pager refuses further writes until the database is
//! reopened (recovery then finds exactly the acknowledged commits). With `synchronous = normal` or `off` a written commit is
//! published at once and nobody waits.

use std::sync::{Condvar, Mutex};

use super::{Pager, Snapshot, Synchronous};
use crate::wal::FrameNo;
use crate::{err, Result, SqlState};

/// The flush state shared by committers, under `Pager::durability`.
#[derive(Default)]
pub(super) struct Durability {
    state: Mutex<FlushState>,
    flushed: Condvar,
}

#[derive(Default)]
struct FlushState {
    /// Every commit up to this frame is on stable storage.
    durable: FrameNo,
    /// A committer is flushing the WAL now.
    flushing: bool,
    /// Why a flush failed; every later wait fails with it.
    failed: Option<String>,
}

impl Durability {
    pub fn new(durable: FrameNo) -> Durability {
        Durability {
            state: Mutex::new(FlushState {
                durable,
                ..FlushState::default()
            }),
            flushed: Condvar::new(),
        }
    }
}

impl Pager {
    /// Whether commits wait for a flush (and so are published late).
    pub(super) fn commits_wait_for_flush(&self) -> bool {
        self.options.synchronous == Synchronous::Full
    }

    /// Records a commit that was just written to the WAL (write lock held):
    /// it becomes the tip, and is published now unless it must wait for a
    /// flush.
    pub(super) fn note_written(&self, commit: Snapshot) {
        let mut st = self.shared_mut();
        st.tip = commit;
        if self.commits_wait_for_flush() {
            st.pending.push_back(commit);
        } else {
            st.last_commit = commit.frame;
            st.db_pages = commit.db_pages;
        }
    }

    /// Waits until the commit at `frame` is durable, flushing the WAL if no
    /// one else is; see the module documentation.
    pub(super) fn wait_durable(&self, frame: FrameNo) -> Result<()> {
        if !self.commits_wait_for_flush() {
            return Ok(());
        }
        let d = &self.durability;
        let mut fs = d.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(why) = &fs.failed {
                return Err(err!(
                    SqlState::IO_ERROR,
                    "could not make the commit durable: {why}"
                ));
            }
            if fs.durable >= frame {
                return Ok(());
            }
            if fs.flushing {
                fs = d.flushed.wait(fs).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            fs.flushing = true;
            drop(fs);
            // Everything written before this read is covered by the flush.
            let target = self.shared().tip.frame;
            let flushed = self.wal.sync();
            fs = d.state.lock().unwrap_or_else(|e| e.into_inner());
            fs.flushing = false;
            match flushed {
                Ok(()) => {
                    fs.durable = fs.durable.max(target);
                    self.publish_durable(target);
                }
                Err(e) => {
                    let why = e.message().to_string();
                    self.abandon_pending(&why);
                    fs.failed = Some(why);
                }
            }
            d.flushed.notify_all();
        }
    }

    /// Makes every pending commit up to `frame` visible to new snapshots.
    fn publish_durable(&self, frame: FrameNo) {
        let mut st = self.shared_mut();
        while let Some(&commit) = st.pending.front() {
            if commit.frame > frame {
                break;
            }
            st.pending.pop_front();
            st.last_commit = commit.frame;
            st.db_pages = commit.db_pages;
        }
    }

    /// After a failed flush: cuts the WAL back to the end of the last
    /// durable commit, so that no commit whose caller is told it failed can
    /// come back on reopening, and refuses further writes (the pending
    /// commits' pages and frame numbers are still in the index and cache)
    /// until the database is reopened.
    fn abandon_pending(&self, why: &str) {
        let mut st = self.shared_mut();
        let h = st.wal.header;
        let end = if st.last_commit >= h.start_frame {
            h.frame_offset(st.last_commit + 1)
        } else {
            0
        };
        let _ = self.wal.truncate(end).and_then(|()| self.wal.sync());
        st.poisoned = Some(format!("WAL flush failed: {why}"));
    }

    /// Flushes and publishes every written commit (write lock held), so
    /// that the tip and the last durable commit agree, as checkpoints need.
    pub(super) fn settle(&self) -> Result<()> {
        let tip = self.shared().tip.frame;
        self.wait_durable(tip)
    }
}
