//! Reading stored expressions: the columns a CHECK names, the sequences a
//! DEFAULT's `nextval` calls, the identifiers a view's query mentions.

use crate::ast::{Expr, Literal};

/// Parses expression text as the catalog keeps it (None if it does not
/// parse as one expression).
pub(crate) fn parse_expr(sql: &str) -> Option<Expr> {
    crate::parser::parse_expr(sql).ok()
}

/// Column names referenced by `e`, distinct, in order of appearance.
pub(crate) fn column_refs(e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    e.walk(&mut |e| {
        if let Expr::Column { names, .. } = e {
            if let Some(n) = names.last() {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
        }
    });
    out
}

/// The sequence names `nextval('…')` is called with in `e`.
pub(crate) fn nextval_targets(e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    e.walk(&mut |e| {
        if let Expr::Function(f) = e {
            if f.name.base() == "nextval" {
                if let Some(name) = f.args.first().and_then(|a| string_literal(&a.value)) {
                    out.push(name);
                }
            }
        }
    });
    out
}

fn string_literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Literal {
            value: Literal::String(s),
            ..
        } => Some(s.clone()),
        Expr::Cast { expr, .. } => string_literal(expr),
        _ => None,
    }
}

/// Whether `sql` mentions the identifier `name` (outside string
/// literals). Views keep only their text, so a view is taken to use a
/// column of a table it reads when its text names it.
pub(crate) fn mentions_identifier(sql: &str, name: &str) -> bool {
    let mut chars = sql.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            for (_, d) in chars.by_ref() {
                if d == '\'' {
                    break;
                }
            }
        } else if c == '"' {
            let start = i + 1;
            let mut end = start;
            for (j, d) in chars.by_ref() {
                if d == '"' {
                    end = j;
                    break;
                }
            }
            if sql.get(start..end) == Some(name) {
                return true;
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || d == '$' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if sql[i..end].to_lowercase() == name {
                return true;
            }
        }
    }
    false
}

/// `sql` with every identifier `old` (outside string literals) replaced
/// by `new`, quoted as needed: how a stored expression follows a column
/// rename.
pub(crate) fn rename_identifier(sql: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let replacement = crate::ast::ObjectName::single(new).to_string();
    let mut chars = sql.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' || c == '"' {
            let mut end = sql.len();
            for (j, d) in chars.by_ref() {
                if d == c {
                    end = j + 1;
                    break;
                }
            }
            let token = &sql[i..end];
            if c == '"' && token.len() >= 2 && &token[1..token.len() - 1] == old {
                out.push_str(&replacement);
            } else {
                out.push_str(token);
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || d == '$' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let followed_by_paren = sql[end..].trim_start().starts_with('(');
            if &sql[i..end] == old && !followed_by_paren {
                out.push_str(&replacement);
            } else {
                out.push_str(&sql[i..end]);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_columns_sequences_and_identifiers() {
        let e = parse_expr("a > b AND lower(c) = 'a' OR a IS NULL").unwrap();
        assert_eq!(column_refs(&e), vec!["a", "b", "c"]);
        let e = parse_expr("nextval('s1.t_a_seq'::regclass)").unwrap();
        assert_eq!(nextval_targets(&e), vec!["s1.t_a_seq"]);
        assert!(mentions_identifier("SELECT x, \"Y\" FROM a", "x"));
        assert!(mentions_identifier("SELECT x, \"Y\" FROM a", "Y"));
        assert!(!mentions_identifier("SELECT 'x' FROM a", "x"));
        assert!(!mentions_identifier("SELECT xx FROM a", "x"));
        assert_eq!(
            rename_identifier("(a > 0) AND (a <> 'a') AND a(b)", "a", "New"),
            "(\"New\" > 0) AND (\"New\" <> 'a') AND a(b)"
        );
    }
}
