//! A VFS that fails on cue and loses power on demand, for crash tests.
//!
//! [`FaultVfs`] wraps another [`Vfs`] and passes every call through, except
//! where a test has planned otherwise. It does three things:
//!
//! 1. **Planned faults.** A [`Fault`] names an operation kind ([`Op`]), a
//!    count `n` and optionally a path suffix (`"-wal"`): the `n`-th matching
//!    operation *after the fault is planned* gets the fault's [`Effect`]
//!    instead of (or besides) its normal one — an injected error, a torn
//!    write that stores only a prefix of the buffer, a lost write or a lying
//!    fsync. A fault may also cut the power, after which every operation
//!    fails until the next [`FaultVfs::crash`]. Each fault fires once.
//! 2. **Counters.** [`FaultVfs::counts`] reports the reads, writes, syncs and
//!    truncates done so far, so a test can count the operations of a commit
//!    once, then replay it with a fault at each step `1..=n`.
//! 3. **Crashes.** Every file has a *durable image* (what a power loss would
//!    leave on disk) besides its current contents (held by the inner VFS). A
//!    `sync` folds the file's pending writes into the durable image;
//!    [`FaultVfs::crash`] throws them away, so the files again hold only
//!    what was synced, and the VFS can be used again as after a reboot.
//!    [`Crash::Torn`] instead keeps a random, seeded part of each unsynced
//!    write, sector by sector (a torn page); [`Crash::KeepUnsynced`] keeps
//!    them all (the process was killed, the OS survived).
//!
//! Also a **disk budget** ([`FaultVfs::set_disk_budget`]): files may grow by
//! at most so many more bytes in total; a write or truncate that would grow
//! them further fails with SQLSTATE 53100 (disk_full) and changes nothing.
//!
//! Injected errors carry SQLSTATE 58030 (io_error) or 53100 and say
//! "injected" in the message. Everything is deterministic: one mutex orders
//! all operations, and torn crashes draw from a seeded generator.
//!
//! The model's simplifications: creating and deleting files are durable at
//! once (only contents and lengths can be lost); a path must always be
//! spelled the same way; all access to the files must go through this VFS;
//! the durable images are held in memory (fine for test-sized databases).
//!
//! ```
//! use std::sync::Arc;
//! use assay_storage::vfs::{Fault, FaultVfs, Vfs};
//!
//! let vfs = FaultVfs::memory();
//! let file = vfs.open("db", true).unwrap();
//! file.write_at(b"synced", 0).unwrap();
//! file.sync().unwrap();
//! file.write_at(b"LOST!!", 0).unwrap();
//!
//! // The next write to a file ending in "-wal" tears after 3 bytes.
//! vfs.inject(Fault::write(1).on_file("-wal").torn(3).power_off());
//! let wal = vfs.open("db-wal", true).unwrap();
//! let err = wal.write_at(b"frame", 0).unwrap_err();
//! assert_eq!(err.code().as_str(), "58030");
//! assert!(vfs.is_powered_off());
//!
//! vfs.crash().unwrap(); // power back on; unsynced data is gone
//! let file = vfs.open("db", false).unwrap();
//! let mut buf = [0; 6];
//! file.read_exact_at(&mut buf, 0).unwrap();
//! assert_eq!(&buf, b"synced");
//! assert_eq!(vfs.open("db-wal", false).unwrap().size().unwrap(), 0);
//! ```

mod image;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use super::{LockMode, MemoryVfs, Vfs, VfsFile};
use crate::{err, Error, Result, SqlState};
use image::{Image, Pending, SplitMix64};

pub use image::Crash;

/// The kinds of file operation a [`Fault`] can fall on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    Write,
    Sync,
    Truncate,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::Write => "write",
            Op::Sync => "fsync",
            Op::Truncate => "truncate",
        }
    }
}

/// What a fault does to the operation it falls on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing happens and the operation returns an injected error (58030).
    Fail,
    /// A write stores only its first `keep` bytes, then fails (or, if
    /// `silent`, reports success). A sync or truncate acts as `Fail`, or as
    /// `Lost` if silent; a read fails.
    Torn { keep: usize, silent: bool },
    /// The operation reports success but does nothing: a lost write, an
    /// fsync that lies, a truncate that never happened. A read fails.
    Lost,
    /// The operation happens normally; useful with [`Fault::power_off`] to
    /// cut the power right after it.
    Complete,
}

/// One planned fault: which operation it falls on and what it does there.
///
/// Built with [`Fault::write`] (or `read`, `sync`, `truncate`) and refined
/// with the other methods; planned with [`FaultVfs::inject`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    op: Op,
    nth: u64,
    path_suffix: Option<String>,
    effect: Effect,
    power_off: bool,
}

impl Fault {
    /// Fails the `nth` (from 1) operation of kind `op` after being planned.
    pub fn new(op: Op, nth: u64) -> Fault {
        Fault {
            op,
            nth: nth.max(1),
            path_suffix: None,
            effect: Effect::Fail,
            power_off: false,
        }
    }

    /// Fails the `nth` read from now.
    pub fn read(nth: u64) -> Fault {
        Fault::new(Op::Read, nth)
    }

    /// Fails the `nth` write from now.
    pub fn write(nth: u64) -> Fault {
        Fault::new(Op::Write, nth)
    }

    /// Fails the `nth` sync from now.
    pub fn sync(nth: u64) -> Fault {
        Fault::new(Op::Sync, nth)
    }

    /// Fails the `nth` truncate from now.
    pub fn truncate(nth: u64) -> Fault {
        Fault::new(Op::Truncate, nth)
    }

    /// Counts only operations on files whose path ends with `suffix`.
    pub fn on_file(mut self, suffix: impl Into<String>) -> Fault {
        self.path_suffix = Some(suffix.into());
        self
    }

    /// Sets what the fault does (the default is [`Effect::Fail`]).
    pub fn effect(mut self, effect: Effect) -> Fault {
        self.effect = effect;
        self
    }

    /// A torn write: stores the first `keep` bytes, then fails.
    pub fn torn(self, keep: usize) -> Fault {
        self.effect(Effect::Torn {
            keep,
            silent: false,
        })
    }

    /// A torn write that reports success.
    pub fn torn_silently(self, keep: usize) -> Fault {
        self.effect(Effect::Torn { keep, silent: true })
    }

    /// The operation reports success without happening.
    pub fn lost(self) -> Fault {
        self.effect(Effect::Lost)
    }

    /// The operation happens normally (then, with `power_off`, power fails).
    pub fn completes(self) -> Fault {
        self.effect(Effect::Complete)
    }

    /// After the fault's effect, the power is off: every operation fails
    /// until [`FaultVfs::crash`].
    pub fn power_off(mut self) -> Fault {
        self.power_off = true;
        self
    }

    fn matches(&self, op: Op, path: &str) -> bool {
        self.op == op
            && self
                .path_suffix
                .as_deref()
                .is_none_or(|suffix| path.ends_with(suffix))
    }
}

/// Operations done so far (attempted while the power was on, including
/// those a fault made fail).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpCounts {
    pub reads: u64,
    pub writes: u64,
    pub syncs: u64,
    pub truncates: u64,
    /// Bytes actually stored by writes (a torn write counts its prefix).
    pub bytes_written: u64,
}

impl OpCounts {
    fn bump(&mut self, op: Op) {
        match op {
            Op::Read => self.reads += 1,
            Op::Write => self.writes += 1,
            Op::Sync => self.syncs += 1,
            Op::Truncate => self.truncates += 1,
        }
    }

    fn add(&mut self, other: &OpCounts) {
        self.reads += other.reads;
        self.writes += other.writes;
        self.syncs += other.syncs;
        self.truncates += other.truncates;
        self.bytes_written += other.bytes_written;
    }
}

/// A fault-injecting, crash-simulating VFS over another VFS. Cloning shares
/// the same files, plan and counters.
#[derive(Clone)]
pub struct FaultVfs {
    inner: Arc<dyn Vfs>,
    control: Arc<Mutex<Control>>,
}

/// Everything the VFS decides with, behind one mutex so that the order of
/// operations, and hence which one a fault falls on, is well defined.
#[derive(Default)]
struct Control {
    faults: Vec<Armed>,
    fired: u64,
    counts: OpCounts,
    file_counts: HashMap<String, OpCounts>,
    /// Bytes the files may still grow by in total; `None` is unlimited.
    budget: Option<u64>,
    power_off: bool,
    /// Bumped by each crash; a handle from an older epoch is dead.
    epoch: u64,
    paths: HashMap<String, u64>,
    images: HashMap<u64, Image>,
    next_id: u64,
    handles: Vec<Weak<FaultFile>>,
}

struct Armed {
    fault: Fault,
    left: u64,
}

impl FaultVfs {
    /// Wraps `inner`, with no faults planned and no disk budget.
    pub fn new(inner: Arc<dyn Vfs>) -> FaultVfs {
        FaultVfs {
            inner,
            control: Arc::default(),
        }
    }

    /// A `FaultVfs` over a fresh [`MemoryVfs`].
    pub fn memory() -> FaultVfs {
        FaultVfs::new(Arc::new(MemoryVfs::new()))
    }

    /// Plans a fault. Several may be planned; if two fall on the same
    /// operation, the first planned applies and both are spent.
    pub fn inject(&self, fault: Fault) {
        let left = fault.nth;
        self.control().faults.push(Armed { fault, left });
    }

    /// Forgets every planned fault that has not fired.
    pub fn clear_faults(&self) {
        self.control().faults.clear();
    }

    /// How many planned faults have not fired yet.
    pub fn faults_pending(&self) -> usize {
        self.control().faults.len()
    }

    /// How many faults have fired since this VFS was made.
    pub fn faults_fired(&self) -> u64 {
        self.control().fired
    }

    /// Operations on all files so far.
    pub fn counts(&self) -> OpCounts {
        self.control().counts
    }

    /// Operations so far on files whose path ends with `suffix`.
    pub fn counts_for(&self, suffix: &str) -> OpCounts {
        let control = self.control();
        let mut total = OpCounts::default();
        for (path, counts) in &control.file_counts {
            if path.ends_with(suffix) {
                total.add(counts);
            }
        }
        total
    }

    /// Lets the files grow by at most `bytes` more in total (`None`: no
    /// limit). Shrinking or deleting files gives the space back.
    pub fn set_disk_budget(&self, bytes: Option<u64>) {
        self.control().budget = bytes;
    }

    /// The bytes the files may still grow by, if there is a budget.
    pub fn disk_budget(&self) -> Option<u64> {
        self.control().budget
    }

    /// Cuts the power now: every operation fails until [`FaultVfs::crash`].
    pub fn power_off(&self) {
        self.control().power_off = true;
    }

    /// Whether the power is off (by [`FaultVfs::power_off`] or a fault).
    pub fn is_powered_off(&self) -> bool {
        self.control().power_off
    }

    /// Simulates a power loss and reboot: see [`Crash::LoseUnsynced`].
    pub fn crash(&self) -> Result<()> {
        self.crash_with(Crash::LoseUnsynced)
    }

    /// Simulates a crash and reboot. Afterwards each file holds what the
    /// crash left of it (and that is durable), the power is on, planned
    /// faults are forgotten, the disk budget stays, and handles opened
    /// before the crash are dead: their locks are released and every call
    /// on them fails. Open the files again to go on.
    pub fn crash_with(&self, how: Crash) -> Result<()> {
        let mut control = self.control();
        control.epoch += 1;
        control.power_off = false;
        control.faults.clear();
        for handle in std::mem::take(&mut control.handles) {
            if let Some(handle) = handle.upgrade() {
                handle.release_lock();
            }
        }
        let live: HashSet<u64> = control.paths.values().copied().collect();
        control.images.retain(|id, _| live.contains(id));

        // Sorted, so that a torn crash draws the same choices for the same
        // seed whatever the hash map's order.
        let mut paths: Vec<(String, u64)> = control
            .paths
            .iter()
            .map(|(path, id)| (path.clone(), *id))
            .collect();
        paths.sort();
        let mut rng = SplitMix64(match how {
            Crash::Torn { seed } => seed,
            _ => 0,
        });
        for (path, id) in paths {
            let Some(image) = control.images.get_mut(&id) else {
                continue;
            };
            let old_len = image.len();
            let lost = image.crash(how, &mut rng)?;
            let new_len = image.len();
            if !lost.is_empty() {
                match self.inner.open(&path, false) {
                    Ok(file) => image.restore(&*file, &lost)?,
                    Err(e) if e.code() == SqlState::UNDEFINED_FILE => {}
                    Err(e) => return Err(e),
                }
            }
            if let Some(budget) = &mut control.budget {
                *budget = budget.saturating_add(old_len).saturating_sub(new_len);
            }
        }
        Ok(())
    }

    fn control(&self) -> MutexGuard<'_, Control> {
        lock_control(&self.control)
    }
}

fn lock_control(control: &Mutex<Control>) -> MutexGuard<'_, Control> {
    control.lock().unwrap_or_else(|e| e.into_inner())
}

impl Vfs for FaultVfs {
    fn open(&self, path: &str, create: bool) -> Result<Arc<dyn VfsFile>> {
        let mut control = self.control();
        if control.power_off {
            return Err(power_is_off("open", path));
        }
        let inner = self.inner.open(path, create)?;
        let id = match control.paths.get(path) {
            Some(id) => *id,
            None => {
                // A file this VFS has not seen is taken as durable as it is.
                let image = Image::load(&*inner)?;
                let id = control.next_id;
                control.next_id += 1;
                control.images.insert(id, image);
                control.paths.insert(path.to_string(), id);
                id
            }
        };
        let file = Arc::new(FaultFile {
            control: self.control.clone(),
            inner,
            path: path.to_string(),
            id,
            epoch: control.epoch,
            held: Mutex::new(None),
        });
        control.handles.retain(|handle| handle.strong_count() > 0);
        control.handles.push(Arc::downgrade(&file));
        Ok(file)
    }

    fn exists(&self, path: &str) -> Result<bool> {
        if self.control().power_off {
            return Err(power_is_off("stat", path));
        }
        self.inner.exists(path)
    }

    fn delete(&self, path: &str) -> Result<()> {
        let mut control = self.control();
        if control.power_off {
            return Err(power_is_off("remove", path));
        }
        self.inner.delete(path)?;
        if let Some(id) = control.paths.remove(path) {
            let freed = control.images.get(&id).map_or(0, Image::len);
            if let Some(budget) = &mut control.budget {
                *budget = budget.saturating_add(freed);
            }
        }
        Ok(())
    }
}

/// A file opened through a [`FaultVfs`].
struct FaultFile {
    control: Arc<Mutex<Control>>,
    inner: Arc<dyn VfsFile>,
    path: String,
    id: u64,
    /// The crash epoch this handle was opened in.
    epoch: u64,
    /// The lock this handle holds in the inner VFS, released on drop or
    /// crash (the memory VFS does not release locks by itself).
    held: Mutex<Option<LockMode>>,
}

impl FaultFile {
    /// Checks that the handle may act, without counting an operation.
    fn enter(&self, op: &str) -> Result<MutexGuard<'_, Control>> {
        let control = lock_control(&self.control);
        if control.epoch != self.epoch {
            return Err(err!(
                SqlState::IO_ERROR,
                "could not {op} file \"{}\": injected I/O error: the file was opened before a \
                 simulated crash",
                self.path
            ));
        }
        if control.power_off {
            return Err(power_is_off(op, &self.path));
        }
        Ok(control)
    }

    /// Starts an operation: checks, counts it, and takes the fault it meets.
    fn begin(&self, op: Op) -> Result<(MutexGuard<'_, Control>, Option<Fault>)> {
        let mut control = self.enter(op.verb())?;
        control.counts.bump(op);
        control
            .file_counts
            .entry(self.path.clone())
            .or_default()
            .bump(op);
        let mut hit = None;
        control.faults.retain_mut(|armed| {
            if !armed.fault.matches(op, &self.path) {
                return true;
            }
            armed.left -= 1;
            if armed.left > 0 {
                return true;
            }
            if hit.is_none() {
                hit = Some(armed.fault.clone());
            }
            false
        });
        if hit.is_some() {
            control.fired += 1;
        }
        Ok((control, hit))
    }

    /// Ends an operation: a fault that cuts the power does so now.
    fn end<T>(&self, control: &mut Control, fault: Option<Fault>, result: Result<T>) -> Result<T> {
        if fault.is_some_and(|fault| fault.power_off) {
            control.power_off = true;
        }
        result
    }

    fn injected(&self, op: Op, fault: &Fault) -> Error {
        err!(
            SqlState::IO_ERROR,
            "could not {} file \"{}\": injected I/O error ({:?} #{} planned)",
            op.verb(),
            self.path,
            fault.op,
            fault.nth
        )
    }

    fn image<'c>(&self, control: &'c mut Control) -> Result<&'c mut Image> {
        control.images.get_mut(&self.id).ok_or_else(|| {
            err!(
                SqlState::INTERNAL_ERROR,
                "fault VFS lost track of file \"{}\"",
                self.path
            )
        })
    }

    /// Takes `growth` bytes from the disk budget, or fails as a full disk.
    fn reserve(&self, control: &mut Control, growth: u64) -> Result<()> {
        match &mut control.budget {
            Some(budget) if *budget < growth => Err(err!(
                SqlState::DISK_FULL,
                "could not extend file \"{}\": No space left on device (injected: disk budget \
                 exhausted)",
                self.path
            )
            .with_hint("Check free disk space.")),
            Some(budget) => {
                *budget -= growth;
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn give_back(control: &mut Control, bytes: u64) {
        if let Some(budget) = &mut control.budget {
            *budget = budget.saturating_add(bytes);
        }
    }

    /// Writes through to the inner file and records the pending change.
    fn write_through(&self, control: &mut Control, buf: &[u8], offset: u64) -> Result<()> {
        if buf.is_empty() {
            return Ok(());
        }
        let end = offset.checked_add(buf.len() as u64).ok_or_else(|| {
            err!(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                "offset {offset} too large"
            )
        })?;
        let growth = end.saturating_sub(self.image(control)?.len());
        self.reserve(control, growth)?;
        if let Err(e) = self.inner.write_at(buf, offset) {
            FaultFile::give_back(control, growth);
            return Err(e);
        }
        self.image(control)?.record(Pending::Write {
            offset,
            data: buf.to_vec(),
        });
        let n = buf.len() as u64;
        control.counts.bytes_written += n;
        if let Some(counts) = control.file_counts.get_mut(&self.path) {
            counts.bytes_written += n;
        }
        Ok(())
    }

    fn truncate_through(&self, control: &mut Control, size: u64) -> Result<()> {
        let len = self.image(control)?.len();
        let growth = size.saturating_sub(len);
        self.reserve(control, growth)?;
        if let Err(e) = self.inner.truncate(size) {
            FaultFile::give_back(control, growth);
            return Err(e);
        }
        FaultFile::give_back(control, len.saturating_sub(size));
        self.image(control)?.record(Pending::Truncate(size));
        Ok(())
    }

    fn sync_through(&self, control: &mut Control) -> Result<()> {
        self.inner.sync()?;
        self.image(control)?.sync()
    }

    fn release_lock(&self) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.take().is_some() {
            // Best effort: a handle being dropped has no one to report to.
            let _ = self.inner.unlock();
        }
    }
}

impl Drop for FaultFile {
    fn drop(&mut self) {
        self.release_lock();
    }
}

impl VfsFile for FaultFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let (mut control, fault) = self.begin(Op::Read)?;
        let result = match &fault {
            None
            | Some(Fault {
                effect: Effect::Complete,
                ..
            }) => self.inner.read_at(buf, offset),
            Some(fault) => Err(self.injected(Op::Read, fault)),
        };
        self.end(&mut control, fault, result)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        let (mut control, fault) = self.begin(Op::Write)?;
        let result = match &fault {
            None => self.write_through(&mut control, buf, offset),
            Some(fault) => match fault.effect {
                Effect::Complete => self.write_through(&mut control, buf, offset),
                Effect::Fail => Err(self.injected(Op::Write, fault)),
                Effect::Lost => Ok(()),
                Effect::Torn { keep, silent } => {
                    let prefix = &buf[..keep.min(buf.len())];
                    self.write_through(&mut control, prefix, offset)
                        .and_then(|()| match silent {
                            true => Ok(()),
                            false => Err(self.injected(Op::Write, fault)),
                        })
                }
            },
        };
        self.end(&mut control, fault, result)
    }

    fn sync(&self) -> Result<()> {
        let (mut control, fault) = self.begin(Op::Sync)?;
        let result = match &fault {
            None => self.sync_through(&mut control),
            Some(fault) => match fault.effect {
                Effect::Complete => self.sync_through(&mut control),
                Effect::Fail | Effect::Torn { silent: false, .. } => {
                    Err(self.injected(Op::Sync, fault))
                }
                Effect::Lost | Effect::Torn { silent: true, .. } => Ok(()),
            },
        };
        self.end(&mut control, fault, result)
    }

    fn truncate(&self, size: u64) -> Result<()> {
        let (mut control, fault) = self.begin(Op::Truncate)?;
        let result = match &fault {
            None => self.truncate_through(&mut control, size),
            Some(fault) => match fault.effect {
                Effect::Complete => self.truncate_through(&mut control, size),
                Effect::Fail | Effect::Torn { silent: false, .. } => {
                    Err(self.injected(Op::Truncate, fault))
                }
                Effect::Lost | Effect::Torn { silent: true, .. } => Ok(()),
            },
        };
        self.end(&mut control, fault, result)
    }

    fn size(&self) -> Result<u64> {
        let _control = self.enter("stat")?;
        self.inner.size()
    }

    fn lock(&self, mode: LockMode) -> Result<()> {
        let _control = self.enter("lock")?;
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.lock(mode)?;
        *held = Some(mode);
        Ok(())
    }

    fn unlock(&self) -> Result<()> {
        let _control = self.enter("unlock")?;
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.unlock()?;
        *held = None;
        Ok(())
    }
}

fn power_is_off(op: &str, path: &str) -> Error {
    err!(
        SqlState::IO_ERROR,
        "could not {op} file \"{path}\": injected I/O error: the power is off"
    )
}

#[cfg(test)]
mod tests;
