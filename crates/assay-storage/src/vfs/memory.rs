//! An in-memory file system: the browser's VFS and the tests' fast one.
//!
//! Files live in a map from path to a shared byte vector. Everything written
//! is "durable" at once (there is no crash to survive); [`FaultVfs`] layers
//! crash semantics on top when a test needs them.
//!
//! [`FaultVfs`]: super::FaultVfs

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{LockMode, Vfs, VfsFile};
use crate::{err, Result, SqlState};

/// A file system held in memory. Cloning shares the same files.
#[derive(Clone, Default)]
pub struct MemoryVfs {
    files: Arc<Mutex<HashMap<String, Arc<MemoryFile>>>>,
}

impl MemoryVfs {
    pub fn new() -> MemoryVfs {
        MemoryVfs::default()
    }

    fn files(&self) -> MutexGuard<'_, HashMap<String, Arc<MemoryFile>>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Vfs for MemoryVfs {
    fn open(&self, path: &str, create: bool) -> Result<Arc<dyn VfsFile>> {
        let mut files = self.files();
        let file = match files.get(path) {
            Some(file) => file.clone(),
            None if create => {
                let file = Arc::new(MemoryFile::default());
                files.insert(path.to_string(), file.clone());
                file
            }
            None => {
                return Err(err!(
                    SqlState::UNDEFINED_FILE,
                    "could not open file \"{path}\": No such file or directory"
                ))
            }
        };
        Ok(Arc::new(MemoryHandle {
            file,
            held: Mutex::new(None),
        }))
    }

    fn exists(&self, path: &str) -> Result<bool> {
        Ok(self.files().contains_key(path))
    }

    fn delete(&self, path: &str) -> Result<()> {
        self.files().remove(path);
        Ok(())
    }
}

/// One in-memory file, shared by every handle opened on its path.
#[derive(Default)]
struct MemoryFile {
    data: Mutex<Vec<u8>>,
    locks: Mutex<LockState>,
}

/// The locks held on a file, counted so that a second handle within the
/// same MemoryVfs sees the conflicts another process would.
#[derive(Default)]
struct LockState {
    shared: usize,
    exclusive: bool,
}

impl LockState {
    fn take(&mut self, mode: LockMode) -> bool {
        match mode {
            LockMode::Shared if !self.exclusive => self.shared += 1,
            LockMode::Exclusive if !self.exclusive && self.shared == 0 => self.exclusive = true,
            _ => return false,
        }
        true
    }

    fn release(&mut self, mode: LockMode) {
        match mode {
            LockMode::Shared => self.shared = self.shared.saturating_sub(1),
            LockMode::Exclusive => self.exclusive = false,
        }
    }
}

/// An open handle. Like an OS open file description, it holds at most one
/// lock, and closing it (dropping the last reference) releases that lock.
struct MemoryHandle {
    file: Arc<MemoryFile>,
    held: Mutex<Option<LockMode>>,
}

impl MemoryHandle {
    fn data(&self) -> MutexGuard<'_, Vec<u8>> {
        self.file.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn locks(&self) -> (MutexGuard<'_, Option<LockMode>>, MutexGuard<'_, LockState>) {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let locks = self.file.locks.lock().unwrap_or_else(|e| e.into_inner());
        (held, locks)
    }
}

impl Drop for MemoryHandle {
    fn drop(&mut self) {
        let (mut held, mut locks) = self.locks();
        if let Some(mode) = held.take() {
            locks.release(mode);
        }
    }
}

impl VfsFile for MemoryHandle {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let data = self.data();
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let n = buf.len().min(data.len() - start);
        buf[..n].copy_from_slice(&data[start..start + n]);
        Ok(n)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        // As with pwrite, writing nothing does not extend the file.
        if buf.is_empty() {
            return Ok(());
        }
        let too_large = || {
            err!(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                "offset {offset} too large"
            )
        };
        let start = usize::try_from(offset).map_err(|_| too_large())?;
        let end = start.checked_add(buf.len()).ok_or_else(too_large)?;
        let mut data = self.data();
        if data.len() < end {
            let more = end - data.len();
            data.try_reserve(more).map_err(|_| {
                err!(
                    SqlState::OUT_OF_MEMORY,
                    "out of memory extending a file to {end} bytes"
                )
            })?;
            data.resize(end, 0);
        }
        data[start..end].copy_from_slice(buf);
        Ok(())
    }

    fn sync(&self) -> Result<()> {
        Ok(())
    }

    fn truncate(&self, size: u64) -> Result<()> {
        let size = usize::try_from(size)
            .map_err(|_| err!(SqlState::PROGRAM_LIMIT_EXCEEDED, "size {size} too large"))?;
        let mut data = self.data();
        if size > data.len() {
            let more = size - data.len();
            data.try_reserve(more).map_err(|_| {
                err!(
                    SqlState::OUT_OF_MEMORY,
                    "out of memory extending a file to {size} bytes"
                )
            })?;
        }
        data.resize(size, 0);
        Ok(())
    }

    fn size(&self) -> Result<u64> {
        Ok(self.data().len() as u64)
    }

    fn lock(&self, mode: LockMode) -> Result<()> {
        let (mut held, mut locks) = self.locks();
        if *held == Some(mode) {
            return Ok(());
        }
        // Converting a lock, as flock does: drop the old one, take the new
        // one, and keep the old one if the new one is not available.
        if let Some(old) = *held {
            locks.release(old);
        }
        if !locks.take(mode) {
            if let Some(old) = *held {
                locks.take(old);
            }
            return Err(err!(SqlState::LOCK_NOT_AVAILABLE, "database is locked"));
        }
        *held = Some(mode);
        Ok(())
    }

    fn unlock(&self) -> Result<()> {
        let (mut held, mut locks) = self.locks();
        if let Some(mode) = held.take() {
            locks.release(mode);
        }
        Ok(())
    }
}
