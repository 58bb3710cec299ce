//! Result column names, as PostgreSQL's `FigureColname` picks them.

use crate::ast::{Expr, SelectItem, SetExpr, TrimSide};

/// The name of an output column for `expr`.
pub fn column_name(expr: &Expr) -> String {
    figure(expr).map_or_else(|| "?column?".to_string(), |(n, _)| n)
}

/// A name and its strength: 2 for names taken from the expression itself,
/// 1 for a fallback such as `case`, which a cast's type name overrides.
fn figure(expr: &Expr) -> Option<(String, u8)> {
    let strong = |s: &str| Some((s.to_string(), 2));
    match expr {
        Expr::Column { names, .. } => names.last().and_then(|n| strong(n)),
        Expr::Function(f) => strong(f.name.base()),
        Expr::Cast {
            expr, type_name, ..
        } => match figure(expr) {
            Some((n, 2)) => Some((n, 2)),
            _ => Some((type_name.base().to_string(), 1)),
        },
        Expr::Case { .. } => Some(("case".to_string(), 1)),
        Expr::Coalesce(_) => strong("coalesce"),
        Expr::NullIf(..) => strong("nullif"),
        Expr::Greatest(_) => strong("greatest"),
        Expr::Least(_) => strong("least"),
        Expr::Array(_) | Expr::ArraySubquery(_) => strong("array"),
        Expr::Row(_) => strong("row"),
        Expr::Exists { .. } => strong("exists"),
        Expr::Grouping(_) => strong("grouping"),
        Expr::SqlValue { name, .. } => strong(name),
        Expr::Extract { .. } => strong("extract"),
        Expr::Position { .. } => strong("position"),
        Expr::Substring { .. } => strong("substring"),
        Expr::Overlay { .. } => strong("overlay"),
        Expr::AtTimeZone { .. } => strong("timezone"),
        Expr::Trim { side, .. } => strong(match side {
            TrimSide::Both => "btrim",
            TrimSide::Leading => "ltrim",
            TrimSide::Trailing => "rtrim",
        }),
        Expr::Field { field, .. } => strong(field),
        Expr::Subscript { expr, .. } | Expr::Collate { expr, .. } => figure(expr),
        Expr::Subquery { query } => match &query.body {
            SetExpr::Select(s) => match s.targets.first() {
                Some(SelectItem::Expr { alias: Some(a), .. }) => strong(a),
                Some(SelectItem::Expr { expr, .. }) => figure(expr).map(|(n, _)| (n, 2)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}
