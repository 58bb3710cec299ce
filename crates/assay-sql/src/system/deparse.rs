//! Text of definitions as PostgreSQL's `pg_get_*def` functions print
//! them: indexes, views, stored expressions and type names.

use super::context::quote_ident;
use super::SystemContext;
use crate::catalog::{Index, IndexExpr, Table};
use crate::types::{DataType, NumericTypmod};

/// A stored expression (SQL text) as the catalog functions print it: the
/// catalog keeps it in PostgreSQL's spelling (`nextval('s'::regclass)`),
/// so it is printed as kept.
pub(crate) fn expr_text(sql: &str) -> String {
    sql.trim().to_string()
}

/// A generation expression as `pg_get_expr` prints it: PostgreSQL's
/// plain (not pretty) form puts an operator expression in parentheses,
/// `(a + b)`; the pretty form (psql's `\d`) leaves them out.
pub(crate) fn generation_text(sql: &str, pretty: bool) -> String {
    let text = expr_text(sql);
    let operator = matches!(
        crate::parser::parse_expr(&text),
        Ok(crate::ast::Expr::Binary { .. })
    );
    if operator && !pretty {
        format!("({text})")
    } else {
        text
    }
}

/// A column default as `pg_get_expr` prints it: a string constant carries
/// the column's type, as PostgreSQL stores the coerced constant.
pub(crate) fn default_text(sql: &str, ty: &DataType) -> String {
    let text = expr_text(sql);
    let is_string_literal = text.starts_with('\'') && text.ends_with('\'') && text.len() >= 2;
    if is_string_literal && !matches!(ty, DataType::Unknown) {
        return format!("{}::{}", text, ty.without_typmod());
    }
    text
}

/// One index column as `pg_get_indexdef` prints it (an expression that is
/// not a plain function call is parenthesized).
fn index_part(t: &Table, i: &Index, n: usize) -> String {
    let Some(p) = i.parts.get(n) else {
        return i
            .include
            .get(n - i.parts.len())
            .and_then(|&c| t.columns.get(c))
            .map(|c| quote_ident(&c.name))
            .unwrap_or_default();
    };
    let mut s = match &p.expr {
        IndexExpr::Column(c) => t
            .columns
            .get(*c)
            .map(|c| quote_ident(&c.name))
            .unwrap_or_default(),
        IndexExpr::Expression { sql, .. } => {
            let e = expr_text(sql);
            let call = matches!(
                crate::parser::parse_expr(sql),
                Ok(crate::ast::Expr::Function(_))
            );
            if call {
                e
            } else {
                format!("({e})")
            }
        }
    };
    match (p.order.descending, p.order.nulls_first) {
        (false, false) | (true, true) => {}
        (false, true) => s.push_str(" NULLS FIRST"),
        (true, false) => s.push_str(" NULLS LAST"),
    }
    if p.order.descending {
        let at = s.find(" NULLS").unwrap_or(s.len());
        s.insert_str(at, " DESC");
    }
    s
}

/// `pg_get_indexdef(index, column, pretty)`: the whole `CREATE INDEX`
/// for column 0, else that column's text.
pub(crate) fn index_def(sys: &SystemContext<'_>, t: &Table, i: &Index, column: i32) -> String {
    let total = i.parts.len() + i.include.len();
    if column > 0 {
        let n = column as usize - 1;
        return if n < total {
            index_part(t, i, n)
        } else {
            String::new()
        };
    }
    let schema = sys.schema_name(t.schema).unwrap_or("public");
    let keys: Vec<String> = (0..i.parts.len()).map(|n| index_part(t, i, n)).collect();
    let mut s = format!(
        "CREATE {}INDEX {} ON {}.{} USING btree ({})",
        if i.unique { "UNIQUE " } else { "" },
        quote_ident(&i.name),
        quote_ident(schema),
        quote_ident(&t.name),
        keys.join(", ")
    );
    if !i.include.is_empty() {
        let inc: Vec<String> = (i.parts.len()..total)
            .map(|n| index_part(t, i, n))
            .collect();
        s.push_str(&format!(" INCLUDE ({})", inc.join(", ")));
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE ({})", expr_text(p)));
    }
    s
}

/// `format_type(type, typmod)`.
pub(crate) fn format_type(oid: u32, typmod: Option<i32>) -> String {
    if oid == 0 {
        return "-".to_string();
    }
    let Some(ty) = super::pg_type::type_by_oid(oid) else {
        return super::pg_type::type_name_of_oid(oid);
    };
    let ty = match typmod {
        Some(m) if m >= 0 => with_typmod(ty, m),
        // Without a typmod, character is printed by its internal name.
        _ => ty,
    };
    ty.to_string()
}

fn with_typmod(ty: DataType, m: i32) -> DataType {
    match ty {
        DataType::Varchar(_) if m >= 4 => DataType::Varchar(Some((m - 4) as u32)),
        DataType::Bpchar(_) if m >= 4 => DataType::Bpchar(Some((m - 4) as u32)),
        DataType::Numeric(_) if m >= 4 => DataType::Numeric(Some(NumericTypmod {
            precision: ((m - 4) >> 16) as u16,
            scale: ((m - 4) & 0x7ff) as i16,
        })),
        DataType::Array(e) => DataType::Array(Box::new(with_typmod(*e, m))),
        t => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected from PostgreSQL 15's format_type.
    #[test]
    fn formats_types_with_typmods() {
        assert_eq!(format_type(23, None), "integer");
        assert_eq!(format_type(1043, Some(24)), "character varying(20)");
        assert_eq!(format_type(1043, Some(-1)), "character varying");
        assert_eq!(format_type(1042, Some(5)), "character(1)");
        assert_eq!(format_type(1042, None), "bpchar");
        assert_eq!(format_type(1700, Some(655366)), "numeric(10,2)");
        assert_eq!(format_type(1007, None), "integer[]");
        assert_eq!(format_type(19, None), "name");
        assert_eq!(format_type(18, None), "\"char\"");
        assert_eq!(format_type(2205, None), "regclass");
        assert_eq!(format_type(2276, None), "\"any\"");
        assert_eq!(format_type(1, None), "???");
        assert_eq!(format_type(0, None), "-");
    }
}
