//! The operating system's file system, through positioned reads and writes.
//!
//! `pread`/`pwrite` (via `FileExt`) let many threads share one descriptor
//! without a seek position to fight over. `sync` is `fdatasync`: the length
//! and contents are made durable, which is all the WAL and database file
//! need. Locks are `flock` locks (`File::try_lock`), held per open file, so a
//! second process opening the same database sees 55P03 instead of sharing
//! files it cannot coordinate with.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use super::{LockMode, Vfs, VfsFile};
use crate::{err, Error, Result, SqlState};

/// The OS file system. Paths are used as given.
#[derive(Clone, Copy, Default)]
pub struct OsVfs;

impl Vfs for OsVfs {
    fn open(&self, path: &str, create: bool) -> Result<Arc<dyn VfsFile>> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::from(e).context(format!("could not open file \"{path}\"")))?;
        Ok(Arc::new(OsFile {
            file,
            path: path.to_string(),
        }))
    }

    fn exists(&self, path: &str) -> Result<bool> {
        Ok(std::path::Path::new(path).try_exists()?)
    }

    fn delete(&self, path: &str) -> Result<()> {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::from(e).context(format!("could not remove file \"{path}\"")))
            }
            _ => Ok(()),
        }
    }
}

struct OsFile {
    file: File,
    path: String,
}

impl OsFile {
    fn io(&self, what: &str) -> impl Fn(std::io::Error) -> Error + '_ {
        let path = &self.path;
        let what = what.to_string();
        move |e| Error::from(e).context(format!("could not {what} file \"{path}\""))
    }
}

impl VfsFile for OsFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let mut done = 0;
        while done < buf.len() {
            match self.file.read_at(&mut buf[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io("read")(e)),
            }
        }
        Ok(done)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        self.file
            .write_all_at(buf, offset)
            .map_err(self.io("write"))
    }

    fn sync(&self) -> Result<()> {
        self.file.sync_data().map_err(self.io("fsync"))
    }

    fn truncate(&self, size: u64) -> Result<()> {
        self.file.set_len(size).map_err(self.io("truncate"))
    }

    fn size(&self) -> Result<u64> {
        Ok(self.file.metadata().map_err(self.io("stat"))?.len())
    }

    fn lock(&self, mode: LockMode) -> Result<()> {
        let taken = match mode {
            LockMode::Shared => self.file.try_lock_shared(),
            LockMode::Exclusive => self.file.try_lock(),
        };
        match taken {
            Ok(()) => Ok(()),
            Err(TryLockError::WouldBlock) => Err(err!(
                SqlState::LOCK_NOT_AVAILABLE,
                "database file \"{}\" is locked by another process",
                self.path
            )),
            Err(TryLockError::Error(e)) => Err(self.io("lock")(e)),
        }
    }

    fn unlock(&self) -> Result<()> {
        self.file.unlock().map_err(self.io("unlock"))
    }
}
