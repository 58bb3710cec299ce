//! Assay's SQL layer: everything between SQL text and rows, without IO of
//! its own (it builds for wasm32 too).
//!
//! So far it holds the bottom of that stack, [`types`]: SQL data types and
//! values with PostgreSQL 15's semantics. A value's life there goes:
//!
//! 1. A column or literal has a [`DataType`](types::DataType), parsed from
//!    SQL's spelling by [`DataType::parse`](types::DataType::parse)
//!    (`varchar(10)`, `double precision`, `text[]`) and known to clients by
//!    its PostgreSQL OID ([`DataType::oid`](types::DataType::oid)).
//! 2. Text becomes a [`Value`](types::Value) through the type's input
//!    function, [`parse_value`](types::parse_value), which reads what
//!    PostgreSQL reads (`'Jan 2 2024'`, `'1 year 2 mons'`, `'{1,NULL}'`) and
//!    fails with PostgreSQL's SQLSTATE and message.
//! 3. The binder decides which conversions are allowed where with
//!    [`cast_context`](types::cast_context) and
//!    [`common_type`](types::common_type), and the executor applies them
//!    with [`cast`](types::cast) (explicit) or [`assign`](types::assign)
//!    (storing into a column), which also enforce `varchar(n)` and
//!    `numeric(p,s)`.
//! 4. Expressions compute with [`binary_op`](types::binary_op) and
//!    [`negate`](types::negate), which check overflow as PostgreSQL does,
//!    and sort and compare with [`compare`](types::compare), a total order
//!    in which NaN is largest.
//! 5. Results go back to text with [`format_value`](types::format_value),
//!    byte for byte what PostgreSQL prints under the session's
//!    [`Settings`](types::Settings) (`DateStyle`, `TimeZone`,
//!    `extra_float_digits`, `bytea_output`).

pub mod ast;
pub mod binder;
pub mod catalog;
pub mod copy;
pub mod ddl;
pub mod exec;
pub mod functions;
pub mod optimizer;
pub mod parser;
pub mod plan;
pub mod session;
pub mod system;
pub mod table;
pub mod types;
