//! Array text input and output: `{1,2,NULL}`, `{{1,2},{3,4}}`,
//! `[0:2]={1,2,3}`, with PostgreSQL's quoting and escaping.

use assay_storage::{err, Error, Result, SqlState};

use super::value::{Array, ArrayDim, Value};

fn malformed(input: &str, detail: &str) -> Error {
    err!(
        SqlState::INVALID_TEXT_REPRESENTATION,
        "malformed array literal: \"{}\"",
        input
    )
    .with_detail(detail)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// One element as written: its text (escapes removed) or NULL.
enum Element {
    Null,
    Text(String),
}

struct Parser<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    elements: Vec<Element>,
    /// Length of each dimension seen so far (index 0 = outermost).
    dims: Vec<Option<usize>>,
    /// The depth at which scalar elements sit, once one is seen.
    leaf_depth: Option<usize>,
}

impl Parser<'_> {
    fn skip_spaces(&mut self) {
        while self.pos < self.bytes.len() && is_space(self.bytes[self.pos]) {
            self.pos += 1;
        }
    }

    fn eof(&self) -> Error {
        malformed(self.input, "Unexpected end of input.")
    }

    /// Parses `{…}` at nesting `depth`, returning its element count.
    fn parse_level(&mut self, depth: usize) -> Result<()> {
        // The caller has checked for '{'.
        self.pos += 1;
        if self.dims.len() <= depth {
            self.dims.push(None);
        }
        self.skip_spaces();
        let mut count = 0;
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            if depth == 0 && self.dims.len() == 1 {
                self.dims.clear();
                return Ok(());
            }
            return Err(malformed(self.input, "Unexpected \"}\" character."));
        }
        loop {
            self.skip_spaces();
            match self.bytes.get(self.pos) {
                None => return Err(self.eof()),
                Some(b'{') => {
                    if self.leaf_depth.is_some_and(|l| l <= depth) {
                        return Err(malformed(self.input, "Unexpected \"{\" character."));
                    }
                    self.parse_level(depth + 1)?;
                }
                Some(b'}') | Some(b',') => {
                    return Err(malformed(
                        self.input,
                        &format!("Unexpected \"{}\" character.", self.bytes[self.pos] as char),
                    ));
                }
                Some(_) => {
                    if self.dims.len() > depth + 1 || self.leaf_depth.is_some_and(|l| l != depth) {
                        return Err(malformed(self.input, "Unexpected array element."));
                    }
                    self.leaf_depth = Some(depth);
                    let e = self.element()?;
                    self.elements.push(e);
                }
            }
            count += 1;
            self.skip_spaces();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                None => return Err(self.eof()),
                Some(_) => return Err(malformed(self.input, "Unexpected array element.")),
            }
        }
        match self.dims[depth] {
            Some(n) if n != count => Err(malformed(
                self.input,
                "Multidimensional arrays must have sub-arrays with matching dimensions.",
            )),
            _ => {
                self.dims[depth] = Some(count);
                Ok(())
            }
        }
    }

    fn element(&mut self) -> Result<Element> {
        let mut text = Vec::new();
        if self.bytes[self.pos] == b'"' {
            self.pos += 1;
            loop {
                match self.bytes.get(self.pos) {
                    None => return Err(self.eof()),
                    Some(b'"') => {
                        self.pos += 1;
                        break;
                    }
                    Some(b'\\') => {
                        let c = *self.bytes.get(self.pos + 1).ok_or_else(|| self.eof())?;
                        text.push(c);
                        self.pos += 2;
                    }
                    Some(&c) => {
                        text.push(c);
                        self.pos += 1;
                    }
                }
            }
            return Ok(Element::Text(String::from_utf8_lossy(&text).into_owned()));
        }
        // Unquoted: up to ',' or '}', trailing spaces dropped unless escaped.
        let mut keep = 0;
        let mut escaped_any = false;
        loop {
            match self.bytes.get(self.pos) {
                None => return Err(self.eof()),
                Some(b',') | Some(b'}') => break,
                Some(b'{') | Some(b'"') => {
                    return Err(malformed(
                        self.input,
                        &format!("Unexpected \"{}\" character.", self.bytes[self.pos] as char),
                    ))
                }
                Some(b'\\') => {
                    let c = *self.bytes.get(self.pos + 1).ok_or_else(|| self.eof())?;
                    text.push(c);
                    keep = text.len();
                    escaped_any = true;
                    self.pos += 2;
                }
                Some(&c) => {
                    text.push(c);
                    if !is_space(c) {
                        keep = text.len();
                    }
                    self.pos += 1;
                }
            }
        }
        text.truncate(keep);
        let s = String::from_utf8_lossy(&text).into_owned();
        if !escaped_any && s.eq_ignore_ascii_case("null") {
            return Ok(Element::Null);
        }
        Ok(Element::Text(s))
    }
}

/// Parses `[l:u][l:u]=` before the braces.
fn parse_bounds(input: &str, s: &str) -> Result<(Vec<i32>, Option<Vec<usize>>, usize)> {
    let b = s.as_bytes();
    let mut pos = 0;
    let mut lowers = Vec::new();
    let mut lens = Vec::new();
    while pos < b.len() && is_space(b[pos]) {
        pos += 1;
    }
    if b.get(pos) != Some(&b'[') {
        return Ok((lowers, None, pos));
    }
    while b.get(pos) == Some(&b'[') {
        let close = s[pos..]
            .find(']')
            .ok_or_else(|| malformed(input, "Missing \"]\" after array dimensions."))?
            + pos;
        let inner = &s[pos + 1..close];
        let (lo, hi) = match inner.split_once(':') {
            Some((l, h)) => (l.trim(), h.trim()),
            None => ("1", inner.trim()),
        };
        let lo: i32 = lo.parse().map_err(|_| {
            malformed(
                input,
                "\"[\" must introduce explicitly-specified array dimensions.",
            )
        })?;
        let hi: i32 = hi.parse().map_err(|_| {
            malformed(
                input,
                "\"[\" must introduce explicitly-specified array dimensions.",
            )
        })?;
        if hi < lo {
            return Err(err!(
                SqlState::INVALID_TEXT_REPRESENTATION,
                "upper bound cannot be less than lower bound"
            ));
        }
        lowers.push(lo);
        lens.push((i64::from(hi) - i64::from(lo) + 1) as usize);
        pos = close + 1;
    }
    while pos < b.len() && is_space(b[pos]) {
        pos += 1;
    }
    if b.get(pos) != Some(&b'=') {
        return Err(malformed(input, "Missing \"=\" after array dimensions."));
    }
    Ok((lowers, Some(lens), pos + 1))
}

/// Parses an array literal, converting each element with `parse_elem`.
pub fn parse_array(
    input: &str,
    parse_elem: &mut dyn FnMut(&str) -> Result<Value>,
) -> Result<Array> {
    let (lowers, declared, start) = parse_bounds(input, input)?;
    let mut p = Parser {
        input,
        bytes: input.as_bytes(),
        pos: start,
        elements: Vec::new(),
        dims: Vec::new(),
        leaf_depth: None,
    };
    p.skip_spaces();
    if p.bytes.get(p.pos) != Some(&b'{') {
        return Err(malformed(
            input,
            "Array value must start with \"{\" or dimension information.",
        ));
    }
    p.parse_level(0)?;
    p.skip_spaces();
    if p.pos != p.bytes.len() {
        return Err(malformed(input, "Junk after closing right brace."));
    }
    let lens: Vec<usize> = p.dims.iter().map(|d| d.unwrap_or(0)).collect();
    if let Some(declared) = &declared {
        if *declared != lens {
            return Err(malformed(
                input,
                "Specified array dimensions do not match array contents.",
            ));
        }
    }
    let mut items = Vec::with_capacity(p.elements.len());
    for e in p.elements {
        items.push(match e {
            Element::Null => Value::Null,
            Element::Text(t) => parse_elem(&t)?,
        });
    }
    let dims = lens
        .iter()
        .enumerate()
        .map(|(i, &len)| ArrayDim {
            len,
            lower: lowers.get(i).copied().unwrap_or(1),
        })
        .collect();
    Ok(Array { dims, items })
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.eq_ignore_ascii_case("null")
        || s.bytes()
            .any(|b| matches!(b, b'{' | b'}' | b',' | b'"' | b'\\') || is_space(b))
}

/// Prints an array, formatting each non-null element with `format_elem`.
pub fn format_array(array: &Array, format_elem: &mut dyn FnMut(&Value) -> String) -> String {
    let mut out = String::new();
    if array.dims.is_empty() {
        return "{}".into();
    }
    if array.dims.iter().any(|d| d.lower != 1) {
        for d in &array.dims {
            out.push_str(&format!(
                "[{}:{}]",
                d.lower,
                i64::from(d.lower) + d.len as i64 - 1
            ));
        }
        out.push('=');
    }
    let mut index = 0;
    write_level(&mut out, array, 0, &mut index, format_elem);
    out
}

/// An array literal's element in double quotes, `"` and `\\` escaped.
pub(crate) fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

fn write_level(
    out: &mut String,
    array: &Array,
    depth: usize,
    index: &mut usize,
    format_elem: &mut dyn FnMut(&Value) -> String,
) {
    out.push('{');
    for i in 0..array.dims[depth].len {
        if i > 0 {
            out.push(',');
        }
        if depth + 1 < array.dims.len() {
            write_level(out, array, depth + 1, index, format_elem);
            continue;
        }
        match array.items.get(*index) {
            None | Some(Value::Null) => out.push_str("NULL"),
            Some(v) => {
                let s = format_elem(v);
                if needs_quotes(&s) {
                    push_quoted(out, &s);
                } else {
                    out.push_str(&s);
                }
            }
        }
        *index += 1;
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_round_trip(input: &str) -> Result<String> {
        let a = parse_array(input, &mut |s| Ok(Value::text(s)))?;
        Ok(format_array(&a, &mut |v| {
            v.as_str().unwrap_or("").to_string()
        }))
    }

    // Expected outputs verified on PostgreSQL 15.
    #[test]
    fn literals() {
        let cases = [
            ("{1,2,NULL}", "{1,2,NULL}"),
            (
                r#"{"a b","",NULL,"NULL","x\"y",c}"#,
                r#"{"a b","",NULL,"NULL","x\"y",c}"#,
            ),
            ("{{1,2},{3,4}}", "{{1,2},{3,4}}"),
            ("[0:2]={1,2,3}", "[0:2]={1,2,3}"),
            ("{}", "{}"),
            ("{ 1 , 2 }", "{1,2}"),
            (r"{a,b\,c}", r#"{a,"b,c"}"#),
            (r#"{"{}"}"#, r#"{"{}"}"#),
            ("{  }", "{}"),
            ("{a b}", "{\"a b\"}"),
        ];
        for (input, want) in cases {
            assert_eq!(text_round_trip(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn malformed_literals() {
        let cases = [
            ("{1,2", "Unexpected end of input."),
            (
                "1,2",
                "Array value must start with \"{\" or dimension information.",
            ),
            (
                "{{1,2},{3}}",
                "Multidimensional arrays must have sub-arrays with matching dimensions.",
            ),
            ("{{1,2},3}", "Unexpected array element."),
            ("{1,{2}}", "Unexpected \"{\" character."),
            (
                "[1:2]={1,2,3}",
                "Specified array dimensions do not match array contents.",
            ),
            ("{{},{}}", "Unexpected \"}\" character."),
            ("{\"a\"b}", "Unexpected array element."),
            ("{1,2}x", "Junk after closing right brace."),
        ];
        for (input, detail) in cases {
            let e = text_round_trip(input).unwrap_err();
            assert_eq!(e.message(), format!("malformed array literal: \"{input}\""));
            assert_eq!(e.detail(), Some(detail), "{input}");
        }
    }
}
