//! Walking an expression tree.

use super::{Expr, Subscript};

impl Expr {
    /// Calls `f` on this expression and every expression under it, not
    /// entering subqueries.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        let e = self;
        f(e);
        let mut go = |x: &Expr| x.walk(f);
        match e {
            Expr::Unary { expr, .. }
            | Expr::IsNull { expr, .. }
            | Expr::IsBool { expr, .. }
            | Expr::Cast { expr, .. }
            | Expr::Field { expr, .. }
            | Expr::Extract { expr, .. }
            | Expr::Collate { expr, .. }
            | Expr::InSubquery { expr, .. } => go(expr),
            Expr::Binary { left, right, .. }
            | Expr::IsDistinctFrom { left, right, .. }
            | Expr::Quantified { left, right, .. }
            | Expr::NullIf(left, right)
            | Expr::AtTimeZone {
                expr: left,
                zone: right,
            }
            | Expr::Position {
                needle: left,
                haystack: right,
            } => {
                go(left);
                go(right);
            }
            Expr::Like {
                expr,
                pattern,
                escape,
                ..
            } => {
                go(expr);
                go(pattern);
                if let Some(x) = escape {
                    go(x);
                }
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                go(expr);
                go(low);
                go(high);
            }
            Expr::InList { expr, list, .. } => {
                go(expr);
                list.iter().for_each(go);
            }
            Expr::QuantifiedSubquery { left, .. } => go(left),
            Expr::Case {
                operand,
                whens,
                else_result,
            } => {
                if let Some(x) = operand {
                    go(x);
                }
                for (w, t) in whens {
                    go(w);
                    go(t);
                }
                if let Some(x) = else_result {
                    go(x);
                }
            }
            Expr::Function(fc) => {
                for a in &fc.args {
                    go(&a.value);
                }
                if let Some(x) = &fc.filter {
                    go(x);
                }
            }
            Expr::Array(xs)
            | Expr::Row(xs)
            | Expr::Coalesce(xs)
            | Expr::Greatest(xs)
            | Expr::Least(xs)
            | Expr::Grouping(xs) => xs.iter().for_each(go),
            Expr::Subscript { expr, subscript } => {
                go(expr);
                match subscript.as_ref() {
                    Subscript::Index(i) => go(i),
                    Subscript::Slice(a, b) => {
                        a.iter().for_each(&mut go);
                        b.iter().for_each(&mut go);
                    }
                }
            }
            Expr::Substring { expr, from, count } => {
                go(expr);
                from.iter().for_each(|x| go(x));
                count.iter().for_each(|x| go(x));
            }
            Expr::Trim { chars, expr, .. } => {
                go(expr);
                chars.iter().for_each(|x| go(x));
            }
            Expr::Overlay {
                expr,
                placing,
                from,
                count,
            } => {
                go(expr);
                go(placing);
                go(from);
                count.iter().for_each(|x| go(x));
            }
            _ => {}
        }
    }
}
