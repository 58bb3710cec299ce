//! Assay's PostgreSQL wire-protocol server: psql, drivers and ORMs connect
//! to it unchanged.
//!
//! A connection's life:
//!
//! 1. [`server`] accepts a TCP connection and runs its *startup* on the
//!    async reactor ([`startup`]): SSL and GSS requests are refused, the
//!    StartupMessage is decoded with `pgwire`'s messages.
//! 2. The connection then gets its own OS thread, which owns the engine's
//!    [`Session`](assay_sql::session::Session) (blocking work never runs on
//!    the reactor). The reactor task reads whole frames ([`frame`]) and hands
//!    them to the thread; the thread answers with the bytes to write.
//! 3. On that thread, [`connection`] runs the protocol: simple queries,
//!    and the extended protocol's statements and portals ([`extended`]),
//!    turning values into the wire's text and binary formats
//!    ([`wire_value`]) and errors into ErrorResponse ([`response`]).
//! 4. Each database is a file `<data_dir>/<name>.assay`, opened once and
//!    shared by its connections ([`databases`]); `CREATE DATABASE` and
//!    `DROP DATABASE` are the server's, since an engine is one file.

mod cancel;
mod connection;
mod copy;
mod databases;
mod extended;
mod frame;
mod notify;
mod response;
mod server;
mod startup;
mod wire_value;

pub use server::{serve, Config, Server};
