//! EXPLAIN output as PostgreSQL prints it.
//!
//! A plan is first translated into a tree of [`Node`]s in PostgreSQL's
//! vocabulary — `Seq Scan on t`, `Hash Join` over a `Hash` node, `Limit`
//! — with their property lines (`Filter:`, `Hash Cond:`, `Sort Key:`),
//! estimates and, after EXPLAIN ANALYZE, the actual figures the executor
//! counted. Then the tree is printed in the text format: one line per
//! node, children after `->  ` arrows, properties indented under their
//! node.
//!
//! Assay's plans are not PostgreSQL's, so the translation folds and adds
//! nodes where PostgreSQL's shape differs only in form:
//!
//! - A `Project` disappears into its input (PostgreSQL projects inside
//!   scans and joins); a `Filter` over a node that can filter becomes that
//!   node's `Filter:` line, elsewhere a `Result` with a `Filter:`.
//! - A hash join's build side is shown under a `Hash` node; a distinct
//!   UNION or INTERSECT/EXCEPT hashes over an `Append` of its inputs. Such
//!   added nodes show the estimates and actuals of what they stand for.
//! - A `Values` node of one row is a `Result`, several a `Values Scan`.
//!
//! Expressions print as PostgreSQL deparses them: `(a > 5)`,
//! `(b ~~ 'x%'::text)`, `(a = ANY ('{1,2}'::integer[]))`, columns
//! qualified by their relation when the query reads more than one (or
//! VERBOSE is on). Subqueries in expressions print as `(SubPlan n)` with
//! their plan under the node.

use std::fmt::Write;

use super::{
    Access, AggCall, CmpOp, JoinAlgorithm, JoinKind, KeyRange, LikeKind, OnConflict, Plan,
    PlanNode, ScalarExpr, Schema, SetOpKind, SortKey, SubqueryKind,
};
use crate::catalog::Catalog;
use crate::exec::NodeStats;
use crate::types::{format_value, DataType, Settings, Value};

/// EXPLAIN's options.
#[derive(Clone, Debug)]
pub struct ExplainOptions {
    pub analyze: bool,
    pub verbose: bool,
    pub costs: bool,
    pub timing: bool,
    pub summary: bool,
}

impl Default for ExplainOptions {
    fn default() -> Self {
        ExplainOptions {
            analyze: false,
            verbose: false,
            costs: true,
            timing: true,
            summary: false,
        }
    }
}

/// What the executor measured for one node.
#[derive(Clone, Copy, Debug, Default)]
struct Actual {
    rows: u64,
    loops: u64,
    startup_ms: f64,
    total_ms: f64,
    removed: Option<u64>,
}

impl Actual {
    fn of(s: &NodeStats) -> Actual {
        Actual {
            rows: s.rows,
            loops: s.loops,
            startup_ms: s.startup.as_secs_f64() * 1000.0,
            total_ms: s.time.as_secs_f64() * 1000.0,
            removed: None,
        }
    }
}

/// One node of PostgreSQL's plan tree.
struct Node {
    name: String,
    props: Vec<String>,
    startup: f64,
    total: f64,
    rows: f64,
    width: f64,
    actual: Option<Actual>,
    children: Vec<Node>,
    /// `SubPlan n` sections: plans of subqueries in this node's expressions.
    subplans: Vec<(String, Node)>,
}

impl Node {
    fn new(name: impl Into<String>, plan: &Plan) -> Node {
        Node {
            name: name.into(),
            props: Vec::new(),
            startup: plan.startup_cost,
            total: plan.cost,
            rows: plan.rows,
            width: plan.width,
            actual: None,
            children: Vec::new(),
            subplans: Vec::new(),
        }
    }
}

/// The EXPLAIN text of `plan`, one line per element. `stats` are the
/// per-node statistics of an EXPLAIN ANALYZE run (pre-order numbering of
/// [`Plan::inputs`]).
pub fn explain_lines(
    plan: &Plan,
    catalog: Option<&Catalog>,
    options: &ExplainOptions,
    stats: Option<&[NodeStats]>,
) -> Vec<String> {
    let mut relations = Vec::new();
    collect_relations(plan, &mut relations);
    let mut b = Builder {
        catalog,
        options,
        stats,
        qualify: options.verbose || relations.len() > 1,
        subplan_count: 0,
        cte_tables: Vec::new(),
        scopes: Vec::new(),
    };
    let root = b.node(plan, 0);
    let mut out = Vec::new();
    print(&root, options, 0, true, &mut out);
    out
}

/// The relations a plan reads (for qualifying column names).
fn collect_relations(plan: &Plan, out: &mut Vec<String>) {
    match &plan.node {
        PlanNode::Scan { table, .. } => {
            let name = plan
                .schema
                .fields
                .first()
                .and_then(|f| f.relation.clone())
                .unwrap_or_else(|| table.name.clone());
            out.push(name);
        }
        PlanNode::FunctionScan { name, .. } => out.push(name.clone()),
        PlanNode::Values { rows } if rows.len() > 1 => out.push("*VALUES*".into()),
        PlanNode::WorkTable { .. } => out.push("worktable".into()),
        _ => {}
    }
    crate::exec::walk::node_exprs(&plan.node, &mut |e| {
        e.visit(&mut |x| {
            if let ScalarExpr::Subquery { plan, .. } = x {
                collect_relations(plan, out);
            }
        })
    });
    for input in plan.inputs() {
        collect_relations(input, out);
    }
}

fn count_nodes(plan: &Plan) -> usize {
    1 + plan.input_iter().map(count_nodes).sum::<usize>()
}

struct Builder<'a> {
    catalog: Option<&'a Catalog>,
    options: &'a ExplainOptions,
    stats: Option<&'a [NodeStats]>,
    qualify: bool,
    subplan_count: usize,
    /// Schemas of the rows enclosing queries' expressions see (innermost
    /// last), for outer references inside subplans.
    scopes: Vec<Names>,
    /// Work tables holding a data-modifying WITH item's rows (read by a
    /// `CTE Scan`, as PostgreSQL calls it).
    cte_tables: Vec<usize>,
}

/// Column names an expression's `Column(i)` refers to.
type Names = Vec<String>;

impl<'a> Builder<'a> {
    fn actual(&self, id: usize) -> Option<Actual> {
        self.stats?.get(id).map(Actual::of)
    }

    /// The names of a schema's columns, qualified when needed.
    fn names(&self, schema: &Schema) -> Names {
        schema
            .fields
            .iter()
            .map(|f| match (&f.relation, self.qualify) {
                (Some(r), true) => format!("{}.{}", quote_ident(r), quote_ident(&f.name)),
                _ => quote_ident(&f.name),
            })
            .collect()
    }

    /// The names of a scan's table row (filters and keys read it).
    fn table_names(&self, plan: &Plan, oid: u32) -> Names {
        let relation = plan.schema.fields.first().and_then(|f| f.relation.clone());
        match self.catalog.and_then(|c| c.table(oid)) {
            Some(t) => t
                .columns
                .iter()
                .map(|c| match (&relation, self.qualify) {
                    (Some(r), true) => format!("{}.{}", quote_ident(r), quote_ident(&c.name)),
                    _ => quote_ident(&c.name),
                })
                .collect(),
            None => self.names(&plan.schema),
        }
    }

    /// Builds the node for `plan`, numbered `id` in the statistics.
    fn node(&mut self, plan: &Plan, id: usize) -> Node {
        let child_ids: Vec<usize> = {
            let mut next = id + 1;
            plan.inputs()
                .into_iter()
                .map(|p| {
                    let at = next;
                    next += count_nodes(p);
                    at
                })
                .collect()
        };
        let input_names = |b: &Self, k: usize| -> Names {
            plan.inputs()
                .get(k)
                .map(|p| b.names(&p.schema))
                .unwrap_or_default()
        };
        use PlanNode as P;
        let mut node = match &plan.node {
            P::Values { rows } => {
                let mut n = if rows.len() == 1 {
                    Node::new("Result", plan)
                } else {
                    Node::new("Values Scan on \"*VALUES*\"", plan)
                };
                if self.options.verbose {
                    let out: Vec<String> = if rows.len() == 1 {
                        rows[0].iter().map(|e| self.expr(e, &[], &mut n)).collect()
                    } else {
                        (1..=plan.schema.len())
                            .map(|i| format!("\"*VALUES*\".column{i}"))
                            .collect()
                    };
                    n.props.push(format!("Output: {}", out.join(", ")));
                }
                n
            }
            P::Empty => {
                let mut n = Node::new("Result", plan);
                n.props.push("One-Time Filter: false".into());
                n
            }
            P::Scan {
                table,
                access,
                filter,
                projection,
                ..
            } => {
                let names = self.table_names(plan, table.oid);
                let alias = plan.schema.fields.first().and_then(|f| f.relation.clone());
                let on = match &alias {
                    Some(a) if *a != table.name => {
                        format!("{} {}", quote_ident(&table.name), quote_ident(a))
                    }
                    _ => quote_ident(&table.name),
                };
                let t = self.catalog.and_then(|c| c.table(table.oid));
                let (name, cond) = match access {
                    Access::Full => (format!("Seq Scan on {on}"), None),
                    Access::PrimaryKey { ranges } => {
                        let index = t
                            .and_then(|t| t.indexes.iter().find(|ix| ix.primary))
                            .map_or_else(|| format!("{}_pkey", table.name), |ix| ix.name.clone());
                        let cols = t.and_then(|t| t.primary_key.clone()).unwrap_or_default();
                        (
                            format!("Index Scan using {} on {on}", quote_ident(&index)),
                            Some((cols, ranges)),
                        )
                    }
                    Access::Index {
                        index,
                        name,
                        ranges,
                        only,
                    } => {
                        let cols = t
                            .and_then(|t| t.index(*index))
                            .map(|ix| ix.part_columns())
                            .unwrap_or_default();
                        let kind = if *only {
                            "Index Only Scan"
                        } else {
                            "Index Scan"
                        };
                        (
                            format!("{kind} using {} on {on}", quote_ident(name)),
                            Some((cols, ranges)),
                        )
                    }
                };
                let mut n = Node::new(name, plan);
                if self.options.verbose {
                    let out: Vec<String> = match projection {
                        Some(p) => p
                            .iter()
                            .map(|&c| names.get(c).cloned().unwrap_or_else(|| "ctid".into()))
                            .collect(),
                        None => names.clone(),
                    };
                    n.props.push(format!("Output: {}", out.join(", ")));
                }
                let mut key_parts = Vec::new();
                if let Some((cols, ranges)) = cond {
                    key_parts = self.index_cond(&cols, ranges, &names, &mut n);
                    if !key_parts.is_empty() {
                        n.props
                            .push(format!("Index Cond: {}", and_list(&key_parts)));
                    }
                }
                if let Some(f) = filter {
                    // The scan still checks the key conditions; show them once.
                    let rest: Vec<String> = crate::optimizer::conjuncts(f.clone())
                        .iter()
                        .map(|c| self.expr(c, &names, &mut n))
                        .filter(|t| !key_parts.contains(t))
                        .collect();
                    if !rest.is_empty() {
                        n.props.push(format!("Filter: {}", and_list(&rest)));
                    }
                }
                n.actual = self.actual(id).map(|mut a| {
                    if filter.is_some() {
                        a.removed = self.stats.and_then(|s| s.get(id)).map(|s| s.removed);
                    }
                    a
                });
                return n;
            }
            P::FunctionScan { name, args, .. } => {
                let alias = plan
                    .schema
                    .fields
                    .first()
                    .and_then(|f| f.relation.clone())
                    .unwrap_or_else(|| name.clone());
                let mut n = Node::new(
                    format!("Function Scan on {} {}", name, quote_ident(&alias)),
                    plan,
                );
                if self.options.verbose {
                    let out = self.names(&plan.schema).join(", ");
                    n.props.push(format!("Output: {out}"));
                    let args: Vec<String> =
                        args.iter().map(|a| self.expr(a, &[], &mut n)).collect();
                    n.props
                        .push(format!("Function Call: {}({})", name, args.join(", ")));
                }
                n
            }
            P::WorkTable { id } => {
                let alias = plan
                    .schema
                    .fields
                    .first()
                    .and_then(|f| f.relation.clone())
                    .unwrap_or_else(|| "worktable".into());
                let kind = match self.cte_tables.contains(id) {
                    true => "CTE",
                    false => "WorkTable",
                };
                Node::new(format!("{kind} Scan on {}", quote_ident(&alias)), plan)
            }
            P::Filter { input, predicate } => {
                let names = input_names(self, 0);
                let foldable = matches!(
                    input.node,
                    P::Aggregate { .. }
                        | P::Join { .. }
                        | P::FunctionScan { .. }
                        | P::WorkTable { .. }
                        | P::Scan { filter: None, .. }
                ) || matches!(&input.node, P::Values { rows } if rows.len() > 1);
                let mut n = if foldable {
                    let mut inner = self.node(input, child_ids[0]);
                    inner.startup = plan.startup_cost;
                    inner.total = plan.cost;
                    inner.rows = plan.rows;
                    inner
                } else {
                    let mut n = Node::new("Result", plan);
                    n.children.push(self.node(input, child_ids[0]));
                    n
                };
                let text = self.expr(predicate, &names, &mut n);
                n.props.push(format!("Filter: {text}"));
                n.actual = self.actual(id).map(|mut a| {
                    a.removed = self.stats.and_then(|s| s.get(id)).map(|s| s.removed);
                    a
                });
                return n;
            }
            P::Project { input, exprs } => {
                let names = input_names(self, 0);
                let mut n = self.node(input, child_ids[0]);
                n.startup = plan.startup_cost;
                n.total = plan.cost;
                n.width = plan.width;
                let out: Vec<String> = exprs.iter().map(|e| self.expr(e, &names, &mut n)).collect();
                if self.options.verbose {
                    match n.props.iter().position(|p| p.starts_with("Output: ")) {
                        Some(i) => n.props[i] = format!("Output: {}", out.join(", ")),
                        None => n.props.insert(0, format!("Output: {}", out.join(", "))),
                    }
                }
                if let Some(a) = self.actual(id) {
                    let removed = n.actual.and_then(|x| x.removed);
                    n.actual = Some(Actual { removed, ..a });
                }
                return n;
            }
            P::Join {
                left,
                right,
                kind,
                condition,
                algorithm,
                ..
            } => {
                let mut names = input_names(self, 0);
                let right_names = input_names(self, 1);
                names.extend(right_names.iter().cloned());
                let join = match kind {
                    JoinKind::Inner => "",
                    JoinKind::Left => " Left",
                    JoinKind::Right => " Right",
                    JoinKind::Full => " Full",
                    JoinKind::Semi => " Semi",
                    JoinKind::Anti => " Anti",
                };
                let name = match algorithm {
                    JoinAlgorithm::Hash { .. } => format!("Hash{join} Join"),
                    JoinAlgorithm::Merge { .. } => format!("Merge{join} Join"),
                    JoinAlgorithm::NestedLoop if join.is_empty() => "Nested Loop".into(),
                    JoinAlgorithm::NestedLoop => format!("Nested Loop{join} Join"),
                };
                let mut n = Node::new(name, plan);
                let mut residual: Vec<ScalarExpr> = condition
                    .clone()
                    .map(crate::optimizer::conjuncts)
                    .unwrap_or_default();
                let left_names = input_names(self, 0);
                let key_cond = |b: &mut Self,
                                n: &mut Node,
                                lk: &[ScalarExpr],
                                rk: &[ScalarExpr]|
                 -> Vec<String> {
                    lk.iter()
                        .zip(rk)
                        .map(|(l, r)| {
                            format!(
                                "({} = {})",
                                b.expr(l, &left_names, n),
                                b.expr(r, &right_names, n)
                            )
                        })
                        .collect()
                };
                let keys = match algorithm {
                    JoinAlgorithm::Hash {
                        left_keys,
                        right_keys,
                    }
                    | JoinAlgorithm::Merge {
                        left_keys,
                        right_keys,
                    } => key_cond(self, &mut n, left_keys, right_keys),
                    JoinAlgorithm::NestedLoop => Vec::new(),
                };
                if !keys.is_empty() {
                    // The key equalities stay in the condition; show them once.
                    residual.retain(|c| {
                        let text = self.expr(c, &names, &mut Node::new("", plan));
                        !keys.iter().any(|k| {
                            *k == text || {
                                let flipped = k
                                    .trim_start_matches('(')
                                    .trim_end_matches(')')
                                    .splitn(2, " = ")
                                    .collect::<Vec<_>>();
                                flipped.len() == 2
                                    && text == format!("({} = {})", flipped[1], flipped[0])
                            }
                        })
                    });
                    let label = if matches!(algorithm, JoinAlgorithm::Hash { .. }) {
                        "Hash Cond"
                    } else {
                        "Merge Cond"
                    };
                    n.props.push(format!("{label}: {}", and_list(&keys)));
                }
                if !residual.is_empty() {
                    let texts: Vec<String> = residual
                        .iter()
                        .map(|c| self.expr(c, &names, &mut n))
                        .collect();
                    n.props.push(format!("Join Filter: {}", and_list(&texts)));
                }
                let l = self.node(left, child_ids[0]);
                let r = self.node(right, child_ids[1]);
                n.children.push(l);
                if matches!(algorithm, JoinAlgorithm::Hash { .. }) {
                    let mut hash = Node::new("Hash", right);
                    hash.startup = right.cost;
                    hash.actual = r.actual;
                    hash.children.push(r);
                    n.children.push(hash);
                } else {
                    n.children.push(r);
                }
                n
            }
            P::Aggregate {
                group_by,
                grouping_sets,
                aggregates,
                sorted,
                ..
            } => {
                let names = input_names(self, 0);
                let keys: Vec<String> = group_by
                    .iter()
                    .map(|e| self.expr(e, &names, &mut Node::new("", plan)))
                    .collect();
                let name = match (group_by.is_empty(), grouping_sets) {
                    (true, _) => "Aggregate",
                    (false, None) if *sorted => "GroupAggregate",
                    (false, Some(sets)) if sets.iter().any(Vec::is_empty) => "MixedAggregate",
                    _ => "HashAggregate",
                };
                let mut n = Node::new(name, plan);
                match grouping_sets {
                    None if !keys.is_empty() => {
                        n.props.push(format!("Group Key: {}", keys.join(", ")))
                    }
                    None => {}
                    Some(sets) => {
                        for s in sets {
                            if s.is_empty() {
                                n.props.push("Group Key: ()".into());
                            } else {
                                let k: Vec<&str> = s.iter().map(|&i| keys[i].as_str()).collect();
                                n.props.push(format!("Hash Key: {}", k.join(", ")));
                            }
                        }
                    }
                }
                if self.options.verbose {
                    let mut out = keys.clone();
                    for a in aggregates {
                        out.push(self.agg(a, &names, &mut n));
                    }
                    n.props.insert(0, format!("Output: {}", out.join(", ")));
                }
                n
            }
            P::Window { calls, .. } => {
                let mut n = Node::new("WindowAgg", plan);
                if self.options.verbose {
                    let names = input_names(self, 0);
                    let mut out = names.clone();
                    for c in calls {
                        let args: Vec<String> = c
                            .args
                            .iter()
                            .map(|a| self.expr(a, &names, &mut n))
                            .collect();
                        out.push(format!("{}({}) OVER (?)", c.func.def.name, args.join(", ")));
                    }
                    n.props.push(format!("Output: {}", out.join(", ")));
                }
                n
            }
            P::Sort { keys, .. } => {
                let names = input_names(self, 0);
                let mut n = Node::new("Sort", plan);
                let k = self.sort_keys(keys, &names, &mut n);
                n.props.push(format!("Sort Key: {k}"));
                n
            }
            P::Limit { .. } => Node::new("Limit", plan),
            P::Distinct { on, .. } => {
                let names = input_names(self, 0);
                match on {
                    Some(_) => Node::new("Unique", plan),
                    None => {
                        let mut n = Node::new("HashAggregate", plan);
                        n.props.push(format!("Group Key: {}", names.join(", ")));
                        n
                    }
                }
            }
            P::SetOp {
                kind,
                all,
                left,
                right,
            } => {
                let mut append = Node::new("Append", plan);
                append.startup = left.startup_cost;
                append.total = left.cost + right.cost;
                append.rows = left.rows + right.rows;
                append.children.push(self.node(left, child_ids[0]));
                append.children.push(self.node(right, child_ids[1]));
                if let (Some(a), Some(b)) = (append.children[0].actual, append.children[1].actual) {
                    append.actual = Some(Actual {
                        rows: a.rows + b.rows,
                        loops: a.loops.max(b.loops),
                        startup_ms: a.startup_ms,
                        total_ms: a.total_ms + b.total_ms,
                        removed: None,
                    });
                }
                let mut n = match (kind, all) {
                    (SetOpKind::Union, true) => {
                        append.actual = self.actual(id);
                        return append;
                    }
                    (SetOpKind::Union, false) => {
                        let mut n = Node::new("HashAggregate", plan);
                        let keys = self.names(&left.schema).join(", ");
                        n.props.push(format!("Group Key: {keys}"));
                        n
                    }
                    (SetOpKind::Intersect, a) => Node::new(
                        format!("HashSetOp Intersect{}", if *a { " All" } else { "" }),
                        plan,
                    ),
                    (SetOpKind::Except, a) => Node::new(
                        format!("HashSetOp Except{}", if *a { " All" } else { "" }),
                        plan,
                    ),
                };
                n.children.push(append);
                n.actual = self.actual(id);
                return n;
            }
            P::RecursiveUnion { .. } => Node::new("Recursive Union", plan),
            // PostgreSQL shows a data-modifying WITH item as a `CTE name`
            // section of the plan that reads it.
            P::WithModifying {
                id: table,
                name,
                cte,
                input,
            } => {
                self.cte_tables.push(*table);
                let mut n = self.node(input, child_ids[1]);
                let cte = self.node(cte, child_ids[0]);
                n.subplans
                    .insert(0, (format!("CTE {}", quote_ident(name)), cte));
                // Complete: its inputs are shown, and it has no line of its own.
                return n;
            }
            P::Insert {
                table, on_conflict, ..
            } => {
                let mut n = Node::new(format!("Insert on {}", quote_ident(&table.name)), plan);
                n.width = if plan.schema.is_empty() {
                    0.0
                } else {
                    plan.width
                };
                let index_name = |oid: u32| {
                    self.catalog
                        .and_then(|c| c.table(table.oid))
                        .and_then(|t| t.index(oid))
                        .map(|ix| ix.name.clone())
                };
                match on_conflict {
                    Some(OnConflict::Nothing { index }) => {
                        n.props.push("Conflict Resolution: NOTHING".into());
                        if let Some(name) = index.and_then(index_name) {
                            n.props.push(format!("Conflict Arbiter Indexes: {name}"));
                        }
                    }
                    Some(OnConflict::Update { index, .. }) => {
                        n.props.push("Conflict Resolution: UPDATE".into());
                        if let Some(name) = index_name(*index) {
                            n.props.push(format!("Conflict Arbiter Indexes: {name}"));
                        }
                    }
                    None => {}
                }
                n
            }
            P::Update { table, .. } => {
                let mut n = Node::new(format!("Update on {}", quote_ident(&table.name)), plan);
                n.width = if plan.schema.is_empty() {
                    0.0
                } else {
                    plan.width
                };
                n
            }
            P::Delete { table, .. } => {
                let mut n = Node::new(format!("Delete on {}", quote_ident(&table.name)), plan);
                n.width = if plan.schema.is_empty() {
                    0.0
                } else {
                    plan.width
                };
                n
            }
        };
        if node.children.is_empty() {
            for (k, input) in plan.inputs().into_iter().enumerate() {
                let child = self.node(input, child_ids[k]);
                node.children.push(child);
            }
        }
        if node.actual.is_none() {
            node.actual = self.actual(id);
        }
        node
    }

    fn sort_keys(&mut self, keys: &[SortKey], names: &[String], n: &mut Node) -> String {
        keys.iter()
            .map(|k| self.expr(&k.expr, names, n) + k.direction_text())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The conjuncts of the `Index Cond:` of key ranges over the key
    /// columns `cols`.
    fn index_cond(
        &mut self,
        cols: &[usize],
        ranges: &[KeyRange],
        names: &[String],
        n: &mut Node,
    ) -> Vec<String> {
        let col_name = |i: usize| -> String {
            cols.get(i)
                .and_then(|&c| names.get(c).cloned())
                .unwrap_or_else(|| "?".into())
        };
        // A point has equal bounds (compared as printed: plan expressions
        // have no equality of their own).
        let point = |r: &KeyRange| match (&r.low, &r.high) {
            (Some((lo, true)), Some((hi, true))) => {
                lo.len() == hi.len() && format!("{lo:?}") == format!("{hi:?}")
            }
            _ => false,
        };
        if ranges.len() > 1 && ranges.iter().all(point) {
            // IN: the leading columns equal in every range stay `=`.
            let width = ranges[0].low.as_ref().map_or(0, |b| b.0.len());
            if width == 1 {
                let values: Vec<&ScalarExpr> = ranges
                    .iter()
                    .filter_map(|r| r.low.as_ref().map(|b| &b.0[0]))
                    .collect();
                let list: Vec<ScalarExpr> = values.into_iter().cloned().collect();
                let any = self.any_list(&list, names, n);
                return vec![format!("({} = ANY ({any}))", col_name(0))];
            }
        }
        let mut parts = Vec::new();
        if let Some(r) = ranges.first() {
            if point(r) {
                if let Some((lo, _)) = &r.low {
                    for (i, v) in lo.iter().enumerate() {
                        parts.push(format!("({} = {})", col_name(i), self.expr(v, names, n)));
                    }
                }
            } else {
                let mut bound = |b: &Option<(Vec<ScalarExpr>, bool)>, low: bool| {
                    if let Some((vals, inclusive)) = b {
                        for (i, v) in vals.iter().enumerate() {
                            let op = if i + 1 < vals.len() {
                                "="
                            } else {
                                match (low, inclusive) {
                                    (true, true) => ">=",
                                    (true, false) => ">",
                                    (false, true) => "<=",
                                    (false, false) => "<",
                                }
                            };
                            let text = format!("({} {op} {})", col_name(i), self.expr(v, names, n));
                            if !parts.contains(&text) {
                                parts.push(text);
                            }
                        }
                    }
                };
                bound(&r.low, true);
                bound(&r.high, false);
            }
        }
        parts
    }

    /// The array operand of `= ANY`: a literal when every element is a
    /// constant, else `ARRAY[…]`.
    fn any_list(&mut self, list: &[ScalarExpr], names: &[String], n: &mut Node) -> String {
        let consts: Option<Vec<(&Value, &DataType)>> = list
            .iter()
            .map(|e| match e {
                ScalarExpr::Const { value, data_type } => Some((value, data_type)),
                _ => None,
            })
            .collect();
        match consts {
            Some(c) if !c.is_empty() => {
                let items: Vec<String> = c
                    .iter()
                    .map(|(v, _)| match v {
                        Value::Null => "NULL".to_string(),
                        v => {
                            let t = format_value(v, &Settings::default()).unwrap_or_default();
                            if t.is_empty()
                                || t.contains([',', '{', '}', '"', ' ', '\\'])
                                || t.eq_ignore_ascii_case("null")
                            {
                                format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
                            } else {
                                t
                            }
                        }
                    })
                    .collect();
                let ty = c[0].1.without_typmod();
                format!("'{{{}}}'::{}[]", items.join(",").replace('\'', "''"), ty)
            }
            _ => {
                let items: Vec<String> = list.iter().map(|e| self.expr(e, names, n)).collect();
                format!("ARRAY[{}]", items.join(", "))
            }
        }
    }

    fn agg(&mut self, a: &AggCall, names: &[String], n: &mut Node) -> String {
        let args: Vec<String> = a.args.iter().map(|e| self.expr(e, names, n)).collect();
        let mut out = format!(
            "{}({}{}",
            a.func.def.name,
            if a.distinct { "DISTINCT " } else { "" },
            if args.is_empty() {
                "*".to_string()
            } else {
                args.join(", ")
            }
        );
        if !a.order_by.is_empty() {
            let k = self.sort_keys(&a.order_by, names, n);
            let _ = write!(out, " ORDER BY {k}");
        }
        out.push(')');
        if let Some(f) = &a.filter {
            let _ = write!(out, " FILTER (WHERE {})", self.expr(f, names, n));
        }
        out
    }

    /// Deparses `e` over columns named `names`; subqueries become
    /// `SubPlan` sections of `n`.
    fn expr(&mut self, e: &ScalarExpr, names: &[String], n: &mut Node) -> String {
        use ScalarExpr as E;
        let mut b = |x: &ScalarExpr| self.expr(x, names, n);
        match e {
            E::Column(i) => names.get(*i).cloned().unwrap_or_else(|| format!("${i}")),
            E::Outer { depth, index } => self
                .scopes
                .len()
                .checked_sub(*depth)
                .and_then(|s| self.scopes.get(s))
                .and_then(|names| names.get(*index).cloned())
                .unwrap_or_else(|| format!("$outer{index}")),
            E::Const { value, data_type } => constant(value, data_type),
            E::Param { index, .. } => format!("${}", index + 1),
            E::Cast { expr, from, to } => match &**expr {
                E::Const { value, .. } if !matches!(value, Value::Null) => {
                    match crate::types::cast(value, from, to, &Settings::default()) {
                        Ok(v) => constant(&v, to),
                        Err(_) => format!("({})::{}", b(expr), to),
                    }
                }
                E::Const { .. } => format!("NULL::{to}"),
                inner => format!("({})::{}", b(inner), to),
            },
            E::Not(x) => format!("(NOT {})", b(x)),
            E::And(l) => format!("({})", l.iter().map(b).collect::<Vec<_>>().join(" AND ")),
            E::Or(l) => {
                let parts: Vec<String> = l.iter().map(|x| self.expr(x, names, n)).collect();
                format!("({})", parts.join(" OR "))
            }
            E::Compare { op, left, right } => {
                let (l, r) = (b(left), self.expr(right, names, n));
                format!("({l} {} {r})", cmp_symbol(*op))
            }
            E::Binary {
                op, left, right, ..
            } => {
                let (l, r) = (b(left), self.expr(right, names, n));
                format!("({l} {} {r})", op.symbol())
            }
            E::Negate { expr, .. } => format!("(- {})", b(expr)),
            E::IsNull { expr, negated } => {
                format!(
                    "({} IS {}NULL)",
                    b(expr),
                    if *negated { "NOT " } else { "" }
                )
            }
            E::IsBool {
                expr,
                value,
                negated,
            } => {
                let w = match value {
                    Some(true) => "TRUE",
                    Some(false) => "FALSE",
                    None => "UNKNOWN",
                };
                format!("({} IS {}{w})", b(expr), if *negated { "NOT " } else { "" })
            }
            E::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                let (l, r) = (b(left), self.expr(right, names, n));
                format!(
                    "({l} IS {}DISTINCT FROM {r})",
                    if *negated { "NOT " } else { "" }
                )
            }
            E::Like {
                kind,
                negated,
                expr,
                pattern,
                escape,
            } => {
                let (x, p) = (b(expr), self.expr(pattern, names, n));
                let op = match (kind, negated) {
                    (LikeKind::Like, false) => "~~",
                    (LikeKind::Like, true) => "!~~",
                    (LikeKind::ILike, false) => "~~*",
                    (LikeKind::ILike, true) => "!~~*",
                    (LikeKind::SimilarTo, false) => "~",
                    (LikeKind::SimilarTo, true) => "!~",
                };
                let p = match (kind, escape) {
                    (LikeKind::SimilarTo, None) => format!("similar_to_escape({p})"),
                    (LikeKind::SimilarTo, Some(esc)) => {
                        format!("similar_to_escape({p}, {})", self.expr(esc, names, n))
                    }
                    (_, Some(esc)) => format!("like_escape({p}, {})", self.expr(esc, names, n)),
                    _ => p,
                };
                format!("({x} {op} {p})")
            }
            E::InList {
                expr,
                list,
                negated,
            } => {
                let x = b(expr);
                let any = self.any_list(list, names, n);
                if *negated {
                    format!("({x} <> ALL ({any}))")
                } else {
                    format!("({x} = ANY ({any}))")
                }
            }
            E::Case {
                operand,
                whens,
                else_result,
                ..
            } => {
                let mut out = "CASE".to_string();
                if let Some(o) = operand {
                    let _ = write!(out, " {}", b(o));
                }
                for (w, t) in whens {
                    let (w, t) = (self.expr(w, names, n), self.expr(t, names, n));
                    let _ = write!(out, " WHEN {w} THEN {t}");
                }
                if let Some(x) = else_result {
                    let _ = write!(out, " ELSE {}", self.expr(x, names, n));
                }
                out.push_str(" END");
                out
            }
            E::Coalesce { args, .. } => {
                let a: Vec<String> = args.iter().map(b).collect();
                format!("COALESCE({})", a.join(", "))
            }
            E::NullIf { left, right, .. } => {
                let (l, r) = (b(left), self.expr(right, names, n));
                format!("NULLIF({l}, {r})")
            }
            E::MinMax { greatest, args, .. } => {
                let a: Vec<String> = args.iter().map(b).collect();
                let f = if *greatest { "GREATEST" } else { "LEAST" };
                format!("{f}({})", a.join(", "))
            }
            E::Function { func, args } => {
                let a: Vec<String> = args.iter().map(b).collect();
                format!("{}({})", func.def.name, a.join(", "))
            }
            E::Subquery { plan, kind, .. } => {
                let lhs = match kind {
                    SubqueryKind::Any { lhs, .. } | SubqueryKind::All { lhs, .. } => Some(b(lhs)),
                    SubqueryKind::RowIn { lhs, .. } => {
                        let items: Vec<String> = lhs.iter().map(b).collect();
                        Some(format!("ROW({})", items.join(", ")))
                    }
                    _ => None,
                };
                self.subquery_count_bump();
                let number = self.subplan_count;
                self.scopes.push(names.to_vec());
                // Inside a subquery two relations are in play: qualify.
                let qualify = std::mem::replace(&mut self.qualify, true);
                let sub = self.subplan_node(plan);
                self.qualify = qualify;
                self.scopes.pop();
                n.subplans.push((format!("SubPlan {number}"), sub));
                let sp = format!("(SubPlan {number})");
                match (kind, lhs) {
                    (SubqueryKind::Exists, _) => format!("(SubPlan {number})"),
                    (SubqueryKind::Array, _) => format!("ARRAY({sp})"),
                    (SubqueryKind::Any { op, .. }, Some(l)) => {
                        format!("({l} {} ANY {sp})", cmp_symbol(*op))
                    }
                    (SubqueryKind::All { op, .. }, Some(l)) => {
                        format!("({l} {} ALL {sp})", cmp_symbol(*op))
                    }
                    (SubqueryKind::RowIn { negated: false, .. }, Some(l)) => {
                        format!("({l} = ANY {sp})")
                    }
                    (SubqueryKind::RowIn { negated: true, .. }, Some(l)) => {
                        format!("({l} <> ALL {sp})")
                    }
                    _ => sp,
                }
            }
            E::Array { elements, .. } => {
                let a: Vec<String> = elements.iter().map(b).collect();
                format!("ARRAY[{}]", a.join(", "))
            }
            E::Subscript { expr, index, .. } => {
                let (x, i) = (b(expr), self.expr(index, names, n));
                format!("({x})[{i}]")
            }
        }
    }

    fn subquery_count_bump(&mut self) {
        self.subplan_count += 1;
    }

    /// A subquery's plan (not instrumented: it shows estimates only).
    fn subplan_node(&mut self, plan: &Plan) -> Node {
        let stats = self.stats.take();
        let node = self.node(plan, 0);
        self.stats = stats;
        node
    }
}

/// An identifier quoted where PostgreSQL would quote it.
fn quote_ident(s: &str) -> String {
    crate::ast::Ident(s).to_string()
}

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::NotEq => "<>",
        CmpOp::Lt => "<",
        CmpOp::LtEq => "<=",
        CmpOp::Gt => ">",
        CmpOp::GtEq => ">=",
    }
}

fn and_list(parts: &[String]) -> String {
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("({})", parts.join(" AND "))
    }
}

/// A constant as PostgreSQL deparses it: integers and plain numerics bare,
/// booleans as `true`/`false`, others as a quoted literal with its type.
fn constant(v: &Value, ty: &DataType) -> String {
    let ty = ty.without_typmod();
    match v {
        Value::Null => format!("NULL::{ty}"),
        Value::Bool(b) => b.to_string(),
        _ => {
            let text = format_value(v, &Settings::default()).unwrap_or_default();
            let bare = match ty {
                DataType::Int4 => !text.starts_with('-'),
                DataType::Numeric(_) => {
                    !text.starts_with('-') && text.contains('.') && text.parse::<f64>().is_ok()
                }
                _ => false,
            };
            if bare {
                text
            } else {
                format!("'{}'::{}", text.replace('\'', "''"), ty)
            }
        }
    }
}

/// Prints `node` and its children in PostgreSQL's text format.
fn print(node: &Node, o: &ExplainOptions, depth: usize, top: bool, out: &mut Vec<String>) {
    // A child's line is its parent's property indent plus "->  ".
    let (line_pad, prop_pad) = if top {
        (String::new(), "  ".to_string())
    } else {
        let pad = " ".repeat(depth);
        (format!("{pad}->  "), format!("{pad}      "))
    };
    let mut line = format!("{line_pad}{}", node.name);
    if o.costs {
        let _ = write!(
            line,
            "  (cost={:.2}..{:.2} rows={:.0} width={:.0})",
            node.startup, node.total, node.rows, node.width
        );
    }
    if o.analyze {
        match node.actual {
            Some(a) if a.loops > 0 => {
                let loops = a.loops as f64;
                let rows = (a.rows as f64 / loops).round();
                if o.timing {
                    let _ = write!(
                        line,
                        " (actual time={:.3}..{:.3} rows={rows:.0} loops={})",
                        a.startup_ms / loops,
                        a.total_ms / loops,
                        a.loops
                    );
                } else {
                    let _ = write!(line, " (actual rows={rows:.0} loops={})", a.loops);
                }
            }
            _ => line.push_str(" (never executed)"),
        }
    }
    if !o.costs && !o.analyze {
        // Nothing follows the name.
    }
    out.push(line);
    for p in &node.props {
        out.push(format!("{prop_pad}{p}"));
        if p.starts_with("Filter: ") || p.starts_with("Join Filter: ") {
            if let Some(removed) = node.actual.and_then(|a| a.removed) {
                if o.analyze && node.actual.is_some_and(|a| a.loops > 0) {
                    let loops = node.actual.map_or(1, |a| a.loops.max(1));
                    let per = (removed as f64 / loops as f64).round();
                    out.push(format!("{prop_pad}Rows Removed by Filter: {per:.0}"));
                }
            }
        }
    }
    let child_depth = if top { 2 } else { depth + 6 };
    for (label, sub) in &node.subplans {
        out.push(format!("{}{label}", " ".repeat(child_depth)));
        print(sub, o, child_depth + 2, false, out);
    }
    for child in &node.children {
        print(child, o, child_depth, false, out);
    }
}
