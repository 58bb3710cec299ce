//! The text format: one line per row, fields split by the delimiter,
//! backslash escapes (`\t`, `\n`, `\\`, `\N` for NULL, octal `\123`, hex
//! `\x4f`), and `\.` alone on a line as the end of data.

use super::record::Field;

/// Where the line starting at `buf[0]` ends: `(content_end, next_start)`,
/// or `None` when the line is not complete yet (and `eof` is false). A
/// backslash escapes the byte after it, newlines included.
pub(crate) fn line_end(buf: &[u8], eof: bool) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < buf.len() {
        match buf[i] {
            b'\\' => {
                if i + 1 >= buf.len() && !eof {
                    return None;
                }
                i += 2;
            }
            b'\n' => return Some((i, i + 1)),
            b'\r' => {
                return match buf.get(i + 1) {
                    Some(b'\n') => Some((i, i + 2)),
                    None if !eof => None,
                    _ => Some((i, i + 1)),
                }
            }
            _ => i += 1,
        }
    }
    eof.then_some((buf.len(), buf.len()))
}

/// Splits a line into fields and undoes the escapes. A field whose raw
/// text is the NULL string is NULL.
/// The buffers of `out`'s fields are reused: a row of the usual kind
/// allocates nothing.
pub(crate) fn split_fields(line: &[u8], delimiter: u8, null: &[u8], out: &mut Vec<Field>) {
    let mut n = 0;
    let mut start = 0;
    loop {
        if n == out.len() {
            out.push(None);
        }
        let value = out[n].get_or_insert_with(Vec::new);
        value.clear();
        let mut i = start;
        while i < line.len() && line[i] != delimiter {
            let c = line[i];
            i += 1;
            if c != b'\\' {
                value.push(c);
                continue;
            }
            let Some(&e) = line.get(i) else { break };
            i += 1;
            match e {
                b'0'..=b'7' => {
                    let mut v = u32::from(e - b'0');
                    for _ in 0..2 {
                        match line.get(i) {
                            Some(d @ b'0'..=b'7') => {
                                v = v * 8 + u32::from(d - b'0');
                                i += 1;
                            }
                            _ => break,
                        }
                    }
                    value.push((v & 0xff) as u8);
                }
                b'x' => match line.get(i).and_then(|d| hex(*d)) {
                    Some(h) => {
                        i += 1;
                        let mut v = h;
                        if let Some(l) = line.get(i).and_then(|d| hex(*d)) {
                            v = v * 16 + l;
                            i += 1;
                        }
                        value.push(v);
                    }
                    None => value.push(b'x'),
                },
                b'b' => value.push(8),
                b'f' => value.push(12),
                b'n' => value.push(b'\n'),
                b'r' => value.push(b'\r'),
                b't' => value.push(b'\t'),
                b'v' => value.push(11),
                other => value.push(other),
            }
        }
        if line[start..i] == *null {
            out[n] = None;
        }
        n += 1;
        if i >= line.len() {
            out.truncate(n);
            return;
        }
        start = i + 1;
    }
}

fn hex(d: u8) -> Option<u8> {
    (d as char).to_digit(16).map(|v| v as u8)
}

/// Appends a field's text with the escapes COPY TO uses.
pub(crate) fn escape_into(out: &mut Vec<u8>, text: &[u8], delimiter: u8) {
    for &c in text {
        let escaped = match c {
            b'\\' => b'\\',
            8 => b'b',
            12 => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            11 => b'v',
            c if c == delimiter => c,
            c => {
                out.push(c);
                continue;
            }
        };
        out.push(b'\\');
        out.push(escaped);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        split_fields(line.as_bytes(), b'\t', b"\\N", &mut out);
        out.into_iter()
            .map(|f| f.map(|v| String::from_utf8(v).unwrap()))
            .collect()
    }

    #[test]
    fn escapes_are_undone() {
        assert_eq!(
            fields("a\\tb\t\\N\t\\\\N\t\\101\\x41\\x\t"),
            vec![
                Some("a\tb".into()),
                None,
                Some("\\N".into()),
                Some("AAx".into()),
                Some("".into())
            ]
        );
        assert_eq!(fields("x\\\ty"), vec![Some("x\ty".into())]);
    }

    #[test]
    fn lines_end_at_unescaped_newlines() {
        assert_eq!(line_end(b"ab\ncd", false), Some((2, 3)));
        assert_eq!(line_end(b"a\\\nb\r\nc", false), Some((4, 6)));
        assert_eq!(line_end(b"abc", false), None);
        assert_eq!(line_end(b"abc", true), Some((3, 3)));
        assert_eq!(line_end(b"ab\r", false), None);
    }

    #[test]
    fn output_escapes_round_trip() {
        let text = "a\tb\\c\nd\re\u{1}f";
        let mut out = Vec::new();
        escape_into(&mut out, text.as_bytes(), b'\t');
        assert_eq!(out, b"a\\tb\\\\c\\nd\\re\x01f");
        let mut back = Vec::new();
        split_fields(&out, b'\t', b"\\N", &mut back);
        assert_eq!(back, vec![Some(text.as_bytes().to_vec())]);
        let mut comma = Vec::new();
        escape_into(&mut comma, b"a,b\tc", b',');
        assert_eq!(comma, b"a\\,b\\tc");
    }
}
