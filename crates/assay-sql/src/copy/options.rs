//! COPY's options, read from the statement's generic list and checked as
//! PostgreSQL's `ProcessCopyOptions` checks them, in the same order and
//! with the same messages.

use assay_storage::{Error, Result, SqlState};

use crate::ast::{CopyOption, CopyOptionValue};

/// The data format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
    Binary,
}

/// Whether the data starts with a header line, and whether its names are
/// checked against the columns (`HEADER MATCH`, COPY FROM only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    Absent,
    Present,
    Match,
}

/// Columns an option applies to: none, some by name, or all (`*`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ColumnSet {
    #[default]
    None,
    Named(Vec<String>),
    All,
}

impl ColumnSet {
    fn is_set(&self) -> bool {
        !matches!(self, ColumnSet::None)
    }
}

/// Every COPY option, with its default filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyOptions {
    pub format: Format,
    pub freeze: bool,
    pub delimiter: u8,
    /// The string that stands for NULL.
    pub null: String,
    pub header: Header,
    pub quote: u8,
    pub escape: u8,
    pub force_quote: ColumnSet,
    pub force_not_null: ColumnSet,
    pub force_null: ColumnSet,
}

impl Default for CopyOptions {
    fn default() -> CopyOptions {
        CopyOptions {
            format: Format::Text,
            freeze: false,
            delimiter: b'\t',
            null: "\\N".into(),
            header: Header::Absent,
            quote: b'"',
            escape: b'"',
            force_quote: ColumnSet::None,
            force_not_null: ColumnSet::None,
            force_null: ColumnSet::None,
        }
    }
}

fn syntax(message: impl Into<String>) -> Error {
    Error::new(SqlState::SYNTAX_ERROR, message)
}

fn unsupported(message: &str) -> Error {
    Error::new(SqlState::FEATURE_NOT_SUPPORTED, message)
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(SqlState::INVALID_PARAMETER_VALUE, message)
}

/// The text of an option's value (`FORMAT csv`, `DELIMITER ','`).
fn string_value(o: &CopyOption) -> Result<String> {
    match &o.value {
        Some(CopyOptionValue::String(s)) => Ok(s.clone()),
        Some(CopyOptionValue::Bool(b)) => Ok(b.to_string()),
        _ => Err(syntax(format!("{} requires a parameter", o.name))),
    }
}

/// A Boolean option's value, as PostgreSQL's `defGetBoolean` reads it.
fn bool_value(o: &CopyOption) -> Result<bool> {
    let text = match &o.value {
        None => return Ok(true),
        Some(CopyOptionValue::Bool(b)) => return Ok(*b),
        Some(CopyOptionValue::String(s)) => s.to_ascii_lowercase(),
        Some(_) => String::new(),
    };
    match text.as_str() {
        "true" | "on" | "1" => Ok(true),
        "false" | "off" | "0" => Ok(false),
        _ => Err(syntax(format!("{} requires a Boolean value", o.name))),
    }
}

fn column_list(o: &CopyOption) -> Result<ColumnSet> {
    match &o.value {
        Some(CopyOptionValue::Columns(c)) => Ok(ColumnSet::Named(c.clone())),
        Some(CopyOptionValue::Star) if o.name == "force_quote" => Ok(ColumnSet::All),
        _ => Err(syntax(format!(
            "argument to option \"{}\" must be a list of column names",
            o.name
        ))),
    }
}

/// A one-byte character option (`DELIMITER`, `QUOTE`, `ESCAPE`).
fn single_byte(value: &Option<String>, what: &str) -> Result<Option<u8>> {
    match value.as_deref() {
        None => Ok(None),
        Some(s) if s.len() == 1 => Ok(Some(s.as_bytes()[0])),
        Some(_) => Err(unsupported(&format!(
            "COPY {what} must be a single one-byte character"
        ))),
    }
}

impl CopyOptions {
    /// Reads and checks the options of a COPY `TO` (`to`) or `FROM`.
    pub fn parse(options: &[CopyOption], to: bool) -> Result<CopyOptions> {
        let mut seen: Vec<&str> = Vec::new();
        let mut format = None;
        let mut freeze = false;
        let mut delimiter: Option<String> = None;
        let mut null: Option<String> = None;
        let mut header = Header::Absent;
        let mut quote: Option<String> = None;
        let mut escape: Option<String> = None;
        let mut force_quote = ColumnSet::None;
        let mut force_not_null = ColumnSet::None;
        let mut force_null = ColumnSet::None;
        for o in options {
            let name = o.name.as_str();
            if seen.contains(&name) {
                return Err(syntax("conflicting or redundant options"));
            }
            seen.push(name);
            match name {
                "format" => {
                    let f = string_value(o)?;
                    format = Some(match f.as_str() {
                        "text" => Format::Text,
                        "csv" => Format::Csv,
                        "binary" => Format::Binary,
                        other => {
                            return Err(invalid(format!("COPY format \"{other}\" not recognized")))
                        }
                    });
                }
                "freeze" => freeze = bool_value(o)?,
                "delimiter" => delimiter = Some(string_value(o)?),
                "null" => null = Some(string_value(o)?),
                "header" => header = header_value(o, to)?,
                "quote" => quote = Some(string_value(o)?),
                "escape" => escape = Some(string_value(o)?),
                "force_quote" => force_quote = column_list(o)?,
                "force_not_null" => force_not_null = column_list(o)?,
                "force_null" => force_null = column_list(o)?,
                "encoding" => {
                    let e = string_value(o)?;
                    let plain: String = e
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    if !KNOWN_ENCODINGS.contains(&plain.as_str()) {
                        return Err(invalid(format!(
                            "argument to option \"{name}\" must be a valid encoding name"
                        )));
                    }
                    if plain != "utf8" && plain != "unicode" && plain != "sqlascii" {
                        return Err(unsupported(&format!(
                            "COPY encoding \"{e}\" is not supported: Assay reads and writes UTF8"
                        )));
                    }
                }
                other => return Err(syntax(format!("option \"{other}\" not recognized"))),
            }
        }
        let format = format.unwrap_or(Format::Text);
        let binary = format == Format::Binary;
        let csv = format == Format::Csv;
        if binary && delimiter.is_some() {
            return Err(syntax("cannot specify DELIMITER in BINARY mode"));
        }
        if binary && null.is_some() {
            return Err(syntax("cannot specify NULL in BINARY mode"));
        }
        let delimiter_byte = single_byte(&delimiter, "delimiter")?;
        let delimiter = delimiter_byte.unwrap_or(if csv { b',' } else { b'\t' });
        let null = null.unwrap_or_else(|| if csv { String::new() } else { "\\N".into() });
        if delimiter == b'\n' || delimiter == b'\r' {
            return Err(invalid(
                "COPY delimiter cannot be newline or carriage return",
            ));
        }
        if null.contains(['\r', '\n']) {
            return Err(invalid(
                "COPY null representation cannot use newline or carriage return",
            ));
        }
        if format == Format::Text && b"\\.abcdefghijklmnopqrstuvwxyz0123456789".contains(&delimiter)
        {
            return Err(invalid(format!(
                "COPY delimiter cannot be \"{}\"",
                delimiter as char
            )));
        }
        if binary && header != Header::Absent {
            return Err(unsupported("cannot specify HEADER in BINARY mode"));
        }
        if !csv && quote.is_some() {
            return Err(unsupported("COPY quote available only in CSV mode"));
        }
        let quote = single_byte(&quote, "quote")?.unwrap_or(b'"');
        if csv && delimiter == quote {
            return Err(invalid("COPY delimiter and quote must be different"));
        }
        if !csv && escape.is_some() {
            return Err(unsupported("COPY escape available only in CSV mode"));
        }
        let escape = single_byte(&escape, "escape")?.unwrap_or(quote);
        if !csv && force_quote.is_set() {
            return Err(unsupported("COPY force quote available only in CSV mode"));
        }
        if force_quote.is_set() && !to {
            return Err(unsupported("COPY force quote only available using COPY TO"));
        }
        if !csv && force_not_null.is_set() {
            return Err(unsupported(
                "COPY force not null available only in CSV mode",
            ));
        }
        if force_not_null.is_set() && to {
            return Err(unsupported(
                "COPY force not null only available using COPY FROM",
            ));
        }
        if !csv && force_null.is_set() {
            return Err(unsupported("COPY force null available only in CSV mode"));
        }
        if force_null.is_set() && to {
            return Err(unsupported(
                "COPY force null only available using COPY FROM",
            ));
        }
        if null.as_bytes().contains(&delimiter) {
            return Err(unsupported(
                "COPY delimiter must not appear in the NULL specification",
            ));
        }
        if csv && null.as_bytes().contains(&quote) {
            return Err(unsupported(
                "CSV quote character must not appear in the NULL specification",
            ));
        }
        Ok(CopyOptions {
            format,
            freeze,
            delimiter,
            null,
            header,
            quote,
            escape,
            force_quote,
            force_not_null,
            force_null,
        })
    }
}

/// `HEADER`, `HEADER true|false|on|off|0|1`, or `HEADER MATCH`.
fn header_value(o: &CopyOption, to: bool) -> Result<Header> {
    if let Some(CopyOptionValue::String(s)) = &o.value {
        if s.eq_ignore_ascii_case("match") {
            if to {
                return Err(unsupported("cannot use \"match\" with HEADER in COPY TO"));
            }
            return Ok(Header::Match);
        }
    }
    match bool_value(o) {
        Ok(true) => Ok(Header::Present),
        Ok(false) => Ok(Header::Absent),
        Err(_) => Err(syntax(format!(
            "{} requires a Boolean value or \"match\"",
            o.name
        ))),
    }
}

/// PostgreSQL's encoding names, without punctuation and lower-cased, so
/// a misspelt name is told apart from a real one Assay does not convert.
const KNOWN_ENCODINGS: &[&str] = &[
    "sqlascii",
    "utf8",
    "unicode",
    "latin1",
    "latin2",
    "latin3",
    "latin4",
    "latin5",
    "latin6",
    "latin7",
    "latin8",
    "latin9",
    "latin10",
    "win1250",
    "win1251",
    "win1252",
    "win1253",
    "win1254",
    "win1255",
    "win1256",
    "win1257",
    "win1258",
    "win866",
    "win874",
    "koi8r",
    "koi8u",
    "eucjp",
    "euccn",
    "euckr",
    "euctw",
    "eucjis2004",
    "sjis",
    "big5",
    "gbk",
    "uhc",
    "gb18030",
    "johab",
    "shiftjis2004",
    "iso88595",
    "iso88596",
    "iso88597",
    "iso88598",
    "mule_internal",
    "muleinternal",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(name: &str, value: Option<&str>) -> CopyOption {
        CopyOption {
            name: name.into(),
            value: value.map(|v| CopyOptionValue::String(v.into())),
        }
    }

    fn fails(options: &[CopyOption], to: bool) -> (String, String) {
        let e = CopyOptions::parse(options, to).unwrap_err();
        (e.code().as_str().to_string(), e.message().to_string())
    }

    #[test]
    fn defaults_follow_the_format() {
        let text = CopyOptions::parse(&[], true).unwrap();
        assert_eq!((text.delimiter, text.null.as_str()), (b'\t', "\\N"));
        let csv = CopyOptions::parse(&[opt("format", Some("csv"))], true).unwrap();
        assert_eq!((csv.delimiter, csv.null.as_str()), (b',', ""));
        assert_eq!((csv.quote, csv.escape), (b'"', b'"'));
        let q = CopyOptions::parse(&[opt("format", Some("csv")), opt("quote", Some("'"))], true)
            .unwrap();
        assert_eq!(q.escape, b'\'');
    }

    #[test]
    fn errors_are_postgresqls() {
        let cases: &[(&[CopyOption], bool, &str, &str)] = &[
            (
                &[opt("foo", Some("1"))],
                true,
                "42601",
                "option \"foo\" not recognized",
            ),
            (
                &[opt("format", Some("foo"))],
                true,
                "22023",
                "COPY format \"foo\" not recognized",
            ),
            (
                &[opt("format", Some("csv")), opt("format", Some("csv"))],
                true,
                "42601",
                "conflicting or redundant options",
            ),
            (
                &[opt("delimiter", Some("\\"))],
                true,
                "22023",
                "COPY delimiter cannot be \"\\\"",
            ),
            (
                &[opt("format", Some("csv")), opt("delimiter", Some("\""))],
                true,
                "22023",
                "COPY delimiter and quote must be different",
            ),
            (
                &[opt("null", Some("\n"))],
                true,
                "22023",
                "COPY null representation cannot use newline or carriage return",
            ),
            (
                &[opt("format", Some("binary")), opt("null", Some("x"))],
                true,
                "42601",
                "cannot specify NULL in BINARY mode",
            ),
            (
                &[opt("format", Some("binary")), opt("header", None)],
                true,
                "0A000",
                "cannot specify HEADER in BINARY mode",
            ),
            (
                &[opt("escape", Some("x"))],
                true,
                "0A000",
                "COPY escape available only in CSV mode",
            ),
            (
                &[opt("format", Some("csv")), opt("null", Some(","))],
                true,
                "0A000",
                "COPY delimiter must not appear in the NULL specification",
            ),
            (
                &[opt("delimiter", Some(",,"))],
                true,
                "0A000",
                "COPY delimiter must be a single one-byte character",
            ),
            (
                &[opt("header", Some("match"))],
                true,
                "0A000",
                "cannot use \"match\" with HEADER in COPY TO",
            ),
            (
                &[opt("header", Some("2"))],
                false,
                "42601",
                "header requires a Boolean value or \"match\"",
            ),
            (
                &[opt("encoding", Some("foo"))],
                true,
                "22023",
                "argument to option \"encoding\" must be a valid encoding name",
            ),
        ];
        for (options, to, code, message) in cases {
            assert_eq!(fails(options, *to), (code.to_string(), message.to_string()));
        }
        let fq = CopyOption {
            name: "force_quote".into(),
            value: Some(CopyOptionValue::Star),
        };
        assert_eq!(
            fails(std::slice::from_ref(&fq), true).1,
            "COPY force quote available only in CSV mode"
        );
        assert_eq!(
            fails(&[opt("format", Some("csv")), fq], false).1,
            "COPY force quote only available using COPY TO"
        );
    }

    #[test]
    fn header_match_and_booleans() {
        let m = CopyOptions::parse(&[opt("header", Some("match"))], false).unwrap();
        assert_eq!(m.header, Header::Match);
        let off = CopyOptions::parse(&[opt("header", Some("off"))], false).unwrap();
        assert_eq!(off.header, Header::Absent);
        let bare = CopyOptions::parse(&[opt("header", None)], true).unwrap();
        assert_eq!(bare.header, Header::Present);
    }
}
