//! PostgreSQL's generated names: `makeObjectName` (63-byte limit, the
//! longer part shortened first), `ChooseRelationName` and
//! `ChooseConstraintName` (a number appended to the label on collision:
//! `t_a_key1`), and index column names (`FigureColname`).

use crate::ast::Expr;
use crate::catalog::{Catalog, Oid};

/// `NAMEDATALEN - 1`: the longest identifier, in bytes.
pub(crate) const MAX_IDENTIFIER: usize = 63;

/// The longest prefix of `s` of at most `n` bytes on a char boundary.
fn clip(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `name1[_name2][_label]`, shortened to 63 bytes by trimming the longer
/// of `name1` and `name2` first, as PostgreSQL's `makeObjectName`.
pub(crate) fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let overhead = usize::from(name2.is_some()) + label.map_or(0, |l| l.len() + 1);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    let avail = MAX_IDENTIFIER.saturating_sub(overhead);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_string();
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(clip(n, n2));
    }
    if let Some(l) = label {
        out.push('_');
        out.push_str(l);
    }
    out
}

/// Whether some constraint of a table in `schema` is called `name`.
pub(crate) fn constraint_name_used(catalog: &Catalog, schema: Oid, name: &str) -> bool {
    catalog
        .tables()
        .filter(|t| t.schema == schema)
        .any(|t| t.constraints.iter().any(|c| c.name == name))
}

/// A relation name free in `schema` (and in `taken`), built from the
/// parts; for an index backing a constraint, also free as a constraint
/// name.
pub(crate) fn choose_relation_name(
    catalog: &Catalog,
    schema: Oid,
    name1: &str,
    name2: Option<&str>,
    label: &str,
    for_constraint: bool,
    taken: &[String],
) -> String {
    choose(name1, name2, label, |n| {
        catalog.relation_in(schema, n).is_none()
            && !taken.iter().any(|t| t == n)
            && !(for_constraint && constraint_name_used(catalog, schema, n))
    })
}

/// A constraint name free in `schema` and in `taken`.
pub(crate) fn choose_constraint_name(
    catalog: &Catalog,
    schema: Oid,
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: &[String],
) -> String {
    choose(name1, name2, label, |n| {
        !constraint_name_used(catalog, schema, n) && !taken.iter().any(|t| t == n)
    })
}

fn choose(name1: &str, name2: Option<&str>, label: &str, free: impl Fn(&str) -> bool) -> String {
    let mut modlabel = label.to_string();
    let mut pass = 0u32;
    loop {
        let name = make_object_name(name1, name2, Some(&modlabel));
        if free(&name) {
            return name;
        }
        pass += 1;
        modlabel = format!("{label}{pass}");
    }
}

/// Column names joined by `_` for a generated name, cut at the identifier
/// limit as `ChooseIndexNameAddition` does.
pub(crate) fn name_addition(names: &[String]) -> String {
    let mut out = String::new();
    for n in names {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(n);
        if out.len() >= MAX_IDENTIFIER {
            break;
        }
    }
    clip(&out, MAX_IDENTIFIER).to_string()
}

/// The name PostgreSQL gives an index column: the column's name, a
/// function's name, or `expr`; repeated names get `1`, `2`… so that they
/// differ (`ChooseIndexColumnNames`).
pub(crate) fn index_column_names(exprs: &[&Expr]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in exprs {
        let base = figure_colname(e);
        let mut name = base.clone();
        let mut i = 0;
        while out.contains(&name) {
            i += 1;
            name = format!("{base}{i}");
        }
        out.push(name);
    }
    out
}

fn figure_colname(e: &Expr) -> String {
    match e {
        Expr::Column { names, .. } => names.last().cloned().unwrap_or_default(),
        Expr::Function(f) => f.name.base().to_string(),
        Expr::Cast { expr, .. } => figure_colname(expr),
        Expr::Coalesce(_) => "coalesce".into(),
        Expr::NullIf(..) => "nullif".into(),
        Expr::Greatest(_) => "greatest".into(),
        Expr::Least(_) => "least".into(),
        _ => "expr".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_are_shortened_like_postgres() {
        assert_eq!(make_object_name("t", None, Some("pkey")), "t_pkey");
        assert_eq!(make_object_name("t", Some("a_b"), Some("key")), "t_a_b_key");
        let long = "a".repeat(63);
        let n = make_object_name(&long, None, Some("pkey"));
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("a_pkey"));
        let n = make_object_name(&long, Some(&"b".repeat(63)), Some("key"));
        assert_eq!(n.len(), 63);
        assert_eq!(n, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
    }
}
