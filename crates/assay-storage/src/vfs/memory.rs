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
        if let Some(file) = files.get(path) {
            return Ok(file.clone());
        }
        if !create {
            return Err(err!(
                SqlState::UNDEFINED_FILE,
                "could not open file \"{path}\": No such file or directory"
            ));
        }
        let file = Arc::new(MemoryFile::default());
        files.insert(path.to_string(), file.clone());
        Ok(file)
    }

    fn exists(&self, path: &str) -> Result<bool> {
        Ok(self.files().contains_key(path))
    }

    fn delete(&self, path: &str) -> Result<()> {
        self.files().remove(path);
        Ok(())
    }
}

/// One in-memory file. Locks are counted so that a second opener within the
/// same MemoryVfs sees the same conflicts another process would.
#[derive(Default)]
pub struct MemoryFile {
    data: Mutex<Vec<u8>>,
    locks: Mutex<LockState>,
}

#[derive(Default)]
struct LockState {
    shared: usize,
    exclusive: bool,
}

impl MemoryFile {
    fn data(&self) -> MutexGuard<'_, Vec<u8>> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl VfsFile for MemoryFile {
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
        let mut data = self.data();
        let start = usize::try_from(offset).map_err(|_| {
            err!(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                "offset {offset} too large"
            )
        })?;
        let end = start + buf.len();
        if data.len() < end {
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
        self.data().resize(size, 0);
        Ok(())
    }

    fn size(&self) -> Result<u64> {
        Ok(self.data().len() as u64)
    }

    fn lock(&self, mode: LockMode) -> Result<()> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        let free = match mode {
            LockMode::Shared => !locks.exclusive,
            LockMode::Exclusive => !locks.exclusive && locks.shared == 0,
        };
        if !free {
            return Err(err!(SqlState::LOCK_NOT_AVAILABLE, "database is locked"));
        }
        match mode {
            LockMode::Shared => locks.shared += 1,
            LockMode::Exclusive => locks.exclusive = true,
        }
        Ok(())
    }

    fn unlock(&self) -> Result<()> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks.exclusive {
            locks.exclusive = false;
        } else {
            locks.shared = locks.shared.saturating_sub(1);
        }
        Ok(())
    }
}
