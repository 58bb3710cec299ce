//! JSON text to a tree, the way PostgreSQL's JSON lexer and parser read it.
//!
//! Following PostgreSQL's grammar token by token matters for its errors:
//! the lexer reads one token ahead, so a bad token is reported as
//! `Token "x" is invalid.` before the parser could say what it expected,
//! and every error carries `CONTEXT: JSON data, line N: …` showing the
//! input line up to the end of the offending token.
//!
//! Each [`Node`] records its byte range in the input: `json` keeps its text
//! as written, and `->` on `json` returns the value's original text.
//! Objects keep their keys in input order, duplicates included.

use assay_storage::{err, Error, SqlState};

/// A parsed JSON value and where it sits in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number's text is the node's range of the input.
    Number,
    /// The de-escaped string (empty when parsed without de-escaping).
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The node's text as written in `input`.
    pub fn text<'a>(&self, input: &'a str) -> &'a str {
        &input[self.start..self.end]
    }
}

/// Parses `input`; with `decode`, strings are de-escaped (which is when
/// PostgreSQL checks surrogate pairs and `\u0000`).
pub fn parse(input: &str, decode: bool) -> Result<Node, Error> {
    let mut p = Parser {
        lex: Lexer {
            input,
            pos: 0,
            line_number: 1,
            line_start: 0,
            decode,
            token: Token::End,
            token_start: 0,
            token_end: 0,
        },
        depth: 0,
    };
    p.lex.next().map_err(|e| p.lex.error(e))?;
    let node = p.value(Context::Value).map_err(|e| p.lex.error(e))?;
    if p.lex.token != Token::End {
        return Err(p.lex.error(Problem::Expected(Context::End)));
    }
    Ok(node)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    ObjectStart,
    ObjectEnd,
    ArrayStart,
    ArrayEnd,
    Comma,
    Colon,
    String(String),
    Number,
    True,
    False,
    Null,
    End,
}

/// What the parser expected when it found something else.
#[derive(Clone, Copy, Debug)]
enum Context {
    End,
    Value,
    String,
    ArrayFirst,
    ArrayNext,
    ObjectFirst,
    ObjectLabel,
    ObjectNext,
}

#[derive(Clone, Copy, Debug)]
enum Problem {
    InvalidToken,
    EscapeInvalid,
    /// A control character inside a string; the byte is at the token end.
    EscapeRequired,
    UnicodeFormat,
    HighSurrogate,
    LowSurrogate,
    CodePointZero,
    Expected(Context),
    TooDeep,
}

/// Nesting deeper than this is refused, as PostgreSQL refuses input that
/// would exhaust its stack (with its default `max_stack_depth`).
const MAX_DEPTH: usize = 1000;

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    line_number: usize,
    line_start: usize,
    decode: bool,
    token: Token,
    token_start: usize,
    token_end: usize,
}

/// Letters, digits, `_` and any non-ASCII byte run together into one
/// token for error reports.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl Lexer<'_> {
    fn bytes(&self) -> &[u8] {
        self.input.as_bytes()
    }

    /// The length of the character starting at byte `at`.
    fn char_len(&self, at: usize) -> usize {
        self.input[at..].chars().next().map_or(1, char::len_utf8)
    }

    /// Reads the next token into `self.token`.
    fn next(&mut self) -> Result<(), Problem> {
        let bytes = self.input.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b'\n' => {
                    self.pos += 1;
                    self.line_number += 1;
                    self.line_start = self.pos;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
        let s = self.pos;
        self.token_start = s;
        let Some(&b) = bytes.get(s) else {
            self.token = Token::End;
            self.token_end = s;
            return Ok(());
        };
        let single = match b {
            b'{' => Some(Token::ObjectStart),
            b'}' => Some(Token::ObjectEnd),
            b'[' => Some(Token::ArrayStart),
            b']' => Some(Token::ArrayEnd),
            b',' => Some(Token::Comma),
            b':' => Some(Token::Colon),
            _ => None,
        };
        if let Some(t) = single {
            self.token = t;
            self.token_end = s + 1;
            self.pos = s + 1;
            return Ok(());
        }
        match b {
            b'"' => self.string(),
            b'-' => self.number(s + 1),
            b'0'..=b'9' => self.number(s),
            _ => {
                let mut p = s;
                while p < bytes.len() && is_word_byte(bytes[p]) {
                    p += 1;
                }
                if p == s {
                    self.token_end = s + 1;
                    return Err(Problem::InvalidToken);
                }
                self.token_end = p;
                self.pos = p;
                self.token = match &self.input[s..p] {
                    "true" => Token::True,
                    "false" => Token::False,
                    "null" => Token::Null,
                    _ => return Err(Problem::InvalidToken),
                };
                Ok(())
            }
        }
    }

    /// A number from `s` (after any minus sign): `0` or digits, optional
    /// fraction and exponent; trailing letters make the whole run invalid.
    fn number(&mut self, mut s: usize) -> Result<(), Problem> {
        let bytes = self.bytes();
        let digit = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_digit);
        let mut error = false;
        if bytes.get(s) == Some(&b'0') {
            s += 1;
        } else if digit(s) {
            while digit(s) {
                s += 1;
            }
        } else {
            error = true;
        }
        if bytes.get(s) == Some(&b'.') {
            s += 1;
            if !digit(s) {
                error = true;
            }
            while digit(s) {
                s += 1;
            }
        }
        if matches!(bytes.get(s), Some(b'e' | b'E')) {
            s += 1;
            if matches!(bytes.get(s), Some(b'+' | b'-')) {
                s += 1;
            }
            if !digit(s) {
                error = true;
            }
            while digit(s) {
                s += 1;
            }
        }
        while s < bytes.len() && is_word_byte(bytes[s]) {
            s += 1;
            error = true;
        }
        self.token_end = s;
        self.pos = s;
        if error {
            return Err(Problem::InvalidToken);
        }
        self.token = Token::Number;
        Ok(())
    }

    fn string(&mut self) -> Result<(), Problem> {
        let bytes = self.input.as_bytes();
        let mut out = String::new();
        let mut high: Option<u32> = None;
        let mut s = self.token_start + 1;
        // Start of the run of plain characters not yet copied to `out`.
        let mut run = s;
        loop {
            let Some(&b) = bytes.get(s) else {
                self.token_end = s;
                return Err(Problem::InvalidToken);
            };
            match b {
                b'"' => break,
                b'\\' => {
                    if self.decode {
                        out.push_str(&self.input[run..s]);
                    }
                    s += 1;
                    let Some(&e) = bytes.get(s) else {
                        self.token_end = s;
                        return Err(Problem::InvalidToken);
                    };
                    if e == b'u' {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            s += 1;
                            let Some(&h) = bytes.get(s) else {
                                self.token_end = s;
                                return Err(Problem::InvalidToken);
                            };
                            let Some(d) = (h as char).to_digit(16) else {
                                self.token_end = s + self.char_len(s);
                                return Err(Problem::UnicodeFormat);
                            };
                            code = code * 16 + d;
                        }
                        s += 1;
                        if self.decode {
                            self.token_end = s;
                            self.unicode(code, &mut high, &mut out)?;
                        }
                    } else {
                        let plain = match e {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\x08',
                            b'f' => '\x0c',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            _ => {
                                self.token_start = s;
                                self.token_end = s + self.char_len(s);
                                return Err(Problem::EscapeInvalid);
                            }
                        };
                        if self.decode {
                            if high.is_some() {
                                self.token_end = s + 1;
                                return Err(Problem::LowSurrogate);
                            }
                            out.push(plain);
                        }
                        s += 1;
                    }
                    run = s;
                }
                b if b < 0x20 => {
                    self.token_end = s;
                    return Err(Problem::EscapeRequired);
                }
                _ => {
                    if self.decode && high.is_some() {
                        self.token_end = s + self.char_len(s);
                        return Err(Problem::LowSurrogate);
                    }
                    s += 1;
                }
            }
        }
        if self.decode {
            if high.is_some() {
                self.token_end = s + 1;
                return Err(Problem::LowSurrogate);
            }
            out.push_str(&self.input[run..s]);
        }
        self.token_end = s + 1;
        self.pos = s + 1;
        self.token = Token::String(out);
        Ok(())
    }

    /// Appends the code point of one `\uXXXX` escape, pairing surrogates.
    fn unicode(&self, code: u32, high: &mut Option<u32>, out: &mut String) -> Result<(), Problem> {
        let code = match code {
            0xD800..=0xDBFF => {
                if high.is_some() {
                    return Err(Problem::HighSurrogate);
                }
                *high = Some(code);
                return Ok(());
            }
            0xDC00..=0xDFFF => match high.take() {
                Some(h) => 0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00),
                None => return Err(Problem::LowSurrogate),
            },
            _ if high.is_some() => return Err(Problem::LowSurrogate),
            0 => return Err(Problem::CodePointZero),
            c => c,
        };
        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        Ok(())
    }

    fn token_text(&self) -> &str {
        let end = self.token_end.min(self.input.len());
        let start = self.token_start.min(end);
        self.input.get(start..end).unwrap_or("")
    }

    /// PostgreSQL's error for `problem` at the current token.
    fn error(&self, problem: Problem) -> Error {
        if let Problem::TooDeep = problem {
            return err!(SqlState::STATEMENT_TOO_COMPLEX, "stack depth limit exceeded").with_hint(
                "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.",
            );
        }
        let found = self.token_text();
        let at_end = self.token == Token::End && self.token_start >= self.input.len();
        let detail = match problem {
            Problem::Expected(_) if at_end => "The input string ended unexpectedly.".to_string(),
            Problem::Expected(ctx) => {
                let what = match ctx {
                    Context::End => "end of input",
                    Context::Value => "JSON value",
                    Context::String => "string",
                    Context::ArrayFirst => "array element or \"]\"",
                    Context::ArrayNext => "\",\" or \"]\"",
                    Context::ObjectFirst => "string or \"}\"",
                    Context::ObjectLabel => "\":\"",
                    Context::ObjectNext => "\",\" or \"}\"",
                };
                format!("Expected {what}, but found \"{found}\".")
            }
            Problem::InvalidToken => format!("Token \"{found}\" is invalid."),
            Problem::EscapeInvalid => format!("Escape sequence \"\\{found}\" is invalid."),
            Problem::EscapeRequired => format!(
                "Character with value 0x{:02x} must be escaped.",
                self.bytes().get(self.token_end).copied().unwrap_or(0)
            ),
            Problem::UnicodeFormat => {
                "\"\\u\" must be followed by four hexadecimal digits.".to_string()
            }
            Problem::HighSurrogate => {
                "Unicode high surrogate must not follow a high surrogate.".to_string()
            }
            Problem::LowSurrogate => {
                "Unicode low surrogate must follow a high surrogate.".to_string()
            }
            Problem::CodePointZero => "\\u0000 cannot be converted to text.".to_string(),
            Problem::TooDeep => String::new(),
        };
        let base = match problem {
            Problem::CodePointZero => err!(
                SqlState::UNTRANSLATABLE_CHARACTER,
                "unsupported Unicode escape sequence"
            ),
            _ => err!(
                SqlState::INVALID_TEXT_REPRESENTATION,
                "invalid input syntax for type json"
            ),
        };
        base.with_detail(detail).with_where(self.context(at_end))
    }

    /// `JSON data, line N: …`: the current line up to the end of the token,
    /// at most about 50 bytes, with `...` where it was cut.
    fn context(&self, at_end: bool) -> String {
        let input = self.input;
        let end = self.token_end.min(input.len());
        let line_start = self.line_start.min(end);
        let mut start = line_start;
        while end - start >= 50 {
            start += self.char_len(start);
        }
        if start - line_start <= 3 {
            start = line_start;
        }
        let prefix = if start > line_start { "..." } else { "" };
        let suffix =
            if !at_end && end < input.len() && !matches!(input.as_bytes()[end], b'\n' | b'\r') {
                "..."
            } else {
                ""
            };
        format!(
            "JSON data, line {}: {prefix}{}{suffix}",
            self.line_number,
            &input[start..end]
        )
    }
}

struct Parser<'a> {
    lex: Lexer<'a>,
    depth: usize,
}

impl Parser<'_> {
    fn advance(&mut self) -> Result<(), Problem> {
        self.lex.next()
    }

    fn value(&mut self, ctx: Context) -> Result<Node, Problem> {
        if matches!(self.lex.token, Token::ObjectStart | Token::ArrayStart) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(Problem::TooDeep);
            }
            let node = if self.lex.token == Token::ObjectStart {
                self.object()
            } else {
                self.array()
            };
            self.depth -= 1;
            return node;
        }
        let start = self.lex.token_start;
        let end = self.lex.token_end;
        let kind = match &mut self.lex.token {
            Token::ObjectStart => return self.object(),
            Token::ArrayStart => return self.array(),
            Token::String(s) => Kind::String(std::mem::take(s)),
            Token::Number => Kind::Number,
            Token::True => Kind::Bool(true),
            Token::False => Kind::Bool(false),
            Token::Null => Kind::Null,
            _ => return Err(Problem::Expected(ctx)),
        };
        self.advance()?;
        Ok(Node { start, end, kind })
    }

    fn array(&mut self) -> Result<Node, Problem> {
        let start = self.lex.token_start;
        self.advance()?;
        let mut items = Vec::new();
        if self.lex.token != Token::ArrayEnd {
            items.push(self.value(Context::ArrayFirst)?);
            loop {
                match self.lex.token {
                    Token::Comma => {
                        self.advance()?;
                        items.push(self.value(Context::Value)?);
                    }
                    Token::ArrayEnd => break,
                    _ => return Err(Problem::Expected(Context::ArrayNext)),
                }
            }
        }
        let end = self.lex.token_end;
        self.advance()?;
        Ok(Node {
            start,
            end,
            kind: Kind::Array(items),
        })
    }

    fn object(&mut self) -> Result<Node, Problem> {
        let start = self.lex.token_start;
        self.advance()?;
        let mut fields = Vec::new();
        let mut ctx = Context::ObjectFirst;
        if self.lex.token != Token::ObjectEnd {
            loop {
                let Token::String(key) = &mut self.lex.token else {
                    return Err(Problem::Expected(ctx));
                };
                let key = std::mem::take(key);
                self.advance()?;
                if self.lex.token != Token::Colon {
                    return Err(Problem::Expected(Context::ObjectLabel));
                }
                self.advance()?;
                fields.push((key, self.value(Context::Value)?));
                match self.lex.token {
                    Token::Comma => {
                        self.advance()?;
                        ctx = Context::String;
                    }
                    Token::ObjectEnd => break,
                    _ => return Err(Problem::Expected(Context::ObjectNext)),
                }
            }
        }
        let end = self.lex.token_end;
        self.advance()?;
        Ok(Node {
            start,
            end,
            kind: Kind::Object(fields),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(input: &str) -> (String, String, String) {
        let e = parse(input, true).unwrap_err();
        (
            e.message().to_string(),
            e.detail().unwrap_or("").to_string(),
            e.where_context().unwrap_or("").to_string(),
        )
    }

    // Expected texts verified on PostgreSQL 15.
    #[test]
    fn errors_follow_postgres() {
        let cases = [
            (
                "[1,2 x]",
                "Token \"x\" is invalid.",
                "JSON data, line 1: [1,2 x...",
            ),
            (
                "{\"a\" 1}",
                "Expected \":\", but found \"1\".",
                "JSON data, line 1: {\"a\" 1...",
            ),
            (
                "[1,",
                "The input string ended unexpectedly.",
                "JSON data, line 1: [1,",
            ),
            ("01", "Token \"01\" is invalid.", "JSON data, line 1: 01"),
            (
                "\"\\v\"",
                "Escape sequence \"\\v\" is invalid.",
                "JSON data, line 1: \"\\v...",
            ),
            (
                "{\"a\":1,}",
                "Expected string, but found \"}\".",
                "JSON data, line 1: {\"a\":1,}",
            ),
            (
                "1 2",
                "Expected end of input, but found \"2\".",
                "JSON data, line 1: 1 2",
            ),
        ];
        for (input, detail, context) in cases {
            let (m, d, c) = error(input);
            assert_eq!(m, "invalid input syntax for type json", "{input}");
            assert_eq!(d, detail, "{input}");
            assert_eq!(c, context, "{input}");
        }
    }

    #[test]
    fn nodes_keep_their_text() {
        let input = r#"{"a": [1, 2.50], "b": "x\ny", "a": null}"#;
        let n = parse(input, true).unwrap();
        let Kind::Object(fields) = &n.kind else {
            panic!("object expected");
        };
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0].1.text(input), "[1, 2.50]");
        assert_eq!(fields[1].1.kind, Kind::String("x\ny".into()));
        assert_eq!(n.text(input), input);
    }
}
