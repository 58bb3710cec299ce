//! COPY FROM's input side: bytes arrive in chunks of any size; the
//! [`RecordReader`] keeps what is not yet a whole record and hands out
//! whole ones — a text line, a CSV record (which may span lines inside
//! quotes) or a binary tuple — with their line numbers for error context.

use assay_storage::{err, Error, Result, SqlState};

use super::binary;
use super::csv::{self, Quoting};
use super::options::{CopyOptions, Format};
use super::text;

/// A field's bytes after unescaping; `None` is NULL.
pub(crate) type Field = Option<Vec<u8>>;

/// One record of input.
#[derive(Debug, Default)]
pub(crate) struct Record {
    /// 1-based, counting the header line.
    pub line: u64,
    /// The record as it came (text and CSV), for error context.
    pub raw: Vec<u8>,
    pub fields: Vec<Field>,
    /// Per field, whether it was quoted (CSV).
    pub quoted: Vec<bool>,
}

/// PostgreSQL shows at most this many bytes of a line or value in context.
const MAX_DISPLAY: usize = 100;

/// Text for a CONTEXT line: lossy UTF-8, cut at [`MAX_DISPLAY`] bytes
/// with `...` as PostgreSQL's `limit_printout_length` does.
pub(crate) fn display(bytes: &[u8]) -> String {
    if bytes.len() <= MAX_DISPLAY {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut cut = MAX_DISPLAY;
    while cut > 0 && (bytes[cut] & 0xc0) == 0x80 {
        cut -= 1;
    }
    format!("{}...", String::from_utf8_lossy(&bytes[..cut]))
}

/// The 22P04 error of malformed COPY data.
pub(crate) fn bad_format(message: impl Into<String>) -> Error {
    Error::new(SqlState::new(b"22P04"), message)
}

/// The 22021 error of bytes that are not UTF-8.
pub(crate) fn bad_utf8(bytes: &[u8]) -> Option<Error> {
    let e = std::str::from_utf8(bytes).err()?;
    let bad: Vec<String> = bytes[e.valid_up_to()..]
        .iter()
        .take(e.error_len().unwrap_or(1))
        .map(|b| format!("0x{b:02x}"))
        .collect();
    Some(err!(
        SqlState::new(b"22021"),
        "invalid byte sequence for encoding \"UTF8\": {}",
        bad.join(" ")
    ))
}

/// Splits a stream of COPY data into records.
pub(crate) struct RecordReader {
    format: Format,
    quoting: Quoting,
    null: Vec<u8>,
    /// `COPY t`, the start of every CONTEXT line.
    what: String,
    buf: Vec<u8>,
    /// Start of the unread part of `buf`.
    at: usize,
    line: u64,
    /// The end marker (`\.` or the binary trailer) was read: the rest is
    /// ignored.
    ended: bool,
    /// Binary data starts with a signature and header.
    header_read: bool,
    /// Fields a binary tuple must have.
    pub expected_fields: usize,
}

impl RecordReader {
    pub fn new(options: &CopyOptions, what: String) -> RecordReader {
        RecordReader {
            format: options.format,
            quoting: Quoting {
                delimiter: options.delimiter,
                quote: options.quote,
                escape: options.escape,
            },
            null: options.null.as_bytes().to_vec(),
            what,
            buf: Vec::new(),
            at: 0,
            line: 0,
            ended: false,
            header_read: false,
            expected_fields: 0,
        }
    }

    /// Adds a chunk of input.
    pub fn feed(&mut self, data: &[u8]) {
        if self.ended {
            return;
        }
        if self.at > 0 && self.at == self.buf.len() {
            self.buf.clear();
            self.at = 0;
        } else if self.at > (1 << 16) && self.at * 2 > self.buf.len() {
            self.buf.drain(..self.at);
            self.at = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// Bytes fed and not yet read as records.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.at
    }

    /// The last record's line number.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// `COPY t, line n`.
    pub fn context(&self) -> String {
        format!("{}, line {}", self.what, self.line)
    }

    /// The next whole record into `out`; `false` when there is none yet
    /// (or, once `eof`, none at all).
    pub fn next(&mut self, eof: bool, out: &mut Record) -> Result<bool> {
        if self.ended {
            return Ok(false);
        }
        if self.format == Format::Binary {
            return self.next_binary(eof, out);
        }
        let rest = &self.buf[self.at..];
        if rest.is_empty() {
            return Ok(false);
        }
        let end = match self.format {
            Format::Csv => csv::record_end(rest, self.quoting, eof),
            _ => text::line_end(rest, eof),
        };
        let Some((content_end, next)) = end else {
            return Ok(false);
        };
        let record = &rest[..content_end];
        self.line += 1;
        self.at += next;
        if record == b"\\." {
            self.ended = true;
            return Ok(false);
        }
        out.line = self.line;
        out.raw.clear();
        out.raw.extend_from_slice(record);
        let context = || format!("{}, line {}: \"{}\"", self.what, self.line, display(record));
        if let Some(e) = bad_utf8(record) {
            return Err(e.with_where(format!("{}, line {}", self.what, self.line)));
        }
        match self.format {
            Format::Csv => {
                csv::split_fields(
                    record,
                    self.quoting,
                    &self.null,
                    &mut out.fields,
                    &mut out.quoted,
                )
                .map_err(|_| bad_format("unterminated CSV quoted field").with_where(context()))?;
            }
            _ => {
                text::split_fields(record, self.quoting.delimiter, &self.null, &mut out.fields);
                out.quoted.clear();
                out.quoted.resize(out.fields.len(), false);
            }
        }
        Ok(true)
    }

    fn next_binary(&mut self, eof: bool, out: &mut Record) -> Result<bool> {
        if !self.header_read {
            match binary::read_header(&self.buf[self.at..])? {
                Some(used) => {
                    self.at += used;
                    self.header_read = true;
                }
                None if eof => {
                    return Err(bad_format("COPY file signature not recognized"));
                }
                None => return Ok(false),
            }
        }
        let rest = &self.buf[self.at..];
        if rest.is_empty() {
            if eof {
                return Err(
                    bad_format("unexpected EOF in COPY data").with_where(format!(
                        "{}, line {}",
                        self.what,
                        self.line + 1
                    )),
                );
            }
            return Ok(false);
        }
        let tuple = binary::read_tuple(rest, self.expected_fields, &mut out.fields)
            .map_err(|e| e.with_where(format!("{}, line {}", self.what, self.line + 1)))?;
        match tuple {
            binary::Tuple::Incomplete if eof => Err(bad_format("unexpected EOF in COPY data")
                .with_where(format!("{}, line {}", self.what, self.line + 1))),
            binary::Tuple::Incomplete => Ok(false),
            binary::Tuple::Trailer(used) => {
                self.at += used;
                self.ended = true;
                Ok(false)
            }
            binary::Tuple::Row(used) => {
                self.at += used;
                self.line += 1;
                out.line = self.line;
                out.raw.clear();
                out.quoted.clear();
                out.quoted.resize(out.fields.len(), false);
                Ok(true)
            }
        }
    }
}
