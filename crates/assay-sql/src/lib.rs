//! Assay's SQL layer.
pub mod ast;
pub mod parser;
