//! Group commit, shown deterministically: a VFS whose WAL flushes wait at a
//! gate the test opens, so commits can be made to queue behind a flush.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::*;
use crate::header::get_u64;
use crate::page::{PageRead, PageWrite};
use crate::vfs::{LockMode, MemoryVfs, Vfs, VfsFile};

/// Memory files whose WAL `sync` reports that it started and then waits
/// until the test lets it finish.
struct GatedVfs {
    inner: MemoryVfs,
    gate: Arc<Gate>,
}

/// What a gated flush does when let go: succeed, or fail.
type Verdict = std::result::Result<(), ()>;

struct Gate {
    started: Mutex<Sender<()>>,
    open: Mutex<Receiver<Verdict>>,
    /// Whether flushes wait at all (off while the test sets up).
    closed: Mutex<bool>,
}

struct GatedFile {
    inner: Arc<dyn VfsFile>,
    gate: Option<Arc<Gate>>,
}

impl Vfs for GatedVfs {
    fn open(&self, path: &str, create: bool) -> Result<Arc<dyn VfsFile>> {
        let inner = self.inner.open(path, create)?;
        let gate = path.ends_with("-wal").then(|| self.gate.clone());
        Ok(Arc::new(GatedFile { inner, gate }))
    }
    fn exists(&self, path: &str) -> Result<bool> {
        self.inner.exists(path)
    }
    fn delete(&self, path: &str) -> Result<()> {
        self.inner.delete(path)
    }
}

impl VfsFile for GatedFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        self.inner.read_at(buf, offset)
    }
    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        self.inner.write_at(buf, offset)
    }
    fn sync(&self) -> Result<()> {
        if let Some(gate) = &self.gate {
            if *gate.closed.lock().unwrap() {
                gate.started.lock().unwrap().send(()).unwrap();
                let verdict = gate.open.lock().unwrap().recv().unwrap();
                if verdict.is_err() {
                    return Err(err!(SqlState::IO_ERROR, "injected flush failure"));
                }
            }
        }
        self.inner.sync()
    }
    fn truncate(&self, size: u64) -> Result<()> {
        self.inner.truncate(size)
    }
    fn size(&self) -> Result<u64> {
        self.inner.size()
    }
    fn lock(&self, mode: LockMode) -> Result<()> {
        self.inner.lock(mode)
    }
    fn unlock(&self) -> Result<()> {
        self.inner.unlock()
    }
}

/// A pager on a gated VFS with pages 1..=3 tagged 0, plus the test's ends
/// of the gate: flush-started notices, and the switch that lets one finish.
fn gated() -> (Arc<Pager>, GatedVfs, Receiver<()>, Sender<Verdict>) {
    let (started_tx, started) = channel();
    let (open, open_rx) = channel();
    let vfs = GatedVfs {
        inner: MemoryVfs::new(),
        gate: Arc::new(Gate {
            started: Mutex::new(started_tx),
            open: Mutex::new(open_rx),
            closed: Mutex::new(false),
        }),
    };
    let options = PagerOptions {
        busy_timeout: Duration::from_secs(30),
        autocheckpoint: 0,
        ..PagerOptions::default()
    };
    let pager = Pager::open(&vfs, "g.db", options).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    for _ in 0..3 {
        let no = txn.allocate().unwrap();
        txn.page_mut(no).unwrap()[..8].copy_from_slice(&0u64.to_le_bytes());
    }
    txn.commit().unwrap();
    *vfs.gate.closed.lock().unwrap() = true;
    (pager, vfs, started, open)
}

fn tag(txn: &Transaction, no: PageNo) -> u64 {
    get_u64(&txn.page(no).unwrap(), 0)
}

/// Commits `value` into page `no` on a thread; the handle yields the result.
fn commit_on_thread(
    pager: &Arc<Pager>,
    no: PageNo,
    value: u64,
) -> thread::JoinHandle<Result<FrameNo>> {
    let pager = pager.clone();
    thread::spawn(move || {
        let mut txn = pager.begin(TxnMode::Immediate)?;
        txn.page_mut(no)?[..8].copy_from_slice(&value.to_le_bytes());
        txn.commit()
    })
}

/// Waits until `pager`'s tip reaches `frame` (a commit was written).
fn wait_for_tip(pager: &Pager, frame: FrameNo) {
    while pager.shared().tip.frame < frame {
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn commits_queued_behind_a_flush_share_the_next_one() {
    let (pager, _vfs, started, open) = gated();
    let first = commit_on_thread(&pager, 1, 11);
    started.recv().unwrap();
    // The first commit is written and flushing; the write lock is free, so
    // two more commits get written and queue behind that flush.
    let tip = pager.shared().tip.frame;
    let second = commit_on_thread(&pager, 2, 22);
    wait_for_tip(&pager, tip + 1);
    let third = commit_on_thread(&pager, 3, 33);
    wait_for_tip(&pager, tip + 2);
    open.send(Ok(())).unwrap();
    let f1 = first.join().unwrap().unwrap();
    // One more flush covers both queued commits.
    started.recv().unwrap();
    open.send(Ok(())).unwrap();
    let f2 = second.join().unwrap().unwrap();
    let f3 = third.join().unwrap().unwrap();
    assert!(f1 < f2 && f2 < f3);
    assert!(
        started.try_recv().is_err(),
        "three commits took more than two flushes"
    );
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!((tag(&txn, 1), tag(&txn, 2), tag(&txn, 3)), (11, 22, 33));
}

#[test]
fn readers_see_a_commit_only_once_it_is_durable_and_writers_build_on_it() {
    let (pager, _vfs, started, open) = gated();
    let first = commit_on_thread(&pager, 1, 11);
    started.recv().unwrap();
    // Written, not flushed: a reader still sees the old value...
    let reader = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!(tag(&reader, 1), 0);
    // ...while a writer builds on the written commit.
    let writer = pager.begin(TxnMode::Immediate).unwrap();
    assert_eq!(tag(&writer, 1), 11);
    drop(writer);
    open.send(Ok(())).unwrap();
    first.join().unwrap().unwrap();
    assert_eq!(tag(&reader, 1), 0, "a snapshot does not move");
    let later = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!(tag(&later, 1), 11);
}

#[test]
fn a_failed_flush_fails_every_commit_it_covered_and_reopens_without_them() {
    let (pager, vfs, started, open) = gated();
    let first = commit_on_thread(&pager, 1, 11);
    started.recv().unwrap();
    let tip = pager.shared().tip.frame;
    let second = commit_on_thread(&pager, 2, 22);
    wait_for_tip(&pager, tip + 1);
    // The first flush fails: the first commit fails, and the second, which
    // was written after it and may not outlive it, fails too.
    open.send(Err(())).unwrap();
    // The WAL is cut back to the last durable commit, and that is flushed.
    started.recv().unwrap();
    open.send(Ok(())).unwrap();
    let e = first.join().unwrap().unwrap_err();
    assert_eq!(e.code(), SqlState::IO_ERROR);
    let e = second.join().unwrap().unwrap_err();
    assert_eq!(e.code(), SqlState::IO_ERROR);
    // Further writes are refused until the database is reopened.
    assert!(pager
        .begin(TxnMode::Immediate)
        .and_then(|mut t| t.page_mut(3).map(|_| ()))
        .is_err());
    let reader = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!((tag(&reader, 1), tag(&reader, 2)), (0, 0));
    drop(reader);
    drop(pager);
    *vfs.gate.closed.lock().unwrap() = false;
    let pager = Pager::open(&vfs, "g.db", PagerOptions::default()).unwrap();
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!((tag(&txn, 1), tag(&txn, 2)), (0, 0));
    drop(txn);
    // And the reopened database takes commits again.
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    txn.page_mut(2).unwrap()[..8].copy_from_slice(&5u64.to_le_bytes());
    txn.commit().unwrap();
}
