//! Executor tests over hand-built plans and [`MemoryTables`]. Expected
//! results that are not obvious were checked on PostgreSQL 15.

mod eval;
mod fixtures;
mod group_aggregate;
mod merge;
mod modify;
mod query;
mod store;
mod window;
