//! How a database is opened: page size, cache size, durability, waiting.

use std::time::Duration;

use crate::page::DEFAULT_PAGE_SIZE;

/// When commits reach stable storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// fsync the WAL at every commit: a returned commit survives power loss.
    #[default]
    Full,
    /// fsync only at checkpoints: a crash of the process loses nothing, a
    /// power loss may lose the last commits but never corrupts.
    Normal,
    /// Never fsync: fastest, for data that can be rebuilt.
    Off,
}

impl std::str::FromStr for Synchronous {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Synchronous> {
        match s.to_ascii_lowercase().as_str() {
            "full" | "on" | "2" => Ok(Synchronous::Full),
            "normal" | "1" => Ok(Synchronous::Normal),
            "off" | "0" => Ok(Synchronous::Off),
            _ => Err(crate::err!(
                crate::SqlState::INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"synchronous\": \"{s}\""
            )
            .with_hint("Available values: full, normal, off.")),
        }
    }
}

/// Options for [`Pager::open`](super::Pager::open).
#[derive(Clone, Debug)]
pub struct PagerOptions {
    /// Page size for a new database (ignored when opening an existing one).
    pub page_size: usize,
    /// Bytes of committed pages kept in memory (default 64 MiB). A write
    /// transaction whose changed pages exceed this spills them to the WAL.
    pub cache_size: usize,
    pub synchronous: Synchronous,
    /// How long a writer waits for the write lock before "database is locked".
    pub busy_timeout: Duration,
    /// Checkpoint automatically once the WAL holds this many frames (0: never).
    pub autocheckpoint: u64,
    /// Create the database file if it does not exist.
    pub create: bool,
}

impl Default for PagerOptions {
    fn default() -> PagerOptions {
        PagerOptions {
            page_size: DEFAULT_PAGE_SIZE,
            cache_size: 64 << 20,
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            autocheckpoint: 1000,
            create: true,
        }
    }
}
