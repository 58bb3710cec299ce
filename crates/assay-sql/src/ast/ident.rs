//! Names and source positions.

use std::fmt;

/// A 1-based character offset into the statement text, or 0 when unknown.
///
/// Positions exist only to point errors at the source; two trees that differ
/// only in positions are equal, so `PartialEq` ignores them.
#[derive(Clone, Copy, Default, Eq)]
pub struct Pos(pub u32);

impl PartialEq for Pos {
    fn eq(&self, _other: &Pos) -> bool {
        true
    }
}

impl std::hash::Hash for Pos {
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {}
}

impl fmt::Debug for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.0)
    }
}

impl Pos {
    /// The position, if known.
    pub fn get(self) -> Option<u32> {
        (self.0 > 0).then_some(self.0)
    }
}

/// A possibly qualified name such as `public.t`, each part already folded.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ObjectName(pub Vec<String>);

impl ObjectName {
    /// A one-part name.
    pub fn single(name: impl Into<String>) -> ObjectName {
        ObjectName(vec![name.into()])
    }

    /// The last part: the object's own name without its schema.
    pub fn base(&self) -> &str {
        self.0.last().map(String::as_str).unwrap_or("")
    }
}

impl fmt::Display for ObjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{}", Ident(part))?;
        }
        Ok(())
    }
}

/// Prints an identifier, double-quoted when PostgreSQL would need quotes to
/// read it back as the same name.
pub struct Ident<'a>(pub &'a str);

impl fmt::Display for Ident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let plain = !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
            && !is_keyword(s);
        if plain {
            f.write_str(s)
        } else {
            write!(f, "\"{}\"", s.replace('"', "\"\""))
        }
    }
}

/// Writes a comma-separated list of identifiers.
pub fn ident_list(f: &mut fmt::Formatter<'_>, names: &[String]) -> fmt::Result {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", Ident(n))?;
    }
    Ok(())
}

/// Words that are quoted when printed: PostgreSQL's reserved, column-name
/// and type/function-name keywords, plus a few words the parser treats
/// specially in expression position.
fn is_keyword(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "between",
        "bigint",
        "binary",
        "bit",
        "boolean",
        "both",
        "case",
        "cast",
        "char",
        "character",
        "check",
        "coalesce",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "date",
        "dec",
        "decimal",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "double",
        "else",
        "end",
        "except",
        "exists",
        "extract",
        "false",
        "fetch",
        "float",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "greatest",
        "group",
        "grouping",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "inout",
        "int",
        "integer",
        "intersect",
        "interval",
        "into",
        "is",
        "isnull",
        "join",
        "lateral",
        "leading",
        "least",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "national",
        "natural",
        "nchar",
        "none",
        "normalize",
        "not",
        "notnull",
        "null",
        "nullif",
        "numeric",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "out",
        "outer",
        "overlaps",
        "overlay",
        "placing",
        "position",
        "precision",
        "primary",
        "real",
        "references",
        "returning",
        "right",
        "row",
        "select",
        "session_user",
        "setof",
        "similar",
        "smallint",
        "some",
        "substring",
        "symmetric",
        "table",
        "tablesample",
        "then",
        "time",
        "timestamp",
        "to",
        "trailing",
        "treat",
        "trim",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "values",
        "varchar",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
        "escape",
        "uescape",
        "prior",
        "connect",
        "start",
        "filter",
        "over",
        "within",
        "ordinality",
        "rollup",
        "cube",
        "sets",
        "at",
        "zone",
        "nulls",
        "first",
        "last",
        "rows",
        "range",
        "groups",
        "exclude",
        "following",
        "preceding",
        "unbounded",
        "current",
        "partition",
        "recursive",
        "materialized",
        "natural",
        "similar",
        "struct",
        "map",
        "match",
        "semi",
        "anti",
        "apply",
        "qualify",
        "top",
        "limit",
        "sort",
        "cluster",
        "distribute",
        "lock",
        "share",
        "nowait",
        "skip",
        "of",
        "ties",
        "only",
        "row",
        "next",
        "absolute",
        "relative",
        "forward",
        "backward",
        "prewhere",
        "window",
        "set",
        "update",
        "delete",
        "insert",
        "conflict",
        "nothing",
        "returning",
        "exclude",
        "format",
        "pivot",
        "unpivot",
        "global",
        "local",
    ];
    WORDS.contains(&s)
}
