//! The COPY sub-protocol.
//!
//! `COPY … TO STDOUT`: CopyOutResponse (format and per-column format
//! codes), then CopyData messages as the engine renders rows — flushed to
//! the socket every [`FLUSH_BYTES`] so the result is never held whole —
//! then CopyDone and CommandComplete.
//!
//! `COPY … FROM STDIN`: CopyInResponse, after which the connection is in
//! copy-in mode: CopyData goes to the engine chunk by chunk, CopyDone ends
//! the COPY (CommandComplete; a simple query then goes on with its next
//! statements), CopyFail or an error aborts it, rolling back what it
//! inserted. Flush and Sync are ignored meanwhile, as PostgreSQL does; any
//! other message is a protocol violation that fails the COPY. A client
//! that goes away mid-COPY drops the session, and with it the uncommitted
//! rows.

use assay_sql::ast::{Copy, CopyTarget, Statement};
use assay_sql::copy::{CopySink, Format};
use assay_sql::parser::ParsedStatement;
use assay_storage::{err, Error, Result, SqlState};
use bytes::Bytes;
use pgwire::messages::copy::{CopyData, CopyDone, CopyInResponse, CopyOutResponse};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};

use crate::connection::Connection;
use crate::outbox::Outbox;
use crate::response::Output;

/// Output gathered before it is handed to the socket mid-COPY.
const FLUSH_BYTES: usize = 256 * 1024;

/// A COPY FROM STDIN waiting for the client's data.
pub(crate) struct CopyWait {
    /// The simple query's statements after the COPY, run once it is done.
    rest: Vec<ParsedStatement>,
    /// Started by Execute: after an error, skip to Sync.
    extended: bool,
}

/// The COPY statement of `statement` if it reads STDIN or writes STDOUT.
pub(crate) fn client_copy(statement: &Statement) -> Option<&Copy> {
    match statement {
        Statement::Copy(c) if c.target == CopyTarget::Stdio => Some(c),
        _ => None,
    }
}

fn format_code(format: Format) -> i8 {
    match format {
        Format::Binary => 1,
        _ => 0,
    }
}

/// COPY TO STDOUT's output as CopyData messages.
struct WireSink<'a> {
    out: &'a mut Output,
    outbox: Option<&'a Outbox>,
}

impl CopySink for WireSink<'_> {
    fn begin(&mut self, format: Format, columns: usize) -> Result<()> {
        let columns = i16::try_from(columns)
            .map_err(|_| err!(SqlState::PROGRAM_LIMIT_EXCEEDED, "too many columns"))?;
        let code = i16::from(format_code(format));
        self.out
            .send(PgWireBackendMessage::CopyOutResponse(CopyOutResponse::new(
                format_code(format),
                columns,
                vec![code; columns as usize],
            )));
        Ok(())
    }

    fn data(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.send(PgWireBackendMessage::CopyData(CopyData::new(
            Bytes::copy_from_slice(bytes),
        )));
        if self.out.buf.len() < FLUSH_BYTES {
            return Ok(());
        }
        let Some(outbox) = self.outbox else {
            return Ok(());
        };
        let mut chunk = std::mem::take(self.out);
        chunk.more = true;
        outbox
            .blocking_send(chunk)
            .map_err(|()| Error::new(SqlState::CONNECTION_FAILURE, "connection to client lost"))
    }
}

impl Connection {
    /// Starts a COPY with the client: runs a COPY TO to the end (`false`),
    /// or enters copy-in mode for a COPY FROM (`true`).
    pub(crate) fn start_copy(&mut self, copy: &Copy, extended: bool) -> Result<bool> {
        if copy.to {
            let mut sink = WireSink {
                out: &mut self.out,
                outbox: self.outbox.as_ref(),
            };
            let result = self.session.copy_out(copy, &mut sink)?;
            for notice in &result.notices {
                self.out.notice(notice);
            }
            self.out
                .send(PgWireBackendMessage::CopyDone(CopyDone::new()));
            self.out.command_complete(&result.tag);
            return Ok(false);
        }
        let shape = self.session.copy_in_start(copy)?;
        let columns = i16::try_from(shape.columns)
            .map_err(|_| err!(SqlState::PROGRAM_LIMIT_EXCEEDED, "too many columns"))?;
        let code = i16::from(format_code(shape.format));
        self.out
            .send(PgWireBackendMessage::CopyInResponse(CopyInResponse::new(
                format_code(shape.format),
                columns,
                vec![code; columns as usize],
            )));
        self.copy = Some(CopyWait {
            rest: Vec::new(),
            extended,
        });
        Ok(true)
    }

    /// Keeps the simple query's remaining statements for after the COPY.
    pub(crate) fn defer_statements(&mut self, rest: Vec<ParsedStatement>) {
        if let Some(wait) = self.copy.as_mut() {
            wait.rest = rest;
        }
    }

    /// A message received in copy-in mode.
    pub(crate) fn copy_message(&mut self, message: PgWireFrontendMessage, kind: u8) {
        match message {
            PgWireFrontendMessage::CopyData(d) => {
                if let Err(e) = self.session.copy_in_data(&d.data) {
                    self.end_copy_with_error(e);
                }
            }
            PgWireFrontendMessage::CopyDone(_) => match self.session.copy_in_done() {
                Ok(result) => {
                    for notice in &result.notices {
                        self.out.notice(notice);
                    }
                    self.out.command_complete(&result.tag);
                    if let Some(wait) = self.copy.take() {
                        if !wait.extended {
                            self.run_simple(wait.rest);
                        }
                    }
                }
                Err(e) => self.end_copy_with_error(e),
            },
            PgWireFrontendMessage::CopyFail(f) => {
                let e = self.session.copy_in_fail(&f.message);
                self.end_copy_with_error(e);
            }
            PgWireFrontendMessage::Flush(_) | PgWireFrontendMessage::Sync(_) => {}
            PgWireFrontendMessage::Terminate(_) => {
                let _ = self
                    .session
                    .copy_in_fail("client terminated the connection");
                self.copy = None;
                self.out.close = true;
            }
            _ => {
                let _ = self.session.copy_in_fail("unexpected message");
                let e = err!(
                    SqlState::PROTOCOL_VIOLATION,
                    "unexpected message type 0x{kind:02X} during COPY from stdin"
                );
                self.end_copy_with_error(e);
            }
        }
    }

    /// Leaves copy-in mode after an error: a simple query ends with
    /// ReadyForQuery, an extended one skips to Sync.
    fn end_copy_with_error(&mut self, e: Error) {
        let wait = self.copy.take();
        self.out.error(&e);
        match wait {
            Some(w) if w.extended => self.skipping = true,
            _ => self.finish_round(),
        }
    }
}
