//! The pieces of the `assay` command that are worth testing on their own.

pub mod input;
pub mod table;
