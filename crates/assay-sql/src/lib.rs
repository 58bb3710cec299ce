//! Assay's SQL layer.
//!
//! For now it holds [`types`]: SQL data types and values with PostgreSQL's
//! semantics — text input and output, casts, and operators.

pub mod types;
