//! Backend messages: the output buffer a connection fills, and how errors,
//! notices and row descriptions look on the wire.

use assay_sql::plan::Field;
use assay_sql::session::Notice;
use assay_storage::Error;
use bytes::BytesMut;
use pgwire::messages::data::{FieldDescription, RowDescription};
use pgwire::messages::response::{
    CommandComplete, ErrorResponse, NoticeResponse, ReadyForQuery, TransactionStatus,
};
use pgwire::messages::PgWireBackendMessage;

use crate::wire_value::typlen;

/// Bytes waiting to be written to the client.
#[derive(Default)]
pub(crate) struct Output {
    pub buf: BytesMut,
    /// Close the connection once the buffer is written.
    pub close: bool,
    /// More output of the same batch follows (a COPY TO streaming): write
    /// this and wait for the rest before reading the client again.
    pub more: bool,
    /// Not an answer to the client's messages (notifications sent while
    /// idle): write it and go on waiting for whatever was awaited.
    pub unsolicited: bool,
    /// Ready for a query inside a transaction block with
    /// `idle_in_transaction_session_timeout` set: how long the client may
    /// take to send its next message before the connection is ended.
    pub idle_timeout: Option<std::time::Duration>,
    /// The thread hands the socket back to the reactor (see direct.rs),
    /// with the bytes it read past the last whole message.
    pub hand_back: Option<BytesMut>,
}

impl Output {
    /// Appends a message. A message too large for the protocol is replaced
    /// by an error, leaving the stream well formed.
    pub fn send(&mut self, message: PgWireBackendMessage) {
        let at = self.buf.len();
        if let Err(e) = message.encode(&mut self.buf) {
            self.buf.truncate(at);
            let error = Error::new(
                assay_storage::SqlState::PROGRAM_LIMIT_EXCEEDED,
                format!("could not send message: {e}"),
            );
            self.error(&error);
        }
    }

    pub fn error(&mut self, error: &Error) {
        self.send(PgWireBackendMessage::ErrorResponse(ErrorResponse::new(
            error_fields(error, "ERROR"),
        )));
    }

    /// A FATAL error, after which the connection closes.
    pub fn fatal(&mut self, error: &Error) {
        self.send(PgWireBackendMessage::ErrorResponse(ErrorResponse::new(
            error_fields(error, "FATAL"),
        )));
        self.close = true;
    }

    pub fn notice(&mut self, notice: &Notice) {
        let fields = vec![
            (b'S', notice.severity.to_string()),
            (b'V', notice.severity.to_string()),
            (b'C', notice.code.as_str().to_string()),
            (b'M', notice.message.clone()),
        ];
        self.send(PgWireBackendMessage::NoticeResponse(NoticeResponse::new(
            fields,
        )));
    }

    pub fn command_complete(&mut self, tag: &str) {
        self.send(PgWireBackendMessage::CommandComplete(CommandComplete::new(
            tag.to_string(),
        )));
    }

    pub fn ready(&mut self, status: char) {
        let status = match status {
            'T' => TransactionStatus::Transaction,
            'E' => TransactionStatus::Error,
            _ => TransactionStatus::Idle,
        };
        self.send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
            status,
        )));
    }

    /// RowDescription of `columns`, each sent in the format `formats` says
    /// (Bind's result format codes: none, one for all, or one each).
    pub fn row_description(&mut self, columns: &[Field], formats: &[i16]) {
        let fields = columns
            .iter()
            .enumerate()
            .map(|(i, f)| {
                FieldDescription::new(
                    f.name.clone(),
                    0,
                    0,
                    f.data_type.oid(),
                    typlen(&f.data_type),
                    f.data_type.typmod(),
                    format_for(formats, i),
                )
            })
            .collect();
        self.send(PgWireBackendMessage::RowDescription(RowDescription::new(
            fields,
        )));
    }
}

/// The format code for column (or parameter) `i` from a list of codes.
pub(crate) fn format_for(formats: &[i16], i: usize) -> i16 {
    match formats {
        [] => 0,
        [one] => *one,
        many => many.get(i).copied().unwrap_or(0),
    }
}

/// ErrorResponse fields: severity, SQLSTATE, message, and the optional
/// detail, hint and cursor position.
fn error_fields(error: &Error, severity: &str) -> Vec<(u8, String)> {
    let mut fields = vec![
        (b'S', severity.to_string()),
        (b'V', severity.to_string()),
        (b'C', error.code().as_str().to_string()),
        (b'M', error.message().to_string()),
    ];
    if let Some(detail) = error.detail() {
        fields.push((b'D', detail.to_string()));
    }
    if let Some(hint) = error.hint() {
        fields.push((b'H', hint.to_string()));
    }
    if let Some(position) = error.position() {
        fields.push((b'P', position.to_string()));
    }
    if let Some(context) = error.where_context() {
        fields.push((b'W', context.to_string()));
    }
    fields
}
