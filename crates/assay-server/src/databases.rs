//! The data directory: one database file per name, each opened once and
//! shared by the connections to it.
//!
//! `postgres` and `template1` are files made with the directory.
//! `template0` is PostgreSQL's pristine template, which nobody connects
//! to: here it has no file, and copying it makes an empty database. A
//! `CREATE DATABASE` without `TEMPLATE` copies `template1`, as in
//! PostgreSQL. Each engine is handed a [`Cluster`] listing the directory,
//! so `pg_database` (and psql's `\l`) shows every database.
//!
//! The `postgres` database's file also holds the cluster's roles: it stays
//! open for the server's life, every other database's engine is given it as
//! its roles home (see `assay_sql::catalog`'s roles), and authentication
//! reads the roles from it. It cannot be dropped or renamed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use assay_sql::ast::DatabaseOptions;
use assay_sql::catalog::RoleSet;
use assay_sql::session::{ActivityRegistry, Cluster, DatabaseEntry, Engine, Notice};
use assay_storage::vfs::OsVfs;
use assay_storage::{err, Error, PagerOptions, Result, SqlState};

use crate::database_options::OptionsFile;

/// The database every server has from the start.
pub(crate) const DEFAULT_DATABASE: &str = "postgres";
/// The template `CREATE DATABASE` copies by default.
const DEFAULT_TEMPLATE: &str = "template1";
/// The template that is never connected to and always empty.
const EMPTY_TEMPLATE: &str = "template0";

const EXTENSION: &str = "assay";

/// Open databases and how many connections use each.
pub(crate) struct Databases {
    dir: PathBuf,
    open: Mutex<HashMap<String, OpenDatabase>>,
    /// The `postgres` database: the roles home.
    home: OnceLock<Arc<Engine>>,
    /// Every session of the server, whatever its database
    /// (`pg_stat_activity`).
    activity: Arc<ActivityRegistry>,
    /// `CONNECTION LIMIT` and `ALLOW_CONNECTIONS` of each database.
    options: Arc<OptionsFile>,
}

struct OpenDatabase {
    engine: Arc<Engine>,
    connections: usize,
}

impl Databases {
    /// The data directory at `dir`, created with its `postgres` database if
    /// they do not exist.
    pub fn open(dir: &Path) -> Result<Databases> {
        std::fs::create_dir_all(dir).map_err(|e| {
            err!(
                SqlState::new(b"58030"),
                "could not create data directory \"{}\": {e}",
                dir.display()
            )
        })?;
        let databases = Databases {
            dir: dir.to_path_buf(),
            open: Mutex::new(HashMap::new()),
            home: OnceLock::new(),
            activity: ActivityRegistry::new(),
            options: Arc::new(OptionsFile::load(dir)?),
        };
        for name in [DEFAULT_DATABASE, DEFAULT_TEMPLATE] {
            if !databases.file(name).exists() {
                databases.create(name)?;
            }
        }
        let home = databases.connect(DEFAULT_DATABASE)?;
        databases.disconnect(DEFAULT_DATABASE);
        let _ = databases.home.set(home);
        Ok(databases)
    }

    /// The cluster's roles as last committed.
    pub fn roles(&self) -> Result<Arc<RoleSet>> {
        match self.home.get() {
            Some(home) => home.roles(),
            None => Ok(Arc::new(RoleSet::default())),
        }
    }

    /// A newly opened engine of database `name` reads the cluster's roles.
    fn adopt(&self, name: &str, engine: &Arc<Engine>) {
        engine.set_activity(self.activity.clone());
        if name != DEFAULT_DATABASE {
            if let Some(home) = self.home.get() {
                engine.set_roles_home(home.clone());
            }
        }
    }

    /// The `postgres` database holds the roles: it stays.
    fn check_not_home(name: &str, what: &str) -> Result<()> {
        if name == DEFAULT_DATABASE {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "database \"{name}\" holds the cluster's roles and cannot be {what}"
            ));
        }
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, OpenDatabase>> {
        // A panic while holding the lock leaves the map consistent (every
        // change is a single insert or remove), so poisoning is ignored.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.{EXTENSION}"))
    }

    fn path_text(&self, name: &str) -> Result<String> {
        self.file(name)
            .to_str()
            .map(str::to_string)
            .ok_or_else(|| err!(SqlState::new(b"58030"), "data directory path is not UTF-8"))
    }

    /// The listing engines see (`pg_database`).
    fn data_dir(&self) -> Arc<DataDir> {
        Arc::new(DataDir {
            dir: self.dir.clone(),
            options: self.options.clone(),
        })
    }

    /// A client logs in to `name`: its engine, once the database accepts
    /// connections and (unless `superuser`) has room under its
    /// `CONNECTION LIMIT`, as PostgreSQL checks them.
    pub fn login(&self, name: &str, superuser: bool) -> Result<Arc<Engine>> {
        let options = self.options.get(name);
        if !options.allow_connections && self.exists(name) {
            return Err(err!(
                SqlState::new(b"55000"),
                "database \"{name}\" is not currently accepting connections"
            ));
        }
        let engine = self.connect(name)?;
        let limit = options.connection_limit;
        if limit >= 0 && !superuser {
            let n = self.lock().get(name).map_or(0, |db| db.connections);
            if n > limit as usize {
                self.disconnect(name);
                return Err(err!(
                    SqlState::new(b"53300"),
                    "too many connections for database \"{name}\""
                ));
            }
        }
        Ok(engine)
    }

    /// `CREATE`/`ALTER DATABASE … CONNECTION LIMIT n ALLOW_CONNECTIONS b`.
    pub fn set_options(&self, name: &str, options: &DatabaseOptions) -> Result<()> {
        if !self.exists(name) {
            return Err(err!(
                SqlState::new(b"3D000"),
                "database \"{name}\" does not exist"
            ));
        }
        self.options.update(name, options)
    }

    /// A connection to `name` begins: its engine, opened if needed.
    pub fn connect(&self, name: &str) -> Result<Arc<Engine>> {
        let mut open = self.lock();
        if let Some(db) = open.get_mut(name) {
            db.connections += 1;
            return Ok(db.engine.clone());
        }
        if name == EMPTY_TEMPLATE {
            return Err(err!(
                SqlState::new(b"55000"),
                "database \"{name}\" is not currently accepting connections"
            ));
        }
        if !valid_name(name) || !self.file(name).exists() {
            return Err(err!(
                SqlState::new(b"3D000"),
                "database \"{name}\" does not exist"
            ));
        }
        let options = PagerOptions {
            create: false,
            ..PagerOptions::default()
        };
        let engine = Engine::open(&OsVfs, &self.path_text(name)?, options)?;
        engine.set_cluster(self.data_dir());
        self.adopt(name, &engine);
        open.insert(
            name.to_string(),
            OpenDatabase {
                engine: engine.clone(),
                connections: 1,
            },
        );
        Ok(engine)
    }

    /// Checkpoints every open database (at shutdown, when no session is
    /// left). A database that cannot be checkpointed keeps its log, which
    /// the next open recovers from.
    pub fn checkpoint_all(&self) {
        for db in self.lock().values() {
            let _ = db.engine.pager().checkpoint();
        }
    }

    /// A connection to `name` ended. The engine stays open for the next.
    pub fn disconnect(&self, name: &str) {
        if let Some(db) = self.lock().get_mut(name) {
            db.connections = db.connections.saturating_sub(1);
        }
    }

    /// `CREATE DATABASE name [TEMPLATE t]`. `template0` gives an empty
    /// database; another database (by default `template1`) is copied,
    /// file and log, when nobody is connected to it.
    pub fn create_from(&self, name: &str, template: Option<&str>) -> Result<()> {
        let source = template.unwrap_or(DEFAULT_TEMPLATE);
        if source == EMPTY_TEMPLATE {
            return self.create(name);
        }
        let open = self.lock();
        if !valid_name(source) || !(open.contains_key(source) || self.file(source).exists()) {
            return Err(err!(
                SqlState::new(b"3D000"),
                "template database \"{source}\" does not exist"
            ));
        }
        if open.get(source).is_some_and(|db| db.connections > 0) {
            let n = open[source].connections;
            let s = if n == 1 { "" } else { "s" };
            return Err(err!(
                SqlState::new(b"55006"),
                "source database \"{source}\" is being accessed by other users"
            )
            .with_detail(format!("There is {n} other session{s} using the database.")));
        }
        if !valid_name(name) {
            return Err(err!(
                SqlState::new(b"42602"),
                "invalid database name \"{name}\""
            ));
        }
        if open.contains_key(name) || self.file(name).exists() {
            return Err(err!(
                SqlState::new(b"42P04"),
                "database \"{name}\" already exists"
            ));
        }
        // Idle (no connection, the map locked): the file and its log are
        // a consistent pair; the copy recovers from the log when opened.
        copy_file(&self.file(source), &self.file(name))?;
        copy_file(&wal_path(&self.file(source)), &wal_path(&self.file(name)))
    }

    /// `ALTER DATABASE old RENAME TO new`, from a connection to `current`.
    pub fn rename(&self, old: &str, new: &str, current: &str) -> Result<()> {
        if old == current {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "current database cannot be renamed"
            ));
        }
        Databases::check_not_home(old, "renamed")?;
        let mut open = self.lock();
        if !valid_name(old) || !(open.contains_key(old) || self.file(old).exists()) {
            return Err(err!(
                SqlState::new(b"3D000"),
                "database \"{old}\" does not exist"
            ));
        }
        if !valid_name(new) {
            return Err(err!(
                SqlState::new(b"42602"),
                "invalid database name \"{new}\""
            ));
        }
        if open.contains_key(new) || self.file(new).exists() {
            return Err(err!(
                SqlState::new(b"42P04"),
                "database \"{new}\" already exists"
            ));
        }
        if let Some(db) = open.get(old) {
            if db.connections > 0 {
                let n = db.connections;
                let s = if n == 1 { "" } else { "s" };
                return Err(err!(
                    SqlState::new(b"55006"),
                    "database \"{old}\" is being accessed by other users"
                )
                .with_detail(format!("There is {n} other session{s} using the database.")));
            }
        }
        open.remove(old);
        rename_file(&self.file(old), &self.file(new))?;
        rename_file(&wal_path(&self.file(old)), &wal_path(&self.file(new)))?;
        self.options.rename(old, new)
    }

    /// Whether a database of this name exists.
    pub fn exists(&self, name: &str) -> bool {
        valid_name(name) && (self.lock().contains_key(name) || self.file(name).exists())
    }

    /// `CREATE DATABASE name`.
    pub fn create(&self, name: &str) -> Result<()> {
        if !valid_name(name) {
            return Err(err!(
                SqlState::new(b"42602"),
                "invalid database name \"{name}\""
            ));
        }
        let mut open = self.lock();
        if open.contains_key(name) || self.file(name).exists() {
            return Err(err!(
                SqlState::new(b"42P04"),
                "database \"{name}\" already exists"
            ));
        }
        let options = PagerOptions {
            create: true,
            ..PagerOptions::default()
        };
        let engine = Engine::open(&OsVfs, &self.path_text(name)?, options)?;
        engine.set_cluster(self.data_dir());
        self.adopt(name, &engine);
        open.insert(
            name.to_string(),
            OpenDatabase {
                engine,
                connections: 0,
            },
        );
        Ok(())
    }

    /// `DROP DATABASE [IF EXISTS] name`, from a connection to `current`.
    /// Returns the notice of `IF EXISTS` on a missing database.
    pub fn remove(&self, name: &str, if_exists: bool, current: &str) -> Result<Option<Notice>> {
        if name == current {
            return Err(err!(
                SqlState::new(b"55006"),
                "cannot drop the currently open database"
            ));
        }
        if DatabaseEntry::named(name).is_template {
            return Err(err!(
                SqlState::new(b"42809"),
                "cannot drop a template database"
            ));
        }
        let mut open = self.lock();
        let exists = valid_name(name) && (open.contains_key(name) || self.file(name).exists());
        if exists {
            Databases::check_not_home(name, "dropped")?;
        }
        if !exists {
            if if_exists {
                return Ok(Some(Notice {
                    severity: "NOTICE",
                    code: SqlState::new(b"00000"),
                    message: format!("database \"{name}\" does not exist, skipping"),
                }));
            }
            return Err(err!(
                SqlState::new(b"3D000"),
                "database \"{name}\" does not exist"
            ));
        }
        if let Some(db) = open.get(name) {
            if db.connections > 0 {
                let n = db.connections;
                let s = if n == 1 { "" } else { "s" };
                return Err(err!(
                    SqlState::new(b"55006"),
                    "database \"{name}\" is being accessed by other users"
                )
                .with_detail(format!("There is {n} other session{s} using the database.")));
            }
        }
        open.remove(name);
        let file = self.file(name);
        remove_file(&file)?;
        remove_file(&wal_path(&file))?;
        self.options.remove(name)?;
        Ok(None)
    }
}

/// The data directory as the engines see it: each `NAME.assay` file is a
/// database, and `template0` is always there.
struct DataDir {
    dir: PathBuf,
    options: Arc<OptionsFile>,
}

impl Cluster for DataDir {
    fn databases(&self) -> Vec<DatabaseEntry> {
        let mut names = vec![EMPTY_TEMPLATE.to_string()];
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let file = entry.file_name();
                let Some(file) = file.to_str() else { continue };
                if let Some(name) = file.strip_suffix(&format!(".{EXTENSION}")) {
                    if valid_name(name) && name != EMPTY_TEMPLATE {
                        names.push(name.to_string());
                    }
                }
            }
        }
        names
            .iter()
            .map(|n| {
                let mut entry = DatabaseEntry::named(n);
                let options = self.options.get(n);
                entry.connection_limit = options.connection_limit;
                entry.allow_connections &= options.allow_connections;
                entry
            })
            .collect()
    }
}

/// The write-ahead log beside a database file.
fn wal_path(file: &Path) -> PathBuf {
    let mut wal = file.to_path_buf().into_os_string();
    wal.push("-wal");
    PathBuf::from(wal)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(
        SqlState::new(b"58030"),
        format!("could not {what} file \"{}\": {e}", path.display()),
    )
}

/// Copies a file; a missing source (no log yet) copies nothing.
fn copy_file(from: &Path, to: &Path) -> Result<()> {
    match std::fs::copy(from, to) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("copy", from, e)),
    }
}

fn rename_file(from: &Path, to: &Path) -> Result<()> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("rename", from, e)),
    }
}

fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::new(
            SqlState::new(b"58030"),
            format!("could not remove file \"{}\": {e}", path.display()),
        )),
    }
}

/// Whether `name` can be a file name in the data directory.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_connect_drop() {
        let dir = tempfile::tempdir().unwrap();
        let dbs = Databases::open(dir.path()).unwrap();
        assert!(dir.path().join("postgres.assay").exists());
        dbs.create("app").unwrap();
        assert_eq!(dbs.create("app").unwrap_err().code().as_str(), "42P04");
        dbs.connect("app").unwrap();
        let busy = dbs.remove("app", false, "postgres").unwrap_err();
        assert_eq!(busy.code().as_str(), "55006");
        dbs.disconnect("app");
        assert!(dbs.remove("app", false, "postgres").unwrap().is_none());
        assert!(!dir.path().join("app.assay").exists());
        let missing = dbs.connect("app").err().unwrap();
        assert_eq!(missing.message(), "database \"app\" does not exist");
        assert!(dbs.remove("app", true, "postgres").unwrap().is_some());
        assert_eq!(dbs.create("../x").unwrap_err().code().as_str(), "42602");
        assert_eq!(
            dbs.remove("postgres", false, "postgres")
                .unwrap_err()
                .code()
                .as_str(),
            "55006"
        );
    }

    #[test]
    fn templates_and_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let dbs = Databases::open(dir.path()).unwrap();
        assert!(dir.path().join("template1.assay").exists());
        let refused = dbs.connect("template0").err().unwrap();
        assert_eq!(refused.code().as_str(), "55000");
        let drop = dbs.remove("template1", false, "postgres").unwrap_err();
        assert_eq!(drop.message(), "cannot drop a template database");

        // What template1 holds, a new database gets.
        let engine = dbs.connect("template1").unwrap();
        engine.session().execute("CREATE TABLE t (a int)").unwrap();
        dbs.disconnect("template1");
        dbs.create_from("app", None).unwrap();
        dbs.create_from("bare", Some("template0")).unwrap();
        let app = dbs.connect("app").unwrap();
        assert!(app.session().execute("SELECT a FROM t").is_ok());
        let bare = dbs.connect("bare").unwrap();
        assert!(bare.session().execute("SELECT a FROM t").is_err());

        let mut listed: Vec<(String, u32, bool)> = app
            .databases("app")
            .into_iter()
            .map(|d| (d.name, d.oid, d.is_template))
            .collect();
        listed.sort();
        let names: Vec<&str> = listed.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(names, ["app", "bare", "postgres", "template0", "template1"]);
        assert_eq!((listed[2].1, listed[3].1, listed[4].1), (5, 4, 1));
        assert!(listed[3].2 && listed[4].2 && !listed[0].2);
    }
}
