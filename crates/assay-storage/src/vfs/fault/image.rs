//! Durable images: what a crash leaves of a file.
//!
//! An [`Image`] holds a file's *durable* contents (what the last sync made
//! safe) and the changes made since, in order. The inner VFS holds the
//! current contents, so the invariant is: `durable` with `pending` applied
//! equals the inner file, and `len` is its length. `sync` folds the pending
//! changes in; a crash decides which of them survive ([`Crash`]) and
//! rewrites the inner file to match.

use super::super::VfsFile;
use crate::{err, Result, SqlState};

/// What survives a [`FaultVfs::crash_with`](super::FaultVfs::crash_with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crash {
    /// Power loss: everything written since a file's last sync is lost.
    LoseUnsynced,
    /// Power loss with torn writes: each unsynced write is lost, kept, or
    /// kept in some of its 512-byte sectors; each unsynced truncate happens
    /// or not. The choices are drawn from `seed`.
    Torn { seed: u64 },
    /// The process died but the OS did not: every write survives.
    KeepUnsynced,
}

/// Sector size of the torn-crash model: writes tear on these boundaries.
const SECTOR: u64 = 512;

/// A file's durable contents and the changes made since its last sync.
pub(super) struct Image {
    durable: Vec<u8>,
    pending: Vec<Pending>,
    len: u64,
}

/// One change not yet synced.
pub(super) enum Pending {
    Write { offset: u64, data: Vec<u8> },
    Truncate(u64),
}

impl Image {
    /// Takes a file's current contents as durable.
    pub(super) fn load(file: &dyn VfsFile) -> Result<Image> {
        let size = file.size()?;
        let mut durable = Vec::new();
        grow_zeroed(&mut durable, size)?;
        file.read_exact_at(&mut durable, 0)?;
        Ok(Image {
            durable,
            pending: Vec::new(),
            len: size,
        })
    }

    /// The file's current length.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// Records a change already made to the inner file.
    pub(super) fn record(&mut self, change: Pending) {
        self.len = match &change {
            Pending::Write { offset, data } => {
                self.len.max(offset.saturating_add(data.len() as u64))
            }
            Pending::Truncate(size) => *size,
        };
        self.pending.push(change);
    }

    /// Makes every recorded change durable.
    pub(super) fn sync(&mut self) -> Result<()> {
        for change in std::mem::take(&mut self.pending) {
            apply(&mut self.durable, &change)?;
        }
        Ok(())
    }

    /// Decides what a crash leaves of the unsynced changes, makes that
    /// durable, and returns the changes whose ranges the inner file must
    /// have rewritten (none if it already matches).
    pub(super) fn crash(&mut self, how: Crash, rng: &mut SplitMix64) -> Result<Vec<Pending>> {
        let pending = std::mem::take(&mut self.pending);
        match how {
            Crash::LoseUnsynced => {}
            Crash::KeepUnsynced => {
                for change in &pending {
                    apply(&mut self.durable, change)?;
                }
                return Ok(Vec::new());
            }
            Crash::Torn { .. } => {
                for change in &pending {
                    apply_torn(&mut self.durable, change, rng)?;
                }
            }
        }
        self.len = self.durable.len() as u64;
        Ok(pending)
    }

    /// Rewrites `file` to hold the durable image. Outside the ranges the
    /// `lost` changes touched, the file already holds it.
    pub(super) fn restore(&self, file: &dyn VfsFile, lost: &[Pending]) -> Result<()> {
        let len = self.durable.len() as u64;
        file.truncate(len)?;
        for change in lost {
            let (start, end) = match change {
                Pending::Write { offset, data } => {
                    (*offset, offset.saturating_add(data.len() as u64))
                }
                Pending::Truncate(size) => (*size, u64::MAX),
            };
            let end = end.min(len);
            if start < end {
                // Both bounds are at most `durable.len()`.
                file.write_at(&self.durable[start as usize..end as usize], start)?;
            }
        }
        file.sync()
    }
}

/// Zero-extends `data` to `len` bytes, failing cleanly if memory runs out.
fn grow_zeroed(data: &mut Vec<u8>, len: u64) -> Result<()> {
    let len = usize::try_from(len)
        .map_err(|_| err!(SqlState::OUT_OF_MEMORY, "file of {len} bytes too large"))?;
    if len > data.len() {
        data.try_reserve(len - data.len()).map_err(|_| {
            err!(
                SqlState::OUT_OF_MEMORY,
                "out of memory for a durable image of {len} bytes"
            )
        })?;
        data.resize(len, 0);
    }
    Ok(())
}

fn write_into(image: &mut Vec<u8>, offset: u64, data: &[u8]) -> Result<()> {
    let end = offset.saturating_add(data.len() as u64);
    grow_zeroed(image, end)?;
    // `grow_zeroed` proved that `end` fits in a usize.
    image[offset as usize..end as usize].copy_from_slice(data);
    Ok(())
}

/// Applies one change to a durable image.
fn apply(image: &mut Vec<u8>, change: &Pending) -> Result<()> {
    match change {
        Pending::Write { offset, data } => write_into(image, *offset, data),
        Pending::Truncate(size) => {
            if *size < image.len() as u64 {
                image.truncate(*size as usize);
            }
            grow_zeroed(image, *size)
        }
    }
}

/// Applies what a torn crash lets survive of one change.
fn apply_torn(image: &mut Vec<u8>, change: &Pending, rng: &mut SplitMix64) -> Result<()> {
    let Pending::Write { offset, data } = change else {
        return match rng.coin() {
            true => apply(image, change),
            false => Ok(()),
        };
    };
    match rng.next() % 3 {
        0 => return Ok(()),
        1 => return write_into(image, *offset, data),
        _ => {}
    }
    // Some sectors made it to the platter, some did not.
    let end = offset + data.len() as u64;
    let mut start = *offset;
    while start < end {
        let stop = ((start / SECTOR + 1) * SECTOR).min(end);
        if rng.coin() {
            let slice = &data[(start - offset) as usize..(stop - offset) as usize];
            write_into(image, start, slice)?;
        }
        start = stop;
    }
    Ok(())
}

/// A tiny deterministic generator (SplitMix64) for torn crashes.
pub(super) struct SplitMix64(pub(super) u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn coin(&mut self) -> bool {
        self.next() & 1 == 0
    }
}
