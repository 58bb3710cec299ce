//! Assay's PostgreSQL wire-protocol server: psql, drivers and ORMs connect
//! to it unchanged.
//!
//! A connection's life:
//!
//! 1. [`server`] accepts a TCP connection and runs its *startup* on the
//!    async reactor ([`startup`]): an SSL request upgrades the connection to
//!    TLS when the server has a certificate ([`tls`]), GSS requests are
//!    refused, the StartupMessage is decoded with `pgwire`'s messages. The
//!    client is then admitted there too: TLS if required, a free slot of
//!    `--max-connections` and of its role's limit ([`limits`]), and the
//!    password exchange its role needs ([`auth`]: SCRAM-SHA-256 or md5).
//! 2. The connection then gets its own OS thread, which owns the engine's
//!    [`Session`](assay_sql::session::Session) (blocking work never runs on
//!    the reactor). The reactor task reads whole frames ([`frame`]) and hands
//!    them to the thread; the thread answers with the bytes to write. On a
//!    plain TCP socket the thread then reads and writes the socket itself
//!    while its client keeps it busy ([`direct`]).
//! 3. On that thread, [`connection`] runs the protocol: simple queries,
//!    and the extended protocol's statements and portals ([`extended`]),
//!    turning values into the wire's text and binary formats
//!    ([`wire_value`]) and errors into ErrorResponse ([`response`]).
//! 4. Each database is a file `<data_dir>/<name>.assay`, opened once and
//!    shared by its connections ([`databases`]); `CREATE DATABASE` and
//!    `DROP DATABASE` are the server's, since an engine is one file, and so
//!    are each database's `CONNECTION LIMIT` and `ALLOW_CONNECTIONS`
//!    ([`database_options`]), checked when a client logs in.
//! 5. Every session registers in one registry shared by all databases
//!    (`assay_sql::session::ActivityRegistry`): `pg_stat_activity` and
//!    `pg_stat_ssl` list them all, and `pg_terminate_backend` wakes the
//!    reactor task of the session it ends, which sends FATAL 57P01.

mod auth;
mod cancel;
mod connection;
mod copy;
mod database_options;
mod databases;
mod direct;
mod extended;
mod frame;
mod limits;
mod notify;
mod outbox;
mod response;
mod server;
mod startup;
mod tls;
mod wire_value;

pub use auth::AuthPolicy;
pub use server::{serve, Config, Server};
pub use tls::TlsFiles;
