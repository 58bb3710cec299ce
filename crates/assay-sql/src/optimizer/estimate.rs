//! Rule (last): fills every node's estimates — output rows, startup and
//! total cost, average row width — bottom-up, in PostgreSQL's units.
//!
//! The estimates change no plan; EXPLAIN prints them. They follow
//! PostgreSQL's cost model in spirit:
//!
//! - A table's rows come from ANALYZE's statistics. A never-analyzed table
//!   is assumed to fill 10 pages, as PostgreSQL assumes for a table it has
//!   never vacuumed, with as many rows as fit rows of the table's width.
//! - Reading a page sequentially costs `seq_page_cost` (1), at random
//!   `random_page_cost` (4); handling a row `cpu_tuple_cost` (0.01), an
//!   index entry `cpu_index_tuple_cost` (0.005), evaluating an operator
//!   `cpu_operator_cost` (0.0025).
//! - A condition keeps the share of rows its selectivity says: `=` keeps
//!   the frequency of a common value or 1/ndistinct when statistics know
//!   them, else 0.005; a range keeps the histogram's share, else 1/3;
//!   `IS NULL` the null fraction; `LIKE` 0.005; `AND` multiplies, `OR`
//!   adds less the overlap, `NOT` complements.
//! - Sorting n rows costs 2·n·log2(n) comparisons (log2 of twice the
//!   limit for a top-N sort); hashing charges each key once per input row.
//!
//! The figures cannot match PostgreSQL's to the cent (its plans and
//! storage differ), but they are deterministic and move the same way: a
//! filter lowers rows, a LIMIT lowers cost, a join multiplies by its
//! selectivity.

use super::OptContext;
use crate::catalog::{ColumnStats, IndexExpr, Table};
use crate::plan::{
    Access, CmpOp, JoinAlgorithm, JoinKind, KeyRange, Plan, PlanNode, ScalarExpr, SetOpKind,
    SubqueryKind,
};
use crate::types::{DataType, Settings, Value};

pub const SEQ_PAGE_COST: f64 = 1.0;
pub const RANDOM_PAGE_COST: f64 = 4.0;
pub const CPU_TUPLE_COST: f64 = 0.01;
pub const CPU_INDEX_TUPLE_COST: f64 = 0.005;
pub const CPU_OPERATOR_COST: f64 = 0.0025;

/// Usable bytes of an 8 kB page (less its header).
const PAGE_BYTES: f64 = 8168.0;
/// Per-row overhead on a heap page: tuple header plus line pointer.
const ROW_OVERHEAD: f64 = 28.0;
/// Pages assumed for a table never analyzed.
const DEFAULT_PAGES: f64 = 10.0;
/// Distinct values assumed for a column without statistics.
const DEFAULT_DISTINCT: f64 = 200.0;
const DEFAULT_EQ_SEL: f64 = 0.005;
const DEFAULT_INEQ_SEL: f64 = 1.0 / 3.0;
const DEFAULT_MATCH_SEL: f64 = 0.005;
/// Rows assumed for a set-returning function whose size is unknown.
const DEFAULT_FUNCTION_ROWS: f64 = 1000.0;

/// Fills the estimates of `plan` and every node below it (subquery plans
/// inside expressions got theirs when `optimize` ran on them).
pub fn apply(mut plan: Plan, ctx: &OptContext<'_>) -> Plan {
    Estimator { ctx }.node(&mut plan);
    plan
}

struct Estimator<'a, 'b> {
    ctx: &'a OptContext<'b>,
}

/// PostgreSQL's `clamp_row_est`: at least one row, whole rows.
fn clamp(rows: f64) -> f64 {
    if rows.is_nan() || rows <= 1.0 {
        1.0
    } else {
        rows.round()
    }
}

/// The average stored width of a value of `ty` (PostgreSQL's
/// `get_typavgwidth` where the type bounds its size, else 32).
pub fn type_width(ty: &DataType) -> f64 {
    match ty {
        DataType::Bool | DataType::Char => 1.0,
        DataType::Int2 => 2.0,
        DataType::Int4 | DataType::Float4 | DataType::Date | DataType::Oid => 4.0,
        DataType::Reg(_) => 4.0,
        DataType::Int8
        | DataType::Float8
        | DataType::Time(_)
        | DataType::Timestamp(_)
        | DataType::TimestampTz(_) => 8.0,
        DataType::Interval(_) | DataType::Uuid => 16.0,
        DataType::Name => 64.0,
        DataType::Numeric(Some(m)) => 8.0 + ((m.precision as f64 + 3.0) / 4.0).floor() * 2.0 + 2.0,
        DataType::Varchar(Some(n)) | DataType::Bpchar(Some(n)) => {
            let max = *n as f64 * 4.0 + 4.0;
            if matches!(ty, DataType::Bpchar(_)) || max <= 32.0 {
                max
            } else {
                32.0 + (max.min(1000.0) - 32.0) / 2.0
            }
        }
        _ => 32.0,
    }
}

/// How far an expression costs to evaluate once: operators at
/// `cpu_operator_cost`, subqueries at their plan's total.
fn expr_cost(e: &ScalarExpr) -> f64 {
    let mut cost = 0.0;
    e.visit(&mut |x| match x {
        ScalarExpr::Compare { .. }
        | ScalarExpr::Binary { .. }
        | ScalarExpr::Negate { .. }
        | ScalarExpr::Like { .. }
        | ScalarExpr::IsDistinctFrom { .. }
        | ScalarExpr::Function { .. }
        | ScalarExpr::NullIf { .. } => cost += CPU_OPERATOR_COST,
        ScalarExpr::InList { list, .. } => cost += CPU_OPERATOR_COST * list.len() as f64,
        ScalarExpr::Subquery { plan, .. } => cost += plan.cost,
        _ => {}
    });
    cost
}

/// Where an output column comes from: a table column.
struct Origin<'t> {
    table: &'t Table,
    column: usize,
    rows: f64,
}

impl<'a, 'b> Estimator<'a, 'b> {
    fn stats(&self, oid: u32, column: usize) -> Option<&'a ColumnStats> {
        self.ctx.catalog.stats(oid)?.columns.get(column)
    }

    /// The table's estimated rows and pages.
    fn table_size(&self, table: &Table) -> (f64, f64) {
        let data_width: f64 = (0..table.columns.len())
            .map(|c| self.column_width(table, c))
            .sum();
        let row_bytes = data_width + ROW_OVERHEAD;
        match self.ctx.catalog.stats(table.oid) {
            Some(s) => {
                let rows = s.row_count as f64;
                let pages = (rows * row_bytes / PAGE_BYTES).ceil();
                (rows, pages.max(if rows > 0.0 { 1.0 } else { 0.0 }))
            }
            None => {
                let per_page = (PAGE_BYTES / row_bytes).floor().max(1.0);
                (DEFAULT_PAGES * per_page, DEFAULT_PAGES)
            }
        }
    }

    fn column_width(&self, table: &Table, column: usize) -> f64 {
        let Some(c) = table.columns.get(column) else {
            return 32.0;
        };
        // Statistics measure variable-width values; fixed ones are known.
        match (type_width(&c.ty), self.stats(table.oid, column)) {
            (w, Some(s)) if w == 32.0 && s.avg_width > 0 => s.avg_width as f64,
            (w, _) => w,
        }
    }

    /// The table column an output column of `plan` reads unchanged.
    fn origin(&self, plan: &Plan, col: usize) -> Option<Origin<'a>> {
        match &plan.node {
            PlanNode::Scan {
                table, projection, ..
            } => {
                let column = match projection {
                    Some(p) => *p.get(col)?,
                    None => col,
                };
                let table = self.ctx.catalog.table(table.oid)?;
                (column < table.columns.len()).then(|| Origin {
                    table,
                    column,
                    rows: self.table_size(table).0,
                })
            }
            PlanNode::Filter { input, .. }
            | PlanNode::Sort { input, .. }
            | PlanNode::Limit { input, .. }
            | PlanNode::Distinct { input, .. }
            | PlanNode::Window { input, .. } => self.origin(input, col),
            PlanNode::Project { input, exprs } => match exprs.get(col)? {
                ScalarExpr::Column(i) => self.origin(input, *i),
                _ => None,
            },
            PlanNode::Join { left, right, .. } => {
                if col < left.schema.len() {
                    self.origin(left, col)
                } else {
                    self.origin(right, col - left.schema.len())
                }
            }
            PlanNode::Aggregate {
                input, group_by, ..
            } => match group_by.get(col)? {
                ScalarExpr::Column(i) => self.origin(input, *i),
                _ => None,
            },
            _ => None,
        }
    }

    /// Distinct values of `plan`'s column `col`, at most its rows.
    fn distinct(&self, plan: &Plan, col: usize, rows: f64) -> f64 {
        let d = match self.origin(plan, col) {
            Some(o) => self.table_distinct(&o),
            None => DEFAULT_DISTINCT,
        };
        d.min(rows).max(1.0)
    }

    fn table_distinct(&self, o: &Origin<'_>) -> f64 {
        let t = o.table;
        let col = o.column;
        let unique = t.primary_key.as_deref() == Some(&[col])
            || t.indexes.iter().any(|ix| {
                ix.unique
                    && ix.predicate.is_none()
                    && matches!(ix.parts[..], [ref p] if matches!(p.expr, IndexExpr::Column(c) if c == col))
            });
        if unique {
            return o.rows.max(1.0);
        }
        match self.stats(t.oid, col) {
            Some(s) if s.n_distinct > 0.0 => s.n_distinct,
            Some(s) if s.n_distinct < 0.0 => (-s.n_distinct * o.rows).max(1.0),
            _ => DEFAULT_DISTINCT,
        }
    }

    /// The share of `input`'s rows (its output columns are what `e`'s
    /// columns refer to) for which the predicate `e` holds.
    fn selectivity(&self, e: &ScalarExpr, input: &Plan) -> f64 {
        use ScalarExpr as E;
        let sel = match e {
            E::And(list) => list.iter().map(|c| self.selectivity(c, input)).product(),
            E::Or(list) => list.iter().fold(0.0, |acc, c| {
                let s = self.selectivity(c, input);
                acc + s - acc * s
            }),
            E::Not(x) => 1.0 - self.selectivity(x, input),
            E::Const {
                value: Value::Bool(b),
                ..
            } => f64::from(u8::from(*b)),
            E::Const {
                value: Value::Null, ..
            } => 0.0,
            E::Compare { op, left, right } => self.compare_sel(*op, left, right, input),
            E::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                let eq = self.compare_sel(CmpOp::Eq, left, right, input);
                if *negated {
                    eq
                } else {
                    1.0 - eq
                }
            }
            E::IsNull { expr, negated } => {
                let null = self
                    .column_stats(expr, input)
                    .map_or(DEFAULT_EQ_SEL, |s| s.null_frac);
                if *negated {
                    1.0 - null
                } else {
                    null
                }
            }
            E::Like { negated, .. } => {
                if *negated {
                    1.0 - DEFAULT_MATCH_SEL
                } else {
                    DEFAULT_MATCH_SEL
                }
            }
            E::InList {
                expr,
                list,
                negated,
            } => {
                let any: f64 = list
                    .iter()
                    .map(|v| self.compare_sel(CmpOp::Eq, expr, v, input))
                    .sum::<f64>()
                    .min(1.0);
                if *negated {
                    1.0 - any
                } else {
                    any
                }
            }
            E::IsBool { value, negated, .. } => {
                let s = if value.is_some() { 0.5 } else { DEFAULT_EQ_SEL };
                if *negated {
                    1.0 - s
                } else {
                    s
                }
            }
            E::Subquery {
                kind: SubqueryKind::Exists | SubqueryKind::Any { .. } | SubqueryKind::All { .. },
                ..
            } => 0.5,
            _ => DEFAULT_INEQ_SEL,
        };
        sel.clamp(0.0, 1.0)
    }

    fn column_stats(&self, e: &ScalarExpr, input: &Plan) -> Option<&'a ColumnStats> {
        let col = column_of(e)?;
        let o = self.origin(input, col)?;
        self.stats(o.table.oid, o.column)
    }

    fn compare_sel(&self, op: CmpOp, l: &ScalarExpr, r: &ScalarExpr, input: &Plan) -> f64 {
        // Column on the left, constant on the right when there is one.
        let (col, value, op) = match (column_of(l), column_of(r)) {
            (Some(_), None) if r.is_constant() => (l, r, op),
            (None, Some(_)) if l.is_constant() => (r, l, flip(op)),
            _ => {
                return match op {
                    CmpOp::Eq => DEFAULT_EQ_SEL,
                    CmpOp::NotEq => 1.0 - DEFAULT_EQ_SEL,
                    _ => DEFAULT_INEQ_SEL,
                }
            }
        };
        let constant = const_text(value);
        let stats = self.column_stats(col, input);
        let eq = || {
            if let (Some(s), Some(text)) = (stats, &constant) {
                if let Some((_, f)) = s.most_common.iter().find(|(v, _)| v == text) {
                    return *f;
                }
            }
            match column_of(col).and_then(|c| self.origin(input, c)) {
                Some(o) if stats.is_some() || self.table_distinct(&o) < o.rows => {
                    1.0 / self.table_distinct(&o).max(1.0)
                }
                Some(o) if o.rows > 0.0 && self.table_distinct(&o) >= o.rows => {
                    1.0 / o.rows.max(1.0)
                }
                _ => DEFAULT_EQ_SEL,
            }
        };
        match op {
            CmpOp::Eq => eq(),
            CmpOp::NotEq => 1.0 - eq(),
            CmpOp::Lt | CmpOp::LtEq | CmpOp::Gt | CmpOp::GtEq => {
                match (stats, &constant) {
                    (Some(s), Some(text)) if s.histogram.len() >= 2 => {
                        let below = histogram_share(&s.histogram, text);
                        let share = if matches!(op, CmpOp::Lt | CmpOp::LtEq) {
                            below
                        } else {
                            1.0 - below
                        };
                        // The histogram covers the values outside the common list.
                        let common: f64 = s.most_common.iter().map(|(_, f)| f).sum();
                        (share * (1.0 - common - s.null_frac)).max(0.0001)
                    }
                    _ => DEFAULT_INEQ_SEL,
                }
            }
        }
    }

    /// Fills the estimates of `plan` (and those below it).
    fn node(&self, plan: &mut Plan) {
        for input in plan.inputs_mut() {
            self.node(input);
        }
        let (rows, startup, total) = self.costs(plan);
        plan.rows = rows;
        plan.startup_cost = startup;
        plan.cost = total.max(startup);
        plan.width = self.widths(plan).iter().sum::<f64>().round();
    }

    /// Per-column average widths of `plan`'s output.
    fn widths(&self, plan: &Plan) -> Vec<f64> {
        let by_type = |p: &Plan| -> Vec<f64> {
            p.schema
                .fields
                .iter()
                .map(|f| type_width(&f.data_type))
                .collect()
        };
        match &plan.node {
            PlanNode::Insert { .. } | PlanNode::Update { .. } | PlanNode::Delete { .. } => {
                if plan.schema.is_empty() {
                    vec![]
                } else {
                    by_type(plan)
                }
            }
            _ => (0..plan.schema.len())
                .map(|c| match self.origin(plan, c) {
                    Some(o) => self.column_width(o.table, o.column),
                    None => type_width(&plan.schema.fields[c].data_type),
                })
                .collect(),
        }
    }

    /// (rows, startup cost, total cost) of `plan`, its inputs estimated.
    fn costs(&self, plan: &Plan) -> (f64, f64, f64) {
        use PlanNode as P;
        match &plan.node {
            P::Values { rows } => {
                let n = rows.len() as f64;
                let exprs: usize = rows.iter().map(Vec::len).sum();
                if rows.len() == 1 {
                    (1.0, 0.0, CPU_TUPLE_COST)
                } else {
                    (
                        n,
                        0.0,
                        n * CPU_TUPLE_COST + exprs as f64 * CPU_OPERATOR_COST,
                    )
                }
            }
            P::Empty => (0.0, 0.0, 0.0),
            P::Scan {
                table,
                access,
                filter,
                ..
            } => self.scan_costs(plan, table.oid, access, filter.as_ref()),
            P::FunctionScan { name, args, .. } => {
                let rows = function_rows(name, args);
                (rows, 0.0, rows * CPU_TUPLE_COST)
            }
            P::WorkTable { .. } => (10.0, 0.0, 10.0 * CPU_TUPLE_COST),
            P::WithModifying { cte, input, .. } => (
                input.rows,
                cte.cost + input.startup_cost,
                cte.cost + input.cost,
            ),
            P::Filter { input, predicate } => {
                let rows = clamp(input.rows * self.selectivity(predicate, input));
                let cost = input.cost + input.rows * expr_cost(predicate);
                (rows, input.startup_cost, cost)
            }
            P::Project { input, exprs } => {
                let per_row: f64 = exprs.iter().map(expr_cost).sum();
                (
                    input.rows,
                    input.startup_cost,
                    input.cost + input.rows * per_row,
                )
            }
            P::Join {
                left,
                right,
                kind,
                condition,
                algorithm,
                ..
            } => self.join_costs(left, right, *kind, condition.as_ref(), algorithm),
            P::Aggregate {
                input,
                group_by,
                grouping_sets,
                aggregates,
                sorted,
            } => {
                let n = input.rows;
                let per_row = (group_by.len() + aggregates.len()) as f64 * CPU_OPERATOR_COST;
                let run = input.cost + n * per_row;
                // Sorted groups stream: the first comes after its rows only.
                let startup = if *sorted { input.startup_cost } else { run };
                if group_by.is_empty() {
                    return (1.0, startup, run + CPU_TUPLE_COST);
                }
                let group_count = |keys: &mut dyn Iterator<Item = &ScalarExpr>| -> f64 {
                    let mut groups = 1.0;
                    for k in keys {
                        groups *= match k {
                            ScalarExpr::Column(c) => self.distinct(input, *c, n),
                            _ => DEFAULT_DISTINCT.min(n),
                        };
                    }
                    clamp(groups.min(n))
                };
                let groups = match grouping_sets {
                    None => group_count(&mut group_by.iter()),
                    Some(sets) => sets
                        .iter()
                        .map(|s| group_count(&mut s.iter().map(|&i| &group_by[i])))
                        .sum(),
                };
                (groups, startup, run + groups * CPU_TUPLE_COST)
            }
            P::Window { input, calls } => {
                let n = input.rows;
                let keys: usize = calls
                    .iter()
                    .map(|c| c.partition_by.len() + c.order_by.len())
                    .max()
                    .unwrap_or(0);
                let sort = if keys > 0 { sort_cost(n, None) } else { 0.0 };
                let startup = input.cost + sort;
                let per_row = (calls.len() as f64 + keys as f64) * CPU_OPERATOR_COST;
                (n, startup, startup + n * (per_row + CPU_TUPLE_COST))
            }
            P::Sort { input, limit, .. } => {
                let n = input.rows;
                let startup = input.cost + sort_cost(n, *limit);
                (n, startup, startup + n * CPU_OPERATOR_COST)
            }
            P::Limit {
                input,
                limit,
                offset,
                ..
            } => {
                let n = input.rows;
                let offset = offset.as_ref().and_then(count_of).unwrap_or(0.0).min(n);
                let count = match limit.as_ref() {
                    None => n - offset,
                    Some(l) => count_of(l).unwrap_or((n * 0.1).round()).min(n - offset),
                };
                let per_row = if n > 0.0 {
                    (input.cost - input.startup_cost) / n
                } else {
                    0.0
                };
                let startup = input.startup_cost + per_row * offset;
                (clamp(count), startup, startup + per_row * count.max(0.0))
            }
            P::Distinct { input, on } => {
                let n = input.rows;
                let cols: Vec<usize> = match on {
                    None => (0..input.schema.len()).collect(),
                    Some(on) => on.iter().filter_map(column_of).collect(),
                };
                let mut groups = 1.0;
                for c in &cols {
                    groups *= self.distinct(input, *c, n);
                }
                if on.as_ref().is_some_and(|o| o.len() != cols.len()) {
                    groups *= DEFAULT_DISTINCT;
                }
                let groups = clamp(groups.min(n));
                let per_row = cols.len().max(1) as f64 * CPU_OPERATOR_COST;
                if on.is_some() {
                    (groups, input.startup_cost, input.cost + n * per_row)
                } else {
                    let startup = input.cost + n * per_row;
                    (groups, startup, startup + groups * CPU_TUPLE_COST)
                }
            }
            P::SetOp {
                kind,
                all,
                left,
                right,
            } => {
                let n = left.rows + right.rows;
                let append = left.cost + right.cost + n * CPU_TUPLE_COST;
                if *kind == SetOpKind::Union && *all {
                    return (n, left.startup_cost, append);
                }
                let per_row = plan.schema.len().max(1) as f64 * CPU_OPERATOR_COST;
                let startup = append + n * per_row;
                let rows = match kind {
                    SetOpKind::Union => n,
                    SetOpKind::Intersect => left.rows.min(right.rows),
                    SetOpKind::Except => left.rows,
                };
                let rows = if *all { rows } else { clamp(rows * 0.5) };
                (clamp(rows), startup, startup + rows * CPU_TUPLE_COST)
            }
            P::RecursiveUnion {
                anchor, recursive, ..
            } => {
                // As PostgreSQL: ten iterations of the recursive part.
                let rows = anchor.rows + 10.0 * recursive.rows;
                (
                    rows,
                    anchor.startup_cost,
                    anchor.cost + 10.0 * recursive.cost,
                )
            }
            P::Insert { input, .. } | P::Update { input, .. } | P::Delete { input, .. } => {
                let rows = if plan.schema.is_empty() {
                    0.0
                } else {
                    input.rows
                };
                (rows, input.startup_cost, input.cost)
            }
        }
    }

    fn scan_costs(
        &self,
        plan: &Plan,
        oid: u32,
        access: &Access,
        filter: Option<&ScalarExpr>,
    ) -> (f64, f64, f64) {
        let Some(table) = self.ctx.catalog.table(oid) else {
            return (1000.0, 0.0, 1000.0 * CPU_TUPLE_COST);
        };
        let (table_rows, pages) = self.table_size(table);
        // Filters and key conditions read the table's row.
        let unprojected = Plan::new(
            PlanNode::Scan {
                table: crate::plan::TableRef {
                    oid,
                    name: table.name.clone(),
                },
                access: Access::Full,
                filter: None,
                projection: None,
                columns: None,
            },
            plan.schema.clone(),
        );
        let filter_sel = filter.map_or(1.0, |f| self.selectivity(f, &unprojected));
        let qual_cost = filter.map_or(0.0, expr_cost);
        let (key_columns, ranges) = match access {
            Access::Full => {
                let cost = pages * SEQ_PAGE_COST + table_rows * (CPU_TUPLE_COST + qual_cost);
                return (clamp(table_rows * filter_sel), 0.0, cost);
            }
            Access::PrimaryKey { ranges } => {
                (table.primary_key.clone().unwrap_or_default(), ranges)
            }
            Access::Index { index, ranges, .. } => {
                let cols = table
                    .index(*index)
                    .map(|ix| ix.part_columns())
                    .unwrap_or_default();
                (cols, ranges)
            }
        };
        let key_sel: f64 = ranges
            .iter()
            .map(|r| self.range_sel(r, &key_columns, &unprojected))
            .sum::<f64>()
            .min(1.0);
        let fetched = clamp(table_rows * key_sel);
        let only = matches!(access, Access::Index { only: true, .. });
        // Descending the tree: one comparison per level, PostgreSQL's
        // 50 operator costs per page on the way down.
        let startup = (table_rows.max(2.0).log2().ceil() + 50.0) * CPU_OPERATOR_COST;
        let index_pages = (fetched * 16.0 / PAGE_BYTES).ceil().max(1.0);
        let heap_pages = if only {
            0.0
        } else {
            fetched.min(pages.max(1.0))
        };
        let total = startup
            + (index_pages + heap_pages) * RANDOM_PAGE_COST
            + fetched * (CPU_INDEX_TUPLE_COST + CPU_TUPLE_COST + qual_cost)
            + ranges.len() as f64 * CPU_OPERATOR_COST;
        (clamp(fetched * filter_sel), startup, total)
    }

    /// The share of rows a key range keeps.
    fn range_sel(&self, r: &KeyRange, key_columns: &[usize], table_scan: &Plan) -> f64 {
        let point = match (&r.low, &r.high) {
            (Some((lo, true)), Some((hi, true))) => lo.len() == hi.len() && !lo.is_empty(),
            _ => false,
        };
        let bound_sel = |b: &Option<(Vec<ScalarExpr>, bool)>, op: CmpOp| -> f64 {
            let Some((values, _)) = b else { return 1.0 };
            let mut sel = 1.0;
            for (i, v) in values.iter().enumerate() {
                let Some(&c) = key_columns.get(i) else { break };
                let column = ScalarExpr::Column(c);
                let last = i + 1 == values.len();
                let o = if last { op } else { CmpOp::Eq };
                sel *= self.compare_sel(o, &column, v, table_scan);
            }
            sel
        };
        if point {
            bound_sel(&r.low, CmpOp::Eq)
        } else {
            let lo = bound_sel(&r.low, CmpOp::Gt);
            let hi = bound_sel(&r.high, CmpOp::Lt);
            if r.low.is_some() && r.high.is_some() {
                // PostgreSQL's default for a two-sided range.
                (lo + hi - 1.0).max(DEFAULT_EQ_SEL)
            } else {
                lo * hi
            }
        }
    }

    fn join_costs(
        &self,
        left: &Plan,
        right: &Plan,
        kind: JoinKind,
        condition: Option<&ScalarExpr>,
        algorithm: &JoinAlgorithm,
    ) -> (f64, f64, f64) {
        let (l, r) = (left.rows, right.rows);
        let joined = Plan::new(PlanNode::Empty, left.schema.concat(&right.schema));
        let width = left.schema.len();
        // Equality conjuncts between the sides use the columns' distinct
        // values; others the defaults.
        let mut sel = 1.0;
        // Distinct values of the first equality key on each side.
        let mut key_distinct = None;
        for c in condition.cloned().map(super::conjuncts).unwrap_or_default() {
            if let ScalarExpr::Compare {
                op: CmpOp::Eq,
                left: a,
                right: b,
            } = &c
            {
                if let (Some(x), Some(y)) = (column_of(a), column_of(b)) {
                    let side = |i: usize| {
                        if i < width {
                            self.distinct(left, i, l)
                        } else {
                            self.distinct(right, i - width, r)
                        }
                    };
                    let (dx, dy) = (side(x), side(y));
                    let (dl, dr) = if x < width { (dx, dy) } else { (dy, dx) };
                    key_distinct.get_or_insert((dl, dr));
                    sel /= dx.max(dy);
                    continue;
                }
            }
            sel *= self.selectivity(&c, &joined);
        }
        let inner = l * r * sel;
        let rows = match kind {
            JoinKind::Inner => inner,
            JoinKind::Left => inner.max(l),
            JoinKind::Right => inner.max(r),
            JoinKind::Full => inner.max(l).max(r),
            JoinKind::Semi | JoinKind::Anti => {
                // The share of left rows with a match: as many of the
                // left's key values as the right has values, at most all.
                let matched = match key_distinct {
                    Some((dl, dr)) => (dr / dl.max(1.0)).min(1.0),
                    None => 0.5,
                };
                if kind == JoinKind::Semi {
                    l * matched
                } else {
                    l * (1.0 - matched)
                }
            }
        };
        let rows = clamp(rows);
        let qual = condition.map_or(0.0, expr_cost);
        match algorithm {
            JoinAlgorithm::Hash { left_keys, .. } => {
                let k = left_keys.len() as f64 * CPU_OPERATOR_COST;
                let build = right.cost + r * (k + CPU_TUPLE_COST);
                let startup = build + left.startup_cost;
                let total = startup
                    + (left.cost - left.startup_cost)
                    + l * k
                    + rows * (qual + CPU_TUPLE_COST);
                (rows, startup, total)
            }
            JoinAlgorithm::Merge { left_keys, .. } => {
                let k = left_keys.len() as f64 * CPU_OPERATOR_COST;
                let startup = left.startup_cost + right.startup_cost;
                let total = left.cost + right.cost + (l + r) * k + rows * CPU_TUPLE_COST;
                (rows, startup, total)
            }
            JoinAlgorithm::NestedLoop => {
                let startup = left.startup_cost + right.startup_cost;
                let rescans = (l - 1.0).max(0.0) * right.cost;
                let total = left.cost + right.cost + rescans + l * r * qual + rows * CPU_TUPLE_COST;
                (rows, startup, total)
            }
        }
    }
}

/// Cost of sorting `n` rows (keeping `limit` of them when given).
fn sort_cost(n: f64, limit: Option<u64>) -> f64 {
    let n = n.max(2.0);
    let log = match limit {
        Some(k) if (k as f64) * 2.0 < n => (2.0 * k as f64).max(2.0).log2(),
        _ => n.log2(),
    };
    2.0 * CPU_OPERATOR_COST * n * log
}

/// The column an expression reads, under casts.
fn column_of(e: &ScalarExpr) -> Option<usize> {
    match e {
        ScalarExpr::Column(i) => Some(*i),
        ScalarExpr::Cast { expr, .. } => column_of(expr),
        _ => None,
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::LtEq => CmpOp::GtEq,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::GtEq => CmpOp::LtEq,
        other => other,
    }
}

/// A constant's text form, as the statistics keep values.
fn const_text(e: &ScalarExpr) -> Option<String> {
    match e {
        ScalarExpr::Const { value, .. } if !matches!(value, Value::Null) => {
            crate::types::format_value(value, &Settings::default())
        }
        ScalarExpr::Cast { expr, .. } => const_text(expr),
        _ => None,
    }
}

/// The share of a histogram's values below `text` (numbers compared as
/// numbers, else as text).
fn histogram_share(bounds: &[String], text: &str) -> f64 {
    let less = |b: &str| match (b.parse::<f64>(), text.parse::<f64>()) {
        (Ok(x), Ok(y)) => x < y,
        _ => b < text,
    };
    let below = bounds.iter().filter(|b| less(b)).count();
    if below == 0 {
        return 0.0;
    }
    if below == bounds.len() {
        return 1.0;
    }
    (below as f64 - 0.5) / (bounds.len() - 1) as f64
}

/// A LIMIT or OFFSET count known at planning time.
fn count_of(e: &ScalarExpr) -> Option<f64> {
    match e {
        ScalarExpr::Const { value, .. } => match value {
            Value::Int2(n) => Some(*n as f64),
            Value::Int4(n) => Some(*n as f64),
            Value::Int8(n) => Some(*n as f64),
            _ => None,
        },
        ScalarExpr::Cast { expr, .. } => count_of(expr),
        _ => None,
    }
}

/// Rows of a set-returning function: exact for `generate_series` over
/// constant integers and `unnest` of an array literal (as PostgreSQL's
/// support functions), else 1000.
fn function_rows(name: &str, args: &[ScalarExpr]) -> f64 {
    let int = |e: &ScalarExpr| match e {
        ScalarExpr::Const { value, .. } => match value {
            Value::Int2(n) => Some(*n as f64),
            Value::Int4(n) => Some(*n as f64),
            Value::Int8(n) => Some(*n as f64),
            _ => None,
        },
        _ => None,
    };
    match (name, args) {
        ("generate_series", [a, b]) => match (int(a), int(b)) {
            (Some(a), Some(b)) => (b - a + 1.0).max(0.0),
            _ => DEFAULT_FUNCTION_ROWS,
        },
        ("generate_series", [a, b, s]) => match (int(a), int(b), int(s)) {
            (Some(a), Some(b), Some(s)) if s != 0.0 => ((b - a) / s + 1.0).floor().max(0.0),
            _ => DEFAULT_FUNCTION_ROWS,
        },
        ("unnest", [ScalarExpr::Array { elements, .. }]) => elements.len() as f64,
        ("unnest", _) => 100.0,
        _ => DEFAULT_FUNCTION_ROWS,
    }
}
