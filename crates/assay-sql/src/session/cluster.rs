//! The databases beside this one, as `pg_database` lists them.
//!
//! An engine is one database file and knows nothing of others. Whoever
//! opens several (the wire server, one file per database in its data
//! directory) hands each engine a [`Cluster`] that lists them all; an
//! embedded engine without one lists only itself.
//!
//! PostgreSQL keeps a database's OID in its shared catalog. Assay has no
//! shared catalog, so OIDs are derived: PostgreSQL's own for `template1`
//! (1), `template0` (4) and `postgres` (5), and for any other name a hash
//! of the name into the range of user OIDs (from 16384), stable across
//! restarts.

use crate::catalog::Oid;

/// One row of `pg_database`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseEntry {
    pub oid: Oid,
    pub name: String,
    /// `datistemplate`: `template0` and `template1`.
    pub is_template: bool,
    /// `datallowconn`: false for `template0` (and what `ALLOW_CONNECTIONS`
    /// says).
    pub allow_connections: bool,
    /// `datconnlimit` (-1: none).
    pub connection_limit: i32,
}

impl DatabaseEntry {
    /// The entry of a database called `name`, with PostgreSQL's flags for
    /// the templates.
    pub fn named(name: &str) -> DatabaseEntry {
        DatabaseEntry {
            oid: database_oid(name),
            name: name.to_string(),
            is_template: matches!(name, "template0" | "template1"),
            allow_connections: name != "template0",
            connection_limit: -1,
        }
    }
}

/// What an engine can ask about the databases it lives among.
pub trait Cluster: Send + Sync {
    /// Every database, in no particular order.
    fn databases(&self) -> Vec<DatabaseEntry>;
}

/// First OID PostgreSQL hands to user objects (`FirstNormalObjectId`).
const FIRST_NORMAL_OID: u32 = 16384;

/// The OID a database of this name is presented with.
pub fn database_oid(name: &str) -> Oid {
    match name {
        "template1" => 1,
        "template0" => 4,
        "postgres" => 5,
        _ => {
            // FNV-1a: small, stable and well spread over short names.
            let mut h: u32 = 0x811c_9dc5;
            for b in name.bytes() {
                h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
            }
            FIRST_NORMAL_OID + h % (i32::MAX as u32 - FIRST_NORMAL_OID)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_are_postgres_for_the_standard_databases_and_stable_otherwise() {
        assert_eq!(database_oid("postgres"), 5);
        assert_eq!(database_oid("template1"), 1);
        assert_eq!(database_oid("template0"), 4);
        let a = database_oid("regression");
        assert_eq!(a, database_oid("regression"));
        assert!((FIRST_NORMAL_OID..i32::MAX as u32).contains(&a));
        assert_ne!(a, database_oid("regression2"));
    }

    #[test]
    fn templates_are_flagged() {
        assert!(!DatabaseEntry::named("template0").allow_connections);
        assert!(DatabaseEntry::named("template1").is_template);
        assert!(!DatabaseEntry::named("app").is_template);
    }
}
