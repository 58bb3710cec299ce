//! The per-database settings PostgreSQL keeps in `pg_database` beside the
//! name: `datconnlimit` (`CONNECTION LIMIT`) and `datallowconn`
//! (`ALLOW_CONNECTIONS`), enforced when a client logs in.
//!
//! An engine is one database file and knows nothing of the others, so like
//! `CREATE DATABASE` and `DROP DATABASE` these belong to the server. They
//! live in one small text file of the data directory, `pg_database.conf`,
//! one line per database whose options differ from the defaults:
//!
//! ```text
//! <connection limit> <TAB> <t|f: allows connections> <TAB> <name>
//! ```
//!
//! with `\`, TAB and newline in the name written `\\`, `\t`, `\n`. The file
//! is rewritten whole (a temporary file renamed over it) on every change;
//! a missing file means every database has the defaults (no limit, open).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use assay_sql::ast::DatabaseOptions;
use assay_storage::{Error, Result, SqlState};

const FILE: &str = "pg_database.conf";

/// One database's recorded options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// -1: no limit.
    pub connection_limit: i32,
    pub allow_connections: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            connection_limit: -1,
            allow_connections: true,
        }
    }
}

/// The options of every database, as in the file.
pub(crate) struct OptionsFile {
    path: PathBuf,
    map: Mutex<BTreeMap<String, Options>>,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(
        SqlState::new(b"58030"),
        format!("could not {what} file \"{}\": {e}", path.display()),
    )
}

impl OptionsFile {
    /// Reads the data directory's file (none: all defaults).
    pub fn load(dir: &Path) -> Result<OptionsFile> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io_error("read", &path, e)),
        };
        let map = text.lines().filter_map(parse_line).collect();
        Ok(OptionsFile {
            path,
            map: Mutex::new(map),
        })
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Options>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The options of database `name`.
    pub fn get(&self, name: &str) -> Options {
        self.lock().get(name).copied().unwrap_or_default()
    }

    /// Applies the options a `CREATE` or `ALTER DATABASE` gave.
    pub fn update(&self, name: &str, given: &DatabaseOptions) -> Result<()> {
        if *given == DatabaseOptions::default() {
            return Ok(());
        }
        let mut map = self.lock();
        let mut options = map.get(name).copied().unwrap_or_default();
        if let Some(n) = given.connection_limit {
            options.connection_limit = n;
        }
        if let Some(b) = given.allow_connections {
            options.allow_connections = b;
        }
        if options == Options::default() {
            map.remove(name);
        } else {
            map.insert(name.to_string(), options);
        }
        self.save(&map)
    }

    /// The database `old` is now called `new`.
    pub fn rename(&self, old: &str, new: &str) -> Result<()> {
        let mut map = self.lock();
        match map.remove(old) {
            Some(options) => {
                map.insert(new.to_string(), options);
                self.save(&map)
            }
            None => Ok(()),
        }
    }

    /// The database `name` is gone.
    pub fn remove(&self, name: &str) -> Result<()> {
        let mut map = self.lock();
        if map.remove(name).is_some() {
            return self.save(&map);
        }
        Ok(())
    }

    fn save(&self, map: &BTreeMap<String, Options>) -> Result<()> {
        let mut text = String::new();
        for (name, o) in map {
            let allow = if o.allow_connections { 't' } else { 'f' };
            text.push_str(&format!(
                "{}\t{allow}\t{}\n",
                o.connection_limit,
                escape(name)
            ));
        }
        let temp = self.path.with_extension("conf.tmp");
        std::fs::write(&temp, text).map_err(|e| io_error("write", &temp, e))?;
        std::fs::rename(&temp, &self.path).map_err(|e| io_error("rename", &temp, e))
    }
}

fn escape(name: &str) -> String {
    name.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// A line of the file; a damaged one is skipped (its database gets the
/// defaults).
fn parse_line(line: &str) -> Option<(String, Options)> {
    let mut fields = line.splitn(3, '\t');
    let connection_limit = fields.next()?.parse().ok()?;
    let allow_connections = match fields.next()? {
        "t" => true,
        "f" => false,
        _ => return None,
    };
    let name = unescape(fields.next()?);
    Some((
        name,
        Options {
            connection_limit,
            allow_connections,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_survive_a_reload_rename_and_removal() {
        let dir = tempfile::tempdir().unwrap();
        let file = OptionsFile::load(dir.path()).unwrap();
        assert_eq!(file.get("app"), Options::default());
        let limit = DatabaseOptions {
            connection_limit: Some(3),
            allow_connections: None,
        };
        file.update("app", &limit).unwrap();
        let closed = DatabaseOptions {
            connection_limit: None,
            allow_connections: Some(false),
        };
        file.update("odd\tname\\x", &closed).unwrap();
        let file = OptionsFile::load(dir.path()).unwrap();
        assert_eq!(file.get("app").connection_limit, 3);
        assert!(file.get("app").allow_connections);
        assert!(!file.get("odd\tname\\x").allow_connections);
        file.rename("app", "app2").unwrap();
        file.remove("odd\tname\\x").unwrap();
        let file = OptionsFile::load(dir.path()).unwrap();
        assert_eq!(file.get("app"), Options::default());
        assert_eq!(file.get("app2").connection_limit, 3);
        assert_eq!(file.get("odd\tname\\x"), Options::default());
    }
}
