//! The statement text: line/column to character offsets, and errors.

use assay_storage::{err, Error, SqlState};
use sqlparser::ast::{Ident, ObjectName as SpObjectName, ObjectNamePart, Spanned};
use sqlparser::tokenizer::Location;

use crate::ast::{ObjectName, Pos};

/// PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated.
const MAX_IDENT_BYTES: usize = 63;

/// The input text with a table of where each line starts, so sqlparser's
/// line/column locations become PostgreSQL's 1-based character offsets.
pub(super) struct Source<'a> {
    pub text: &'a str,
    /// Character offset (0-based) of the first character of each line.
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        let mut line_starts = vec![0];
        for (i, c) in text.chars().enumerate() {
            if c == '\n' {
                line_starts.push(i + 1);
            }
        }
        Source { text, line_starts }
    }

    /// The 1-based character offset of a location (0 if unknown).
    pub fn offset(&self, loc: Location) -> u32 {
        if loc.line == 0 || loc.column == 0 {
            return 0;
        }
        let line = (loc.line as usize - 1).min(self.line_starts.len() - 1);
        (self.line_starts[line] + loc.column as usize) as u32
    }

    pub fn pos(&self, loc: Location) -> Pos {
        Pos(self.offset(loc))
    }

    /// Number of characters in the text.
    pub fn char_len(&self) -> usize {
        self.text.chars().count()
    }

    /// The text between two 1-based character offsets (end exclusive).
    pub fn slice(&self, start: u32, end: u32) -> String {
        let start = (start as usize).saturating_sub(1);
        let end = (end as usize).saturating_sub(1).max(start);
        self.text.chars().skip(start).take(end - start).collect()
    }

    /// A syntax error pointing at a location.
    pub fn syntax_error_at(&self, start: Location, end: Location) -> Error {
        let pos = self.offset(start);
        if pos == 0 || pos as usize > self.char_len() {
            return syntax_error_at_end(self.char_len());
        }
        let token = self.slice(pos, self.offset(end));
        let token = if token.is_empty() {
            self.slice(pos, pos + 1)
        } else {
            token
        };
        err!(
            SqlState::SYNTAX_ERROR,
            "syntax error at or near \"{token}\""
        )
        .with_position(pos)
    }
}

/// `syntax error at end of input`, positioned just past the text.
pub(super) fn syntax_error_at_end(len: usize) -> Error {
    err!(SqlState::SYNTAX_ERROR, "syntax error at end of input").with_position(len as u32 + 1)
}

/// A valid construct Assay does not support yet.
pub(super) fn unsupported(what: impl std::fmt::Display) -> Error {
    err!(SqlState::FEATURE_NOT_SUPPORTED, "{what} is not supported")
}

/// Folds an identifier as PostgreSQL does: unquoted names are lower-cased
/// (ASCII letters only), quoted ones kept; both are cut to 63 bytes.
pub(super) fn fold(ident: &Ident) -> String {
    let mut s = if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    };
    if s.len() > MAX_IDENT_BYTES {
        let mut cut = MAX_IDENT_BYTES;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

pub(super) fn fold_all(idents: &[Ident]) -> Vec<String> {
    idents.iter().map(fold).collect()
}

/// Translates a dotted name; function-style parts are not PostgreSQL.
pub(super) fn object_name(name: &SpObjectName) -> Result<ObjectName, Error> {
    let mut parts = Vec::with_capacity(name.0.len());
    for part in &name.0 {
        match part {
            ObjectNamePart::Identifier(id) => parts.push(fold(id)),
            ObjectNamePart::Function(_) => return Err(unsupported("this name syntax")),
        }
    }
    Ok(ObjectName(parts))
}

/// The one-part name of an object that cannot be schema-qualified.
pub(super) fn single_name(name: &SpObjectName) -> Result<String, Error> {
    let mut n = object_name(name)?;
    if n.0.len() != 1 {
        return Err(err!(
            SqlState::SYNTAX_ERROR,
            "improper qualified name (too many dotted names): {n}"
        ));
    }
    Ok(n.0.pop().unwrap_or_default())
}

/// The start location of anything sqlparser can locate.
pub(super) fn start_of(node: &impl Spanned) -> Location {
    node.span().start
}

/// PostgreSQL's fully reserved keywords: never a column, table or alias
/// name unless quoted. sqlparser is more lenient, so names in those
/// positions are checked here.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

/// Whether an unquoted word is one of PostgreSQL's reserved keywords.
pub(super) fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word.to_ascii_lowercase().as_str())
}

impl Source<'_> {
    /// Folds a name used as a column, table or alias, rejecting reserved
    /// keywords as PostgreSQL's grammar does.
    pub fn name_ident(&self, ident: &Ident) -> Result<String, Error> {
        if ident.quote_style.is_none() && is_reserved(&ident.value) {
            return Err(self.syntax_error_at(ident.span.start, ident.span.end));
        }
        Ok(fold(ident))
    }

    /// Like [`object_name`], rejecting reserved keywords.
    pub fn relation_name(&self, name: &SpObjectName) -> Result<ObjectName, Error> {
        for part in &name.0 {
            if let ObjectNamePart::Identifier(id) = part {
                self.name_ident(id)?;
            }
        }
        object_name(name)
    }
}
