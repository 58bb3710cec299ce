//! Rule (first): expressions over constants are computed once, at plan
//! time, and boolean logic is simplified — PostgreSQL's
//! `eval_const_expressions`.
//!
//! Every expression of every node is rewritten bottom-up:
//!
//! - an operator or function whose operands are all constants becomes its
//!   value, when its result depends on nothing but the operands: logic,
//!   comparisons, `IS [NOT] NULL/TRUE/…`, `IN` lists, LIKE, arithmetic
//!   over numbers (and `date ± integer`, `text || text`), casts among
//!   numbers, booleans and text (and ISO `'YYYY-MM-DD'` to date), NULLIF,
//!   GREATEST/LEAST, arrays, and the immutable built-in functions listed in
//!   [`PURE_FUNCTIONS`]. What reads a setting (DateStyle, TimeZone,
//!   extra_float_digits: most casts to and from dates, times and floats'
//!   text), the clock, the session or the catalog is left to the
//!   executor, as are volatile and stable functions (`random()`, `now()`,
//!   `nextval`, `current_setting`), parameters (`$1` differs between
//!   executions of a prepared statement or shared plan) and subqueries;
//! - `x AND true` → `x`, `x AND false` → `false`, `x OR true` → `true`,
//!   `x OR false` → `x`, `NOT NOT x` → `x`; a CASE drops the arms whose
//!   condition is a constant false or NULL and stops at one that is
//!   constant true; COALESCE stops at its first non-null constant;
//! - a Filter (or a scan's filter, or an inner join's condition) that is
//!   constant false or NULL becomes an empty node: nothing is read (unless
//!   a data-modifying WITH below must run); one that is constant true
//!   disappears.
//!
//! Errors follow PostgreSQL, which folds while planning: computing a
//! constant that fails (`1/0`, `2147483647 + 1`) fails the statement
//! before any row is read, even if no row would have needed the value —
//! `SELECT 1/0 FROM t WHERE false` is `division by zero`. As in
//! PostgreSQL, what simplification drops first is never computed: the
//! operands of AND after a constant false, of OR after a constant true,
//! of COALESCE after a non-null constant, and CASE arms after a constant
//! true condition or behind a constant false one. (PostgreSQL plans a
//! prepared statement at its first EXECUTE; Assay plans it at PREPARE, so
//! such an error comes from PREPARE.)

use assay_storage::Result;

use super::transform_up;
use crate::exec::walk::node_exprs_mut;
use crate::exec::{eval, ExecContext, MemoryTables};
use crate::functions::{Implementation, Prng, Volatility};
use crate::plan::{JoinKind, Plan, PlanNode, ScalarExpr};
use crate::types::{BinaryOp, DataType, Settings, Value};

/// Immutable built-in functions that read nothing but their arguments.
pub const PURE_FUNCTIONS: &[&str] = &[
    "abs",
    "ascii",
    "bit_length",
    "btrim",
    "cbrt",
    "ceil",
    "ceiling",
    "char_length",
    "character_length",
    "chr",
    "div",
    "exp",
    "floor",
    "gcd",
    "initcap",
    "lcm",
    "left",
    "length",
    "ln",
    "log",
    "log10",
    "lower",
    "lpad",
    "ltrim",
    "md5",
    "mod",
    "octet_length",
    "power",
    "repeat",
    "replace",
    "reverse",
    "right",
    "round",
    "rpad",
    "rtrim",
    "sign",
    "split_part",
    "sqrt",
    "strpos",
    "substr",
    "substring",
    "translate",
    "trunc",
    "upper",
];

pub fn apply(plan: Plan) -> Result<Plan> {
    let mut folder = Folder::new();
    let mut failure = None;
    let plan = transform_up(plan, &mut |mut p| {
        if failure.is_some() {
            return p;
        }
        node_exprs_mut(&mut p.node, &mut |e| {
            if failure.is_none() {
                if let Err(err) = folder.fold(e) {
                    failure = Some(err);
                }
            }
        });
        prune(p)
    });
    match failure {
        Some(err) => Err(err),
        None => Ok(plan),
    }
}

/// `Some(Some(b))` for a boolean constant, `Some(None)` for NULL.
fn const_bool(e: &ScalarExpr) -> Option<Option<bool>> {
    match e {
        ScalarExpr::Const {
            value: Value::Bool(b),
            ..
        } => Some(Some(*b)),
        ScalarExpr::Const {
            value: Value::Null, ..
        } => Some(None),
        _ => None,
    }
}

fn boolean(b: Option<bool>) -> ScalarExpr {
    ScalarExpr::Const {
        value: b.map_or(Value::Null, Value::Bool),
        data_type: DataType::Bool,
    }
}

/// Whether `plan` writes (a data-modifying WITH runs to completion even
/// when nothing reads its rows, so it is never pruned away).
fn writes(plan: &Plan) -> bool {
    matches!(
        plan.node,
        PlanNode::Insert { .. } | PlanNode::Update { .. } | PlanNode::Delete { .. }
    ) || plan.input_iter().any(writes)
}

/// Removes filters that are constant; a node that can yield no row
/// becomes an empty one (unless something below it writes).
fn prune(mut p: Plan) -> Plan {
    let verdict = match &p.node {
        PlanNode::Filter { predicate, .. } => const_bool(predicate),
        PlanNode::Scan { filter, .. } => filter.as_ref().and_then(const_bool),
        PlanNode::Join {
            kind: JoinKind::Inner | JoinKind::Semi,
            condition,
            ..
        } => condition.as_ref().and_then(const_bool),
        PlanNode::Join { condition, .. } => match condition.as_ref().and_then(const_bool) {
            Some(Some(true)) => Some(Some(true)),
            _ => None,
        },
        _ => None,
    };
    match verdict {
        None => p,
        Some(Some(true)) => match &mut p.node {
            PlanNode::Filter { input, .. } => {
                std::mem::replace(&mut **input, Plan::new(PlanNode::Empty, Default::default()))
            }
            PlanNode::Scan { filter, .. } => {
                *filter = None;
                p
            }
            PlanNode::Join { condition, .. } => {
                *condition = None;
                p
            }
            _ => p,
        },
        // Constant false or NULL: no row, unless a write below must run.
        Some(_) if writes(&p) => p,
        Some(_) => Plan::new(PlanNode::Empty, p.schema.clone()),
    }
}

/// Computes constant expressions; holds what evaluation needs.
struct Folder {
    tables: MemoryTables,
    settings: Settings,
    rng: Prng,
}

impl Folder {
    fn new() -> Folder {
        Folder {
            tables: MemoryTables::new(),
            settings: Settings::default(),
            rng: Prng::new(0),
        }
    }

    fn fold(&mut self, e: &mut ScalarExpr) -> Result<()> {
        match e {
            ScalarExpr::And(list) => {
                let list = std::mem::take(list);
                *e = self.fold_logic(list, true)?;
                Ok(())
            }
            ScalarExpr::Or(list) => {
                let list = std::mem::take(list);
                *e = self.fold_logic(list, false)?;
                Ok(())
            }
            ScalarExpr::Case { .. } => self.fold_case(e),
            ScalarExpr::Coalesce { args, data_type } => {
                let mut kept = Vec::new();
                for mut a in std::mem::take(args) {
                    self.fold(&mut a)?;
                    match &a {
                        ScalarExpr::Const {
                            value: Value::Null, ..
                        } => continue,
                        ScalarExpr::Const { .. } => {
                            kept.push(a);
                            break;
                        }
                        _ => kept.push(a),
                    }
                }
                *e = match kept.len() {
                    0 => ScalarExpr::Const {
                        value: Value::Null,
                        data_type: data_type.clone(),
                    },
                    1 if matches!(kept[0], ScalarExpr::Const { .. }) => kept.remove(0),
                    _ => ScalarExpr::Coalesce {
                        args: kept,
                        data_type: data_type.clone(),
                    },
                };
                Ok(())
            }
            _ => {
                let mut failure = None;
                e.children_mut(&mut |c| {
                    if failure.is_none() {
                        if let Err(err) = self.fold(c) {
                            failure = Some(err);
                        }
                    }
                });
                if let Some(err) = failure {
                    return Err(err);
                }
                if let ScalarExpr::Not(inner) = e {
                    if let ScalarExpr::Not(x) = &mut **inner {
                        let x = std::mem::replace(&mut **x, boolean(None));
                        *e = x;
                        return Ok(());
                    }
                }
                self.compute(e)
            }
        }
    }

    /// AND (`is_and`) or OR over `list`, simplified left to right.
    fn fold_logic(&mut self, list: Vec<ScalarExpr>, is_and: bool) -> Result<ScalarExpr> {
        let mut kept = Vec::new();
        for mut x in list {
            self.fold(&mut x)?;
            match const_bool(&x) {
                // The absorbing value decides; what follows is not computed.
                Some(Some(b)) if b != is_and => return Ok(boolean(Some(b))),
                // The neutral value drops out.
                Some(Some(_)) => {}
                _ => kept.push(x),
            }
        }
        Ok(match kept.len() {
            0 => boolean(Some(is_and)),
            1 => kept.remove(0),
            _ if kept.iter().all(|x| const_bool(x) == Some(None)) => boolean(None),
            _ if is_and => ScalarExpr::And(kept),
            _ => ScalarExpr::Or(kept),
        })
    }

    fn fold_case(&mut self, e: &mut ScalarExpr) -> Result<()> {
        let ScalarExpr::Case {
            operand,
            whens,
            else_result,
            data_type,
        } = e
        else {
            return Ok(());
        };
        if let Some(op) = operand {
            self.fold(op)?;
        }
        let operand_value = match operand.as_deref() {
            Some(ScalarExpr::Const { value, .. }) => Some(value.clone()),
            _ => None,
        };
        let mut kept = Vec::new();
        let mut decided = None;
        for (mut cond, mut result) in std::mem::take(whens) {
            self.fold(&mut cond)?;
            // What the arm's test is known to give: Some(true) taken,
            // Some(false) never taken, None unknown until run.
            let known = match (&operand, &operand_value, &cond) {
                (None, _, c) => const_bool(c).map(|b| b == Some(true)),
                (Some(_), Some(v), ScalarExpr::Const { value, .. }) => {
                    Some(!v.is_null() && !value.is_null() && crate::types::values_equal(v, value))
                }
                _ => None,
            };
            match known {
                Some(false) => continue,
                Some(true) => {
                    self.fold(&mut result)?;
                    decided = Some(result);
                    break;
                }
                None => {
                    self.fold(&mut result)?;
                    kept.push((cond, result));
                }
            }
        }
        let mut otherwise = match decided {
            Some(r) => Some(r),
            None => else_result.take().map(|b| *b),
        };
        if kept.is_empty() {
            *e = match otherwise {
                Some(mut r) => {
                    self.fold(&mut r)?;
                    r
                }
                None => ScalarExpr::Const {
                    value: Value::Null,
                    data_type: data_type.clone(),
                },
            };
            return Ok(());
        }
        if let Some(r) = otherwise.as_mut() {
            self.fold(r)?;
        }
        *whens = kept;
        *else_result = otherwise.map(Box::new);
        Ok(())
    }

    /// Replaces `e` by its value if its operands are constants and its
    /// result depends on nothing else.
    fn compute(&mut self, e: &mut ScalarExpr) -> Result<()> {
        if !computable(e) {
            return Ok(());
        }
        let Some(data_type) = e.data_type(&|_| None) else {
            return Ok(());
        };
        let clock = || 0i64;
        let mut ctx =
            ExecContext::new(&mut self.tables, &self.settings, &[], &clock, &mut self.rng);
        let value = eval(e, &[], &mut ctx)?;
        *e = ScalarExpr::Const { value, data_type };
        Ok(())
    }
}

fn is_const(e: &ScalarExpr) -> bool {
    matches!(e, ScalarExpr::Const { .. })
}

fn numeric_type(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int2
            | DataType::Int4
            | DataType::Int8
            | DataType::Numeric(_)
            | DataType::Float4
            | DataType::Float8
    )
}

fn text_type(t: &DataType) -> bool {
    matches!(t, DataType::Text | DataType::Varchar(_) | DataType::Unknown)
}

fn const_type(e: &ScalarExpr) -> Option<&DataType> {
    match e {
        ScalarExpr::Const { data_type, .. } => Some(data_type),
        _ => None,
    }
}

/// Whether `e` is an operation over constants whose value reads nothing
/// but them (see the module docs).
fn computable(e: &ScalarExpr) -> bool {
    use ScalarExpr as E;
    let mut all_const = true;
    let mut direct = |c: &ScalarExpr| all_const &= is_const(c);
    match e {
        E::Const { .. } | E::Column(_) | E::Outer { .. } | E::Param { .. } => return false,
        E::Subquery { .. } | E::Case { .. } | E::Coalesce { .. } => return false,
        E::Cast { expr, from, to } => {
            let ScalarExpr::Const { value, .. } = &**expr else {
                return false;
            };
            return cast_is_pure(value, from, to);
        }
        E::Binary {
            op, left, right, ..
        } => {
            let (Some(l), Some(r)) = (const_type(left), const_type(right)) else {
                return false;
            };
            return match op {
                BinaryOp::Concat => text_type(l) && text_type(r),
                BinaryOp::Add | BinaryOp::Sub
                    if *l == DataType::Date
                        && matches!(r, DataType::Int2 | DataType::Int4 | DataType::Int8) =>
                {
                    true
                }
                _ => numeric_type(l) && numeric_type(r),
            };
        }
        E::Negate { expr, .. } => {
            return const_type(expr).is_some_and(numeric_type);
        }
        E::Function { func, args } => {
            if func.def.volatility != Volatility::Immutable
                || !matches!(func.def.implementation, Implementation::Scalar(_))
                || !PURE_FUNCTIONS.contains(&func.def.name)
            {
                return false;
            }
            return args.iter().all(is_const);
        }
        _ => {}
    }
    // Logic, comparisons, LIKE, IN, NULLIF, GREATEST/LEAST, arrays and
    // subscripts compare or copy values and read nothing else.
    e.children(&mut direct);
    all_const
}

/// Whether casting `value` from `from` to `to` reads no setting.
fn cast_is_pure(value: &Value, from: &DataType, to: &DataType) -> bool {
    let plain = |t: &DataType| {
        numeric_type(t)
            || text_type(t)
            || matches!(t, DataType::Bool | DataType::Bpchar(_) | DataType::Int2)
    };
    if crate::system::cast_needs_catalog(from, to) {
        return false;
    }
    // Floats print by extra_float_digits.
    let float = |t: &DataType| matches!(t, DataType::Float4 | DataType::Float8);
    if float(from) && !numeric_type(to) {
        return false;
    }
    if plain(from) && plain(to) {
        return true;
    }
    // An ISO date reads the same under every DateStyle.
    if text_type(from) && *to == DataType::Date {
        if let Value::Text(s) = value {
            let b = s.as_bytes();
            return b.len() == 10
                && b.iter().enumerate().all(|(i, c)| match i {
                    4 | 7 => *c == b'-',
                    _ => c.is_ascii_digit(),
                });
        }
    }
    false
}
