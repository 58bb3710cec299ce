//! The CSV format: fields split by the delimiter, quoted when they hold
//! the delimiter, the quote, the escape or a line break (a quoted field
//! may span lines), the escape character doubling as quote by default.
//! An unquoted field equal to the NULL string (empty by default) is NULL;
//! a quoted one is a string, unless FORCE_NULL says otherwise.

use super::record::Field;

/// The quoting characters of a CSV stream.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Quoting {
    pub delimiter: u8,
    pub quote: u8,
    pub escape: u8,
}

/// Where the record starting at `buf[0]` ends: `(content_end,
/// next_start)`, or `None` when it is not complete yet (and `eof` is
/// false). Line breaks inside quotes belong to the record.
pub(crate) fn record_end(buf: &[u8], q: Quoting, eof: bool) -> Option<(usize, usize)> {
    let mut in_quote = false;
    let mut i = 0;
    while i < buf.len() {
        let c = buf[i];
        if in_quote {
            if c == q.escape && q.escape != q.quote {
                match buf.get(i + 1) {
                    Some(&n) if n == q.quote || n == q.escape => {
                        i += 2;
                        continue;
                    }
                    None if !eof => return None,
                    _ => {}
                }
            }
            if c == q.quote {
                in_quote = false;
            }
            i += 1;
            continue;
        }
        match c {
            c if c == q.quote => in_quote = true,
            b'\n' => return Some((i, i + 1)),
            b'\r' => {
                return match buf.get(i + 1) {
                    Some(b'\n') => Some((i, i + 2)),
                    None if !eof => None,
                    _ => Some((i, i + 1)),
                }
            }
            _ => {}
        }
        i += 1;
    }
    eof.then_some((buf.len(), buf.len()))
}

/// Why a record could not be split.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unterminated;

/// Splits a record into fields, unquoting them; `quoted` tells, per
/// field, whether any of it was quoted (FORCE_NULL and NULL detection
/// need it).
pub(crate) fn split_fields(
    record: &[u8],
    q: Quoting,
    null: &[u8],
    out: &mut Vec<Field>,
    quoted: &mut Vec<bool>,
) -> Result<(), Unterminated> {
    // Fields' buffers are reused from record to record.
    quoted.clear();
    let mut n = 0;
    let mut i = 0;
    loop {
        let start = i;
        if n == out.len() {
            out.push(None);
        }
        let value = out[n].get_or_insert_with(Vec::new);
        value.clear();
        let mut saw_quote = false;
        let mut in_quote = false;
        while i < record.len() {
            let c = record[i];
            if in_quote {
                if c == q.escape {
                    if let Some(&n) = record.get(i + 1) {
                        if n == q.quote || n == q.escape {
                            value.push(n);
                            i += 2;
                            continue;
                        }
                    }
                }
                if c == q.quote {
                    in_quote = false;
                } else {
                    value.push(c);
                }
                i += 1;
                continue;
            }
            if c == q.delimiter {
                break;
            }
            if c == q.quote {
                in_quote = true;
                saw_quote = true;
            } else {
                value.push(c);
            }
            i += 1;
        }
        if in_quote {
            out.truncate(n + 1);
            return Err(Unterminated);
        }
        if !saw_quote && record[start..i] == *null {
            out[n] = None;
        }
        quoted.push(saw_quote);
        n += 1;
        if i >= record.len() {
            out.truncate(n);
            return Ok(());
        }
        i += 1;
    }
}

/// Appends a field, quoted when `force`, when it equals the NULL string,
/// when it is `\.` alone on its line, or when it holds a special byte.
pub(crate) fn quote_into(
    out: &mut Vec<u8>,
    text: &[u8],
    q: Quoting,
    null: &[u8],
    force: bool,
    single_column: bool,
) {
    let needs = force
        || text == null
        || (single_column && text == b"\\.")
        || text.iter().any(|&c| {
            c == q.delimiter || c == q.quote || c == q.escape || c == b'\n' || c == b'\r'
        });
    if !needs {
        out.extend_from_slice(text);
        return;
    }
    out.push(q.quote);
    for &c in text {
        if c == q.quote || c == q.escape {
            out.push(q.escape);
        }
        out.push(c);
    }
    out.push(q.quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: Quoting = Quoting {
        delimiter: b',',
        quote: b'"',
        escape: b'"',
    };

    fn fields(record: &str, q: Quoting) -> Vec<Option<String>> {
        let (mut out, mut quoted) = (Vec::new(), Vec::new());
        split_fields(record.as_bytes(), q, b"", &mut out, &mut quoted).unwrap();
        out.into_iter()
            .map(|f| f.map(|v| String::from_utf8(v).unwrap()))
            .collect()
    }

    #[test]
    fn quotes_nulls_and_escapes() {
        assert_eq!(
            fields("1,,\"\",\"a,\"\"b\"\"\",x\"y\"z", Q),
            vec![
                Some("1".into()),
                None,
                Some("".into()),
                Some("a,\"b\"".into()),
                Some("xyz".into())
            ]
        );
        let backslash = Quoting { escape: b'\\', ..Q };
        assert_eq!(
            fields("\"a\\\"b\\\\\",c", backslash),
            vec![Some("a\"b\\".into()), Some("c".into())]
        );
        let (mut out, mut quoted) = (Vec::new(), Vec::new());
        assert_eq!(
            split_fields(b"1,\"abc", Q, b"", &mut out, &mut quoted),
            Err(Unterminated)
        );
    }

    #[test]
    fn records_span_quoted_newlines() {
        assert_eq!(record_end(b"a,\"b\nc\"\nd", Q, false), Some((7, 8)));
        assert_eq!(record_end(b"a,\"b\n", Q, false), None);
        assert_eq!(record_end(b"a,\"b\n", Q, true), Some((5, 5)));
    }

    #[test]
    fn output_quotes_what_needs_it() {
        let mut out = Vec::new();
        for (text, force) in [
            ("1", false),
            ("x,y", false),
            ("q\"r", false),
            ("", false),
            ("z", true),
        ] {
            quote_into(&mut out, text.as_bytes(), Q, b"", force, false);
            out.push(b'|');
        }
        assert_eq!(out, b"1|\"x,y\"|\"q\"\"r\"|\"\"|\"z\"|");
        let mut dot = Vec::new();
        quote_into(&mut dot, b"\\.", Q, b"", false, true);
        assert_eq!(dot, b"\"\\.\"");
    }
}
