//! Opening a database: a file on disk or a private in-memory one.

use std::sync::Arc;
use std::time::Duration;

use assay_sql::session::Engine;
use assay_storage::vfs::OsVfs;
use assay_storage::{PagerOptions, Synchronous};

use crate::{Connection, Result};

/// How to open a database file. `Options::default()` creates the file if it
/// is missing, fsyncs at every commit and waits up to 5 s for the write
/// lock; change what you need with the builder methods:
///
/// ```
/// use std::time::Duration;
/// use assay::{Options, Synchronous};
///
/// let options = Options::new()
///     .synchronous(Synchronous::Normal)
///     .busy_timeout(Duration::from_millis(200))
///     .cache_size(16 << 20);
/// assert!(options.create);
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    /// Bytes of committed pages kept in memory.
    pub cache_size: usize,
    /// How long a writer waits for the write lock before failing with
    /// "database is locked".
    pub busy_timeout: Duration,
    /// When commits reach the disk.
    pub synchronous: Synchronous,
    /// Page size of a new database (an existing file keeps its own).
    pub page_size: usize,
    /// Create the file if it does not exist.
    pub create: bool,
    /// Checkpoint once the WAL holds this many frames (0: never).
    pub autocheckpoint: u64,
}

impl Default for Options {
    fn default() -> Options {
        let pager = PagerOptions::default();
        Options {
            cache_size: pager.cache_size,
            busy_timeout: pager.busy_timeout,
            synchronous: pager.synchronous,
            page_size: pager.page_size,
            create: pager.create,
            autocheckpoint: pager.autocheckpoint,
        }
    }
}

impl Options {
    pub fn new() -> Options {
        Options::default()
    }

    pub fn cache_size(mut self, bytes: usize) -> Options {
        self.cache_size = bytes;
        self
    }

    pub fn busy_timeout(mut self, timeout: Duration) -> Options {
        self.busy_timeout = timeout;
        self
    }

    pub fn synchronous(mut self, synchronous: Synchronous) -> Options {
        self.synchronous = synchronous;
        self
    }

    pub fn page_size(mut self, bytes: usize) -> Options {
        self.page_size = bytes;
        self
    }

    pub fn create(mut self, create: bool) -> Options {
        self.create = create;
        self
    }

    pub fn autocheckpoint(mut self, frames: u64) -> Options {
        self.autocheckpoint = frames;
        self
    }

    fn pager_options(&self) -> PagerOptions {
        PagerOptions {
            page_size: self.page_size,
            cache_size: self.cache_size,
            synchronous: self.synchronous,
            busy_timeout: self.busy_timeout,
            autocheckpoint: self.autocheckpoint,
            create: self.create,
        }
    }
}

/// An open database. Cheap to clone (clones share it); connections made
/// from it, from any thread, see one another's committed work.
#[derive(Clone)]
pub struct Database {
    engine: Arc<Engine>,
}

impl Database {
    /// Opens the database file at `path`, creating it if `options.create`.
    pub fn open(path: impl AsRef<std::path::Path>, options: Options) -> Result<Database> {
        let path = path.as_ref().to_string_lossy();
        let engine = Engine::open(&OsVfs, &path, options.pager_options())?;
        Ok(Database { engine })
    }

    /// A new, empty database that lives in memory and ends with its last
    /// handle. Each call makes a separate database.
    pub fn open_in_memory() -> Result<Database> {
        Ok(Database {
            engine: Engine::open_memory()?,
        })
    }

    /// A new connection: its own session (settings, transaction state).
    pub fn connect(&self) -> Connection {
        Connection::new(self.engine.session())
    }

    /// The SQL engine underneath, for what this API does not cover yet.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }
}
