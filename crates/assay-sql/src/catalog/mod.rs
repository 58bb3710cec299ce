//! The catalog: schemas, tables, indexes, constraints, sequences, comments
//! and statistics, persisted in the database file.
//!
//! # Model
//!
//! Objects are plain structs (`model.rs`). A [`Table`] (also a view) owns
//! its columns, its [`Index`]es and its [`Constraint`]s, so the executor
//! holds one `Arc<Table>` and has all it needs to store a row. Columns keep
//! their slot for life: a dropped column is flagged, and the row codec keeps
//! a NULL in its place. Defaults, CHECK expressions, view queries, index
//! expressions and predicates are kept as SQL text for the binder to parse.
//! User OIDs start at 16384; `pg_catalog` is 11 and `public` 2200.
//!
//! # Persistence
//!
//! One tree, `sys.catalog`, holds every object as JSON (serde), under a key
//! `kind:u8 · oid:u32 BE` (comments add `sub:i32 BE`): 1 schema, 2 table
//! (with its indexes and constraints), 3 sequence, 4 comment, 5 statistics;
//! kind 0 holds the format number, the OID counter and the
//! [`CatalogVersion`]. [`Catalog::load`] reads it all into hash maps by
//! OID and by (schema, name) — tables, views, indexes and sequences share
//! one namespace per schema, as in PostgreSQL. Every DDL operation writes
//! the changed objects through the caller's transaction and bumps the
//! version (a counter plus a process-unique token). A connection keeps its
//! `Catalog` and calls [`Catalog::is_current`] before each statement: if
//! another connection committed DDL, or this one rolled some back, the
//! versions differ and it reloads.
//!
//! # Roles
//!
//! Roles and their memberships are catalog objects too; where a server's
//! roles live is told in `roles.rs`.
//!
//! # Names
//!
//! [`SearchPath`] resolution ([`Catalog::resolve`]) looks an unqualified
//! name up in the session's temporary schema, then `pg_catalog` (unless the
//! path places it), then the path's schemas (`$user` included).
//! Temporary objects live in the same file, in a per-session schema
//! `pg_temp_N` flagged `temp`, which the session drops (with
//! [`Catalog::drop_schema`], cascading) when it ends; a crashed session's
//! schema is dropped by the next session that takes the same number.
//!
//! # Sequences
//!
//! A sequence's definition is a catalog object; its state (last value,
//! is_called) is in the `sys.sequences` tree, keyed by OID. `nextval`
//! updates it inside the caller's transaction, so — unlike PostgreSQL —
//! an aborted transaction rolls its `nextval`s back (acceptable for now:
//! values stay unique, the one writer at a time sees its own updates).
//! `currval`/`lastval` are per session ([`SequenceSession`]).

mod constraints;
mod ddl;
mod lookup;
mod model;
pub mod password;
mod roles;
mod sequence;
mod store;
mod update;

#[cfg(test)]
mod tests;

pub use ddl::{DropResult, IndexDef};
pub use lookup::{undefined_relation, undefined_schema, SearchPath};
pub use model::*;
pub use roles::{Membership, Role, RoleSet, BOOTSTRAP_SUPERUSER, BOOTSTRAP_SUPERUSER_NAME};
pub use sequence::{
    reapply as reapply_sequences, SequenceAdvance, SequenceOptions, SequenceSession,
};
pub use store::{Catalog, CatalogVersion, RelRef, CATALOG_TREE};
