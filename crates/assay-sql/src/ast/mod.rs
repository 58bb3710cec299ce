//! Assay's own SQL syntax tree: what the parser produces and the binder reads.
//!
//! The tree is close to PostgreSQL's raw parse tree: names are not resolved,
//! types are still names ([`TypeName`]), literals are kept as written (numbers
//! as strings), and identifiers are already case-folded (unquoted ones
//! lower-cased, quoted ones kept). Every node prints back as SQL through
//! `Display`, and parsing that text gives the same tree again.

mod ddl;
mod expr;
mod fmt_ddl;
mod fmt_expr;
mod fmt_query;
mod fmt_stmt;
mod ident;
mod query;
mod stmt;
mod types;
mod walk;

pub use ddl::*;
pub use expr::*;
pub use ident::{Ident, ObjectName, Pos};
pub use query::*;
pub use stmt::*;
pub use types::*;
