//! The pieces of the `assay` command: the shell, psql-style output and
//! describe commands, and input splitting.

pub mod describe;
pub mod input;
pub mod shell;
pub mod table;
