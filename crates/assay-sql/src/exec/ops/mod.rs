//! Operators, one file per family.

pub(crate) mod aggregate;
pub(crate) mod basic;
pub(crate) mod constraints;
pub(crate) mod dedup;
pub(crate) mod group_aggregate;
pub(crate) mod hashjoin;
pub(crate) mod hashkey;
pub(crate) mod join;
pub(crate) mod merge;
pub(crate) mod modify;
pub(crate) mod modifying_cte;
pub(crate) mod scan;
pub(crate) mod setop;
pub(crate) mod sort;
pub(crate) mod window;
