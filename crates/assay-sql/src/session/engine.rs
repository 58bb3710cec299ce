//! An open database: the pager and the catalog shared by its sessions,
//! and what its sessions share besides: notifications and advisory locks.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use assay_storage::vfs::{MemoryVfs, Vfs};
use assay_storage::{Pager, PagerOptions, Result, TxnMode};

use super::activity::ActivityRegistry;
use super::advisory::LockTable;
use super::cluster::{Cluster, DatabaseEntry};
use super::notify::NotificationHub;
use super::Session;
use crate::catalog::{Catalog, CatalogVersion, RoleSet};

/// One database file (or an in-memory database) opened for SQL.
pub struct Engine {
    pager: Arc<Pager>,
    /// Numbers for sessions' temporary schemas (`pg_temp_N`).
    next_session: AtomicU32,
    /// The databases beside this one, when someone opened several.
    cluster: OnceLock<Arc<dyn Cluster>>,
    /// LISTEN / NOTIFY between the sessions (`notify.rs`).
    notifications: NotificationHub,
    /// Advisory locks of the sessions (`advisory.rs`).
    locks: LockTable,
    /// In a server, the `postgres` database, whose catalog holds the
    /// cluster's roles (see `catalog/roles.rs`); unset: this file's own.
    roles_home: OnceLock<Arc<Engine>>,
    /// This file's roles as last read, by catalog version.
    /// Keyed by the last commit it was checked at (nothing to read while
    /// no one committed since) and the catalog version it was read at.
    roles_cache: Mutex<Option<(u64, CatalogVersion, Arc<RoleSet>)>>,
    /// In a server, the registry of every session (`activity.rs`).
    activity: OnceLock<Arc<ActivityRegistry>>,
}

impl Engine {
    /// Opens (or creates) the database at `path` through `vfs`.
    pub fn open(vfs: &dyn Vfs, path: &str, options: PagerOptions) -> Result<Arc<Engine>> {
        let pager = Pager::open(vfs, path, options)?;
        // Fail early on a damaged catalog rather than at the first query.
        Catalog::load(&pager.begin(TxnMode::ReadOnly)?)?;
        Ok(Arc::new(Engine {
            pager,
            next_session: AtomicU32::new(1),
            cluster: OnceLock::new(),
            notifications: NotificationHub::default(),
            locks: LockTable::default(),
            roles_home: OnceLock::new(),
            roles_cache: Mutex::new(None),
            activity: OnceLock::new(),
        }))
    }

    /// A new, empty in-memory database.
    pub fn open_memory() -> Result<Arc<Engine>> {
        let options = PagerOptions {
            synchronous: assay_storage::Synchronous::Off,
            ..PagerOptions::default()
        };
        Engine::open(&MemoryVfs::new(), ":memory:", options)
    }

    pub fn pager(&self) -> &Arc<Pager> {
        &self.pager
    }

    /// Tells the engine which databases live beside it (`pg_database`).
    /// Only the first call counts.
    pub fn set_cluster(&self, cluster: Arc<dyn Cluster>) {
        let _ = self.cluster.set(cluster);
    }

    /// Every database of the cluster; without one, just `current`.
    pub fn databases(&self, current: &str) -> Vec<DatabaseEntry> {
        match self.cluster.get() {
            Some(c) => c.databases(),
            None => vec![DatabaseEntry::named(current)],
        }
    }

    /// Makes `registry` the one this engine's sessions register in (a
    /// server gives all its engines one). Only the first call counts.
    pub fn set_activity(&self, registry: Arc<ActivityRegistry>) {
        let _ = self.activity.set(registry);
    }

    /// The server's session registry, if there is one.
    pub fn activity(&self) -> Option<&Arc<ActivityRegistry>> {
        self.activity.get()
    }

    pub fn notifications(&self) -> &NotificationHub {
        &self.notifications
    }

    pub fn locks(&self) -> &LockTable {
        &self.locks
    }

    /// A new session (a connection's state: settings, transaction, …),
    /// with the database's parameter defaults applied.
    pub fn session(self: &Arc<Self>) -> Session {
        let mut s = Session::new(
            self.clone(),
            self.next_session.fetch_add(1, Ordering::Relaxed),
        );
        // A catalog that cannot be read now fails the first statement
        // with the real error; the session itself is still usable.
        let _ = s.apply_database_settings();
        s
    }

    /// Makes `home`'s roles this database's roles (a server does this for
    /// every database but `postgres`). Set once; later calls are ignored.
    pub fn set_roles_home(&self, home: Arc<Engine>) {
        let _ = self.roles_home.set(home);
    }

    /// The engine whose catalog holds this database's roles, when it is
    /// not this one.
    pub fn roles_home(&self) -> Option<&Arc<Engine>> {
        self.roles_home.get()
    }

    /// The roles sessions of this database see, as last committed: the
    /// roles home's, or this file's own.
    pub fn roles(&self) -> Result<Arc<RoleSet>> {
        match self.roles_home.get() {
            Some(home) => home.own_roles(),
            None => self.own_roles(),
        }
    }

    fn own_roles(&self) -> Result<Arc<RoleSet>> {
        let mut cache = self.roles_cache.lock().unwrap_or_else(|p| p.into_inner());
        let last_commit = self.pager.last_commit();
        if let Some((at, _, roles)) = cache.as_ref() {
            if *at == last_commit {
                return Ok(roles.clone());
            }
        }
        let txn = self.pager.begin(TxnMode::ReadOnly)?;
        let commit = txn.snapshot().frame;
        let version = Catalog::stored_version(&txn)?;
        if let Some((at, v, roles)) = cache.as_mut() {
            if *v == version {
                *at = commit;
                return Ok(roles.clone());
            }
        }
        let roles = Catalog::load(&txn)?.roles().clone();
        *cache = Some((commit, version, roles.clone()));
        Ok(roles)
    }
}
