//! A compact, EXPLAIN-like rendering of plans and expressions, used by the
//! binder's golden tests and by EXPLAIN.
//!
//! One line per operator, children indented by two spaces. Column
//! references print as `name#i` (the input column's name and position),
//! outer references as `^depth.name#i` when known, else `^depth#i`.

use std::fmt::{self, Write};

use super::{
    Access, AggCall, FrameBound, JoinAlgorithm, OnConflict, Plan, PlanNode, ScalarExpr, Schema,
    SortKey, SubqueryKind, WindowCall,
};
use crate::types::{format_value, Settings, Value};

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        render(self, 0, &mut out);
        f.write_str(out.trim_end())
    }
}

impl fmt::Display for ScalarExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&expr(self, None))
    }
}

/// The schema of a node's input row (what its expressions refer to).
fn input_schema(plan: &Plan) -> Option<Schema> {
    let inputs = plan.inputs();
    match &plan.node {
        PlanNode::Join { left, right, .. } => Some(left.schema.concat(&right.schema)),
        PlanNode::Scan { .. } => Some(plan.schema.clone()),
        _ => inputs.first().map(|p| p.schema.clone()),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int2(_)
        | Value::Int4(_)
        | Value::Int8(_)
        | Value::Numeric(_)
        | Value::Float4(_)
        | Value::Float8(_) => format_value(v, &Settings::default()).unwrap_or_default(),
        _ => format!(
            "'{}'",
            format_value(v, &Settings::default())
                .unwrap_or_default()
                .replace('\'', "''")
        ),
    }
}

fn cmp_symbol(op: super::CmpOp) -> &'static str {
    match op {
        super::CmpOp::Eq => "=",
        super::CmpOp::NotEq => "<>",
        super::CmpOp::Lt => "<",
        super::CmpOp::LtEq => "<=",
        super::CmpOp::Gt => ">",
        super::CmpOp::GtEq => ">=",
    }
}

fn list(items: &[ScalarExpr], s: Option<&Schema>) -> String {
    items
        .iter()
        .map(|e| expr(e, s))
        .collect::<Vec<_>>()
        .join(", ")
}

fn keys(items: &[SortKey], s: Option<&Schema>) -> String {
    items
        .iter()
        .map(|k| expr(&k.expr, s) + k.direction_text())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renders an expression; `s` names the columns it refers to.
pub fn expr(e: &ScalarExpr, s: Option<&Schema>) -> String {
    use ScalarExpr::*;
    let b = |e: &ScalarExpr| expr(e, s);
    match e {
        Column(i) => match s.and_then(|s| s.fields.get(*i)) {
            Some(f) => format!("{}#{}", f.name, i),
            None => format!("#{i}"),
        },
        Outer { depth, index } => format!("^{depth}#{index}"),
        Const {
            value: v,
            data_type,
        } => {
            let text = value(v);
            if matches!(v, Value::Text(_) | Value::Null)
                || matches!(data_type, crate::types::DataType::Numeric(_))
            {
                format!("{text}::{data_type}")
            } else {
                text
            }
        }
        Param { index, data_type } => format!("${}::{}", index + 1, data_type),
        Cast { expr: x, to, .. } => format!("CAST({} AS {})", b(x), to),
        Not(x) => format!("NOT {}", b(x)),
        And(l) => format!("({})", l.iter().map(b).collect::<Vec<_>>().join(" AND ")),
        Or(l) => format!("({})", l.iter().map(b).collect::<Vec<_>>().join(" OR ")),
        Compare { op, left, right } => format!("({} {} {})", b(left), cmp_symbol(*op), b(right)),
        Binary {
            op,
            left,
            right,
            data_type,
        } => format!("({} {} {})::{}", b(left), op.symbol(), b(right), data_type),
        Negate { expr: x, .. } => format!("-{}", b(x)),
        IsNull { expr: x, negated } => {
            format!("({} IS {}NULL)", b(x), if *negated { "NOT " } else { "" })
        }
        IsBool {
            expr: x,
            value: v,
            negated,
        } => {
            let w = match v {
                Some(true) => "TRUE",
                Some(false) => "FALSE",
                None => "UNKNOWN",
            };
            format!("({} IS {}{})", b(x), if *negated { "NOT " } else { "" }, w)
        }
        IsDistinctFrom {
            left,
            right,
            negated,
        } => {
            format!(
                "({} IS {}DISTINCT FROM {})",
                b(left),
                if *negated { "NOT " } else { "" },
                b(right)
            )
        }
        Like {
            kind,
            negated,
            expr: x,
            pattern,
            escape,
        } => {
            let k = match kind {
                super::LikeKind::Like => "LIKE",
                super::LikeKind::ILike => "ILIKE",
                super::LikeKind::SimilarTo => "SIMILAR TO",
            };
            let mut out = format!(
                "({} {}{} {}",
                b(x),
                if *negated { "NOT " } else { "" },
                k,
                b(pattern)
            );
            if let Some(esc) = escape {
                let _ = write!(out, " ESCAPE {}", b(esc));
            }
            out.push(')');
            out
        }
        InList {
            expr: x,
            list: l,
            negated,
        } => {
            format!(
                "({} {}IN ({}))",
                b(x),
                if *negated { "NOT " } else { "" },
                list(l, s)
            )
        }
        Case {
            operand,
            whens,
            else_result,
            data_type,
        } => {
            let mut out = "CASE".to_string();
            if let Some(o) = operand {
                let _ = write!(out, " {}", b(o));
            }
            for (w, t) in whens {
                let _ = write!(out, " WHEN {} THEN {}", b(w), b(t));
            }
            if let Some(x) = else_result {
                let _ = write!(out, " ELSE {}", b(x));
            }
            let _ = write!(out, " END::{data_type}");
            out
        }
        Coalesce { args, .. } => format!("COALESCE({})", list(args, s)),
        NullIf { left, right, .. } => format!("NULLIF({}, {})", b(left), b(right)),
        MinMax { greatest, args, .. } => format!(
            "{}({})",
            if *greatest { "GREATEST" } else { "LEAST" },
            list(args, s)
        ),
        Function { func, args } => format!("{}({})", func.def.name, list(args, s)),
        Subquery { plan, kind, .. } => {
            let inner = plan
                .to_string()
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" <- ");
            match kind {
                SubqueryKind::Scalar => format!("(SUBQUERY {inner})"),
                SubqueryKind::Exists => format!("EXISTS({inner})"),
                SubqueryKind::Array => format!("ARRAY({inner})"),
                SubqueryKind::RowField { field, .. } => format!("(SUBQUERY {inner}).{field}"),
                SubqueryKind::Any { lhs, op } => {
                    format!("({} {} ANY({inner}))", b(lhs), cmp_symbol(*op))
                }
                SubqueryKind::All { lhs, op } => {
                    format!("({} {} ALL({inner}))", b(lhs), cmp_symbol(*op))
                }
                SubqueryKind::RowIn { lhs, negated } => {
                    let items: Vec<String> = lhs.iter().map(b).collect();
                    let op = if *negated { "NOT IN" } else { "IN" };
                    format!("(({}) {op} ({inner}))", items.join(", "))
                }
            }
        }
        Array { elements, .. } => format!("ARRAY[{}]", list(elements, s)),
        Subscript { expr: x, index, .. } => format!("{}[{}]", b(x), b(index)),
    }
}

fn agg(a: &AggCall, s: Option<&Schema>) -> String {
    let mut out = format!(
        "{}({}{}",
        a.func.def.name,
        if a.distinct { "DISTINCT " } else { "" },
        list(&a.args, s)
    );
    if a.args.is_empty() && a.func.def.name == "count" {
        out.push('*');
    }
    if !a.order_by.is_empty() {
        let _ = write!(out, " ORDER BY {}", keys(&a.order_by, s));
    }
    out.push(')');
    if let Some(f) = &a.filter {
        let _ = write!(out, " FILTER (WHERE {})", expr(f, s));
    }
    out
}

fn window(w: &WindowCall, s: Option<&Schema>) -> String {
    let mut out = format!("{}({}) OVER (", w.func.def.name, list(&w.args, s));
    let mut parts = Vec::new();
    if !w.partition_by.is_empty() {
        parts.push(format!("PARTITION BY {}", list(&w.partition_by, s)));
    }
    if !w.order_by.is_empty() {
        parts.push(format!("ORDER BY {}", keys(&w.order_by, s)));
    }
    if w.frame != super::WindowFrame::default_frame() {
        let bound = |b: &FrameBound| match b {
            FrameBound::UnboundedPreceding => "UNBOUNDED PRECEDING".to_string(),
            FrameBound::Preceding(v) => format!("{} PRECEDING", value(v)),
            FrameBound::CurrentRow => "CURRENT ROW".to_string(),
            FrameBound::Following(v) => format!("{} FOLLOWING", value(v)),
            FrameBound::UnboundedFollowing => "UNBOUNDED FOLLOWING".to_string(),
        };
        parts.push(
            format!(
                "{:?} BETWEEN {} AND {}",
                w.frame.units,
                bound(&w.frame.start),
                bound(&w.frame.end)
            )
            .to_uppercase(),
        );
    }
    out.push_str(&parts.join(" "));
    out.push(')');
    out
}

fn render(plan: &Plan, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let input = input_schema(plan);
    let s = input.as_ref();
    let line = match &plan.node {
        PlanNode::Values { rows } => {
            let rows: Vec<String> = rows
                .iter()
                .map(|r| format!("({})", list(r, None)))
                .collect();
            format!("Values {}", rows.join(", "))
        }
        PlanNode::Empty => "Empty".to_string(),
        PlanNode::Scan {
            table,
            access,
            filter,
            projection,
            ..
        } => {
            let mut l = format!("Scan {}", table.name);
            match access {
                Access::Full => {}
                Access::PrimaryKey { .. } => l.push_str(" by primary key"),
                Access::Index { name, .. } => {
                    let _ = write!(l, " using {name}");
                }
            }
            if let Some(f) = filter {
                let _ = write!(l, " filter {}", expr(f, s));
            }
            if let Some(p) = projection {
                let _ = write!(l, " columns {p:?}");
            }
            l
        }
        PlanNode::FunctionScan {
            name,
            args,
            ordinality,
            ..
        } => {
            format!(
                "FunctionScan {}({}){}",
                name,
                list(args, None),
                if *ordinality { " WITH ORDINALITY" } else { "" }
            )
        }
        PlanNode::Filter { predicate, .. } => format!("Filter {}", expr(predicate, s)),
        PlanNode::Project { exprs, .. } => format!("Project {}", list(exprs, s)),
        PlanNode::Join {
            kind,
            condition,
            algorithm,
            lateral,
            ..
        } => {
            let mut l = format!("{:?}Join", kind);
            if *lateral {
                l.push_str(" lateral");
            }
            match algorithm {
                JoinAlgorithm::NestedLoop => {}
                JoinAlgorithm::Hash { .. } => l.push_str(" hash"),
                JoinAlgorithm::Merge { .. } => l.push_str(" merge"),
            }
            if let Some(c) = condition {
                let _ = write!(l, " on {}", expr(c, s));
            }
            l
        }
        PlanNode::Aggregate {
            group_by,
            grouping_sets,
            aggregates,
            ..
        } => {
            let mut l = "Aggregate".to_string();
            if !group_by.is_empty() {
                let _ = write!(l, " group by {}", list(group_by, s));
            }
            if let Some(sets) = grouping_sets {
                let _ = write!(l, " sets {sets:?}");
            }
            if !aggregates.is_empty() {
                let a: Vec<String> = aggregates.iter().map(|a| agg(a, s)).collect();
                let _ = write!(l, " aggs {}", a.join(", "));
            }
            l
        }
        PlanNode::Window { calls, .. } => {
            let c: Vec<String> = calls.iter().map(|w| window(w, s)).collect();
            format!("Window {}", c.join(", "))
        }
        PlanNode::Sort { keys: k, limit, .. } => {
            let mut l = format!("Sort {}", keys(k, s));
            if let Some(n) = limit {
                let _ = write!(l, " limit {n}");
            }
            l
        }
        PlanNode::Limit {
            limit,
            offset,
            with_ties,
            ..
        } => {
            let mut l = "Limit".to_string();
            if let Some(x) = limit {
                let _ = write!(l, " {}", expr(x, None));
            }
            if let Some(x) = offset {
                let _ = write!(l, " offset {}", expr(x, None));
            }
            if !with_ties.is_empty() {
                l.push_str(" with ties");
            }
            l
        }
        PlanNode::Distinct { on, .. } => match on {
            Some(on) => format!("Distinct on {}", list(on, s)),
            None => "Distinct".to_string(),
        },
        PlanNode::SetOp { kind, all, .. } => {
            format!("{:?}{}", kind, if *all { " all" } else { "" })
        }
        PlanNode::WithModifying { id, name, .. } => format!("WithModifying {name} #{id}"),
        PlanNode::RecursiveUnion { id, all, .. } => {
            format!("RecursiveUnion #{}{}", id, if *all { " all" } else { "" })
        }
        PlanNode::WorkTable { id } => format!("WorkTable #{id}"),
        PlanNode::Insert {
            table,
            on_conflict,
            returning,
            ..
        } => {
            let mut l = format!("Insert {}", table.name);
            match on_conflict {
                Some(OnConflict::Nothing { index }) => {
                    let _ = write!(l, " on conflict {:?} do nothing", index);
                }
                Some(OnConflict::Update {
                    index,
                    assignments,
                    predicate,
                }) => {
                    let a: Vec<String> = assignments
                        .iter()
                        .map(|a| format!("#{} = {}", a.column, expr(&a.value, None)))
                        .collect();
                    let _ = write!(l, " on conflict {} do update set {}", index, a.join(", "));
                    if let Some(p) = predicate {
                        let _ = write!(l, " where {}", expr(p, None));
                    }
                }
                None => {}
            }
            if !returning.is_empty() {
                let _ = write!(l, " returning {}", list(returning, None));
            }
            l
        }
        PlanNode::Update {
            table,
            assignments,
            returning,
            ..
        } => {
            let a: Vec<String> = assignments
                .iter()
                .map(|a| format!("#{} = {}", a.column, expr(&a.value, s)))
                .collect();
            let mut l = format!("Update {} set {}", table.name, a.join(", "));
            if !returning.is_empty() {
                let _ = write!(l, " returning {}", list(returning, s));
            }
            l
        }
        PlanNode::Delete {
            table, returning, ..
        } => {
            let mut l = format!("Delete {}", table.name);
            if !returning.is_empty() {
                let _ = write!(l, " returning {}", list(returning, s));
            }
            l
        }
    };
    let _ = writeln!(out, "{pad}{line}");
    for child in plan.inputs() {
        render(child, depth + 1, out);
    }
}
