//! Records to rows and rows to records: each field through its column
//! type's input (or `typreceive`) function on the way in, and its output
//! (or `typsend`) function on the way out, with PostgreSQL's messages and
//! CONTEXT lines for bad data.

use assay_storage::Result;

use super::binary;
use super::csv::{self, Quoting};
use super::options::{ColumnSet, CopyOptions, Format, Header};
use super::record::{bad_format, bad_utf8, display, Record};
use super::text;
use crate::types::{assign, format_value, parse_value, send_recv, DataType, Settings, Value};

/// A column COPY reads or writes.
#[derive(Clone, Debug)]
pub struct CopyColumn {
    pub name: String,
    pub ty: DataType,
}

/// Whether each column is in a FORCE_… list (`*` is all of them).
fn flags(set: &ColumnSet, columns: &[CopyColumn]) -> Vec<bool> {
    columns
        .iter()
        .map(|c| match set {
            ColumnSet::None => false,
            ColumnSet::All => true,
            ColumnSet::Named(names) => names.contains(&c.name),
        })
        .collect()
}

/// Turns input records into row values.
pub(crate) struct RowReader {
    /// `COPY t`, the start of CONTEXT lines.
    what: String,
    columns: Vec<CopyColumn>,
    format: Format,
    header: Header,
    null: Vec<u8>,
    force_not_null: Vec<bool>,
    force_null: Vec<bool>,
    /// Each column's type without its modifier, what the input function
    /// reads (`None` when the type has no modifier to apply after).
    bases: Vec<Option<DataType>>,
}

impl RowReader {
    pub fn new(options: &CopyOptions, what: String, columns: Vec<CopyColumn>) -> RowReader {
        RowReader {
            force_not_null: flags(&options.force_not_null, &columns),
            force_null: flags(&options.force_null, &columns),
            bases: columns
                .iter()
                .map(|c| {
                    let base = c.ty.without_typmod();
                    (base != c.ty).then_some(base)
                })
                .collect(),
            what,
            columns,
            format: options.format,
            header: options.header,
            null: options.null.as_bytes().to_vec(),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn columns(&self) -> &[CopyColumn] {
        &self.columns
    }

    fn line_context(&self, r: &Record) -> String {
        format!("{}, line {}: \"{}\"", self.what, r.line, display(&r.raw))
    }

    /// Checks the header line (HEADER MATCH) or just skips it; `true`
    /// when `r` was the header.
    pub fn header(&self, r: &Record) -> Result<bool> {
        if r.line != 1 || self.header == Header::Absent {
            return Ok(false);
        }
        if self.header == Header::Present {
            return Ok(true);
        }
        if r.fields.len() != self.columns.len() {
            return Err(bad_format(format!(
                "wrong number of fields in header line: got {}, expected {}",
                r.fields.len(),
                self.columns.len()
            ))
            .with_where(self.line_context(r)));
        }
        for (i, (field, col)) in r.fields.iter().zip(&self.columns).enumerate() {
            let message = match field {
                None => format!(
                    "column name mismatch in header line field {}: got null value (\"{}\"), expected \"{}\"",
                    i + 1,
                    String::from_utf8_lossy(&self.null),
                    col.name
                ),
                Some(name) if name.as_slice() != col.name.as_bytes() => format!(
                    "column name mismatch in header line field {}: got \"{}\", expected \"{}\"",
                    i + 1,
                    String::from_utf8_lossy(name),
                    col.name
                ),
                Some(_) => continue,
            };
            return Err(bad_format(message).with_where(self.line_context(r)));
        }
        Ok(true)
    }

    /// The row a record stands for, one value per COPY column.
    pub fn row(&self, r: &Record, settings: &Settings, out: &mut Vec<Value>) -> Result<()> {
        out.clear();
        if r.fields.len() > self.columns.len() {
            return Err(bad_format("extra data after last expected column")
                .with_where(self.line_context(r)));
        }
        if let Some(col) = self.columns.get(r.fields.len()) {
            return Err(
                bad_format(format!("missing data for column \"{}\"", col.name))
                    .with_where(self.line_context(r)),
            );
        }
        for (i, (field, col)) in r.fields.iter().zip(&self.columns).enumerate() {
            let quoted = r.quoted.get(i).copied().unwrap_or(false);
            let field = match field {
                None if self.force_not_null[i] => Some(self.null.as_slice()),
                Some(v) if self.force_null[i] && quoted && *v == self.null => None,
                other => other.as_deref(),
            };
            let Some(bytes) = field else {
                out.push(Value::Null);
                continue;
            };
            let base = self.bases[i].as_ref();
            let value = if self.format == Format::Binary {
                read_binary(bytes, &col.ty, base, settings).map_err(|e| {
                    e.with_where(format!(
                        "{}, line {}, column {}",
                        self.what, r.line, col.name
                    ))
                })?
            } else {
                read_text(bytes, &col.ty, base, settings).map_err(|e| {
                    e.with_where(format!(
                        "{}, line {}, column {}: \"{}\"",
                        self.what,
                        r.line,
                        col.name,
                        display(bytes)
                    ))
                })?
            };
            out.push(value);
        }
        Ok(())
    }
}

/// A value from its text form, with the column's type modifier applied
/// (`base` is the type without it, `None` when there is none).
fn read_text(
    bytes: &[u8],
    ty: &DataType,
    base: Option<&DataType>,
    settings: &Settings,
) -> Result<Value> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => return Err(bad_utf8(bytes).unwrap_or_else(|| bad_format("invalid UTF-8"))),
    };
    match base {
        None => parse_value(text, ty, settings),
        Some(base) => assign(&parse_value(text, base, settings)?, base, ty, settings),
    }
}

fn read_binary(
    bytes: &[u8],
    ty: &DataType,
    base: Option<&DataType>,
    settings: &Settings,
) -> Result<Value> {
    match base {
        None => send_recv::recv(bytes, ty),
        Some(base) => assign(&send_recv::recv(bytes, base)?, base, ty, settings),
    }
}

/// Turns rows into output records.
pub(crate) struct RowWriter {
    format: Format,
    quoting: Quoting,
    null: Vec<u8>,
    header: bool,
    force_quote: Vec<bool>,
    names: Vec<String>,
}

impl RowWriter {
    pub fn new(options: &CopyOptions, columns: &[CopyColumn]) -> RowWriter {
        RowWriter {
            format: options.format,
            quoting: Quoting {
                delimiter: options.delimiter,
                quote: options.quote,
                escape: options.escape,
            },
            null: options.null.as_bytes().to_vec(),
            header: options.header != Header::Absent,
            force_quote: flags(&options.force_quote, columns),
            names: columns.iter().map(|c| c.name.clone()).collect(),
        }
    }

    /// What comes before the first row: the binary header or the header
    /// line.
    pub fn start(&self, out: &mut Vec<u8>) {
        match self.format {
            Format::Binary => out.extend_from_slice(&binary::header()),
            _ if self.header => {
                let single = self.names.len() == 1;
                for (i, name) in self.names.iter().enumerate() {
                    if i > 0 {
                        out.push(self.quoting.delimiter);
                    }
                    match self.format {
                        Format::Csv => csv::quote_into(
                            out,
                            name.as_bytes(),
                            self.quoting,
                            &self.null,
                            false,
                            single,
                        ),
                        _ => text::escape_into(out, name.as_bytes(), self.quoting.delimiter),
                    }
                }
                out.push(b'\n');
            }
            _ => {}
        }
    }

    /// Appends one row.
    pub fn row(&self, row: &[Value], settings: &Settings, out: &mut Vec<u8>) -> Result<()> {
        if self.format == Format::Binary {
            binary::put_count(out, row.len());
            for v in row {
                binary::put_field(out, v)?;
            }
            return Ok(());
        }
        let single = row.len() == 1;
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                out.push(self.quoting.delimiter);
            }
            let Some(text) = format_value(v, settings) else {
                out.extend_from_slice(&self.null);
                continue;
            };
            match self.format {
                Format::Csv => csv::quote_into(
                    out,
                    text.as_bytes(),
                    self.quoting,
                    &self.null,
                    self.force_quote.get(i).copied().unwrap_or(false),
                    single,
                ),
                _ => text::escape_into(out, text.as_bytes(), self.quoting.delimiter),
            }
        }
        out.push(b'\n');
        Ok(())
    }

    /// What comes after the last row (the binary trailer).
    pub fn finish(&self, out: &mut Vec<u8>) {
        if self.format == Format::Binary {
            out.extend_from_slice(&binary::TRAILER);
        }
    }
}
