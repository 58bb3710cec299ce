//! Function resolution: from a name and argument types to one definition,
//! following PostgreSQL's `func_select_candidate`.

use assay_storage::{bail, err, Error, Result, SqlState};

use super::aggregate::Accumulator;
use super::context::EvalContext;
use super::registry::{catalog, FunctionDef, FunctionKind, Implementation, Param, Ret};
use super::setof::RowIter;
use super::window::WindowRow;
use crate::types::{can_coerce_implicitly, common_type, DataType, Settings, TypeCategory, Value};

/// A call resolved to one built-in function.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub def: &'static FunctionDef,
    /// The type each argument must be cast to before the call.
    pub arg_types: Vec<DataType>,
    /// The result type (the element type of each row for one-column
    /// set-returning functions).
    pub return_type: DataType,
}

fn signature(name: &str, args: &[DataType]) -> String {
    let list: Vec<String> = args.iter().map(|t| t.to_string()).collect();
    format!("{}({})", name, list.join(", "))
}

fn not_found(name: &str, args: &[DataType]) -> Error {
    err!(
        SqlState::UNDEFINED_FUNCTION,
        "function {} does not exist",
        signature(name, args)
    )
    .with_hint(
        "No function matches the given name and argument types. You might need to add explicit type casts.",
    )
}

/// Resolves `name(args)` among all built-in functions.
pub fn lookup(name: &str, args: &[DataType]) -> Result<Resolved> {
    lookup_filtered(name, args, None)
}

/// Resolves `name(args)` among functions of one kind only (the binder asks
/// for aggregates when a call has `DISTINCT`, `ORDER BY` or `FILTER`).
pub fn lookup_kind(name: &str, args: &[DataType], kind: FunctionKind) -> Result<Resolved> {
    lookup_filtered(name, args, Some(kind))
}

/// Resolves a binary operator registered as a function named by its
/// symbol (the json/jsonb operators); errors are PostgreSQL's for
/// operators.
pub fn lookup_operator(op: &str, left: &DataType, right: &DataType) -> Result<Resolved> {
    lookup_filtered(op, &[left.clone(), right.clone()], Some(FunctionKind::Scalar)).map_err(|e| {
        if e.code() == SqlState::UNDEFINED_FUNCTION {
            err!(
                SqlState::UNDEFINED_FUNCTION,
                "operator does not exist: {} {} {}",
                left,
                op,
                right
            )
            .with_hint("No operator matches the given name and argument types. You might need to add explicit type casts.")
        } else if e.code() == SqlState::AMBIGUOUS_FUNCTION {
            err!(
                SqlState::AMBIGUOUS_FUNCTION,
                "operator is not unique: {} {} {}",
                left,
                op,
                right
            )
            .with_hint("Could not choose a best candidate operator. You might need to add explicit type casts.")
        } else {
            e
        }
    })
}

/// One candidate that accepts the arguments, with its cast targets.
struct Candidate {
    def: &'static FunctionDef,
    targets: Vec<DataType>,
    /// Declared type at each position (`unknown` for polymorphic ones).
    declared: Vec<DataType>,
    ret: DataType,
    /// Polymorphic parameters saw only `unknown` arguments.
    unresolved: bool,
}

/// One of the binder's own `$` functions (see `functions/record.rs`).
pub fn internal_function(name: &str) -> &'static FunctionDef {
    &catalog().by_name[name][0]
}

fn lookup_filtered(name: &str, args: &[DataType], kind: Option<FunctionKind>) -> Result<Resolved> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with('$') {
        return Err(not_found(&lower, args));
    }
    let defs = catalog().by_name.get(lower.as_str());
    let mut cands: Vec<Candidate> = defs
        .into_iter()
        .flatten()
        .filter(|d| kind.is_none_or(|k| d.kind() == k))
        .filter_map(|d| candidate(d, args).transpose())
        .collect::<Result<_>>()?;
    if cands.is_empty() {
        return Err(not_found(&lower, args));
    }
    if cands.len() > 1 {
        cands = narrow(cands, args);
    }
    if cands.len() != 1 {
        bail!(
            SqlState::AMBIGUOUS_FUNCTION,
            "function {} is not unique",
            signature(&lower, args)
        );
    }
    let c = cands.pop().expect("one candidate");
    // Like PostgreSQL's anyarray (not anycompatiblearray): a function with a
    // concrete result cannot take its element type from literals alone.
    if c.unresolved && matches!(c.def.ret, Ret::Type(_)) {
        bail!(
            SqlState::DATATYPE_MISMATCH,
            "could not determine polymorphic type because input has type unknown"
        );
    }
    Ok(Resolved {
        def: c.def,
        arg_types: c.targets,
        return_type: c.ret,
    })
}

/// The parameter at argument position `i`, expanding a variadic tail.
fn param_at(def: &FunctionDef, i: usize) -> Option<&Param> {
    match def.params.get(i) {
        Some(p) => Some(p),
        None if def.variadic => def.params.last(),
        None => None,
    }
}

/// Whether `def` accepts `args` by implicit casts; if so, how.
fn candidate(def: &'static FunctionDef, args: &[DataType]) -> Result<Option<Candidate>> {
    let n = def.params.len();
    let arity_ok = if def.variadic {
        args.len() >= n
    } else {
        args.len() == n
    };
    if !arity_ok {
        return Ok(None);
    }
    // Element types the polymorphic arguments bring.
    let mut elems = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match param_at(def, i) {
            Some(Param::Type(t)) => {
                if *a != DataType::Unknown
                    && a.without_typmod() != *t
                    && !can_coerce_implicitly(a, t)
                {
                    return Ok(None);
                }
            }
            Some(Param::AnyElement) => {
                if *a != DataType::Unknown {
                    elems.push(a.without_typmod());
                }
            }
            Some(Param::AnyNonArray) => match a {
                DataType::Unknown => {}
                DataType::Array(_) | DataType::Int2Vector | DataType::OidVector => return Ok(None),
                _ => elems.push(a.without_typmod()),
            },
            Some(Param::AnyArray) => match a {
                DataType::Unknown => {}
                DataType::Array(e) => elems.push(e.without_typmod()),
                DataType::Int2Vector | DataType::OidVector => {
                    elems.extend(a.element().cloned());
                }
                _ => return Ok(None),
            },
            Some(Param::Any) => {}
            None => return Ok(None),
        }
    }
    let polymorphic = (0..args.len()).any(|i| {
        matches!(
            param_at(def, i),
            Some(Param::AnyElement | Param::AnyArray | Param::AnyNonArray)
        )
    });
    let unresolved = polymorphic && elems.is_empty();
    let elem = if elems.is_empty() {
        DataType::Text
    } else {
        match common_type(&elems, "") {
            Ok(t) => t,
            Err(_) => return Ok(None),
        }
    };
    let array = DataType::Array(Box::new(elem.clone()));
    let mut targets = Vec::with_capacity(args.len());
    let mut declared = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        let (target, decl) = match param_at(def, i) {
            Some(Param::Type(t)) => {
                let target = if a.without_typmod() == *t {
                    a.clone()
                } else {
                    t.clone()
                };
                (target, t.clone())
            }
            // Polymorphic positions count as no category and no exact match.
            Some(Param::AnyElement | Param::AnyNonArray) => (elem.clone(), DataType::Unknown),
            Some(Param::AnyArray) => (array.clone(), DataType::Unknown),
            // "any" takes the argument as it is, even an unknown literal.
            _ => (a.clone(), a.clone()),
        };
        targets.push(target);
        declared.push(decl);
    }
    let ret = match &def.ret {
        Ret::Type(t) => t.clone(),
        Ret::AnyElement => elem,
        Ret::AnyArray => array,
    };
    Ok(Some(Candidate {
        def,
        targets,
        declared,
        ret,
        unresolved,
    }))
}

/// Keeps the candidates scoring best by `score`, if any scores differ.
fn keep_best(cands: Vec<Candidate>, score: impl Fn(&Candidate) -> usize) -> Vec<Candidate> {
    let best = cands.iter().map(&score).max().unwrap_or(0);
    cands.into_iter().filter(|c| score(c) == best).collect()
}

/// PostgreSQL's tie-breaking among several applicable candidates.
fn narrow(mut cands: Vec<Candidate>, args: &[DataType]) -> Vec<Candidate> {
    let known = |i: usize| args[i] != DataType::Unknown;
    // Most exact matches on known arguments.
    cands = keep_best(cands, |c| {
        (0..args.len())
            .filter(|&i| known(i) && c.declared[i] == args[i].without_typmod())
            .count()
    });
    if cands.len() == 1 {
        return cands;
    }
    // Most preferred types where a known argument needs a cast.
    cands = keep_best(cands, |c| {
        (0..args.len())
            .filter(|&i| known(i) && c.declared[i].is_preferred())
            .count()
    });
    if cands.len() == 1 {
        return cands;
    }
    // Unknown literals: choose a category per position, then preferred types.
    for i in (0..args.len()).filter(|&i| !known(i)) {
        let cats: Vec<TypeCategory> = cands.iter().map(|c| c.declared[i].category()).collect();
        let cat = if cats.contains(&TypeCategory::String) {
            TypeCategory::String
        } else if cats.iter().all(|c| *c == cats[0]) {
            cats[0]
        } else {
            return cands;
        };
        cands.retain(|c| c.declared[i].category() == cat);
        if cands.iter().any(|c| c.declared[i].is_preferred()) {
            cands.retain(|c| c.declared[i].is_preferred());
        }
    }
    if cands.len() == 1 {
        return cands;
    }
    // Unknowns next to known arguments of one type: assume that type.
    let mut known_types = args.iter().filter(|t| **t != DataType::Unknown);
    if let Some(first) = known_types.next() {
        if known_types.all(|t| t == first) && args.contains(&DataType::Unknown) {
            let first = first.without_typmod();
            let same: Vec<Candidate> = cands
                .iter()
                .filter(|c| (0..args.len()).all(|i| known(i) || c.declared[i] == first))
                .map(|c| Candidate {
                    def: c.def,
                    targets: c.targets.clone(),
                    declared: c.declared.clone(),
                    ret: c.ret.clone(),
                    unresolved: c.unresolved,
                })
                .collect();
            if same.len() == 1 {
                return same;
            }
        }
    }
    cands
}

impl Resolved {
    /// Evaluates a scalar function; NULL in gives NULL out for strict ones.
    #[inline]
    pub fn eval(&self, args: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
        let Implementation::Scalar(f) = self.def.implementation else {
            bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not a scalar function",
                self.def.name
            );
        };
        if self.def.strict && args.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        f(self, args, ctx)
    }

    /// A fresh accumulator for one group of an aggregate.
    pub fn accumulator(&self, settings: &Settings) -> Result<Box<dyn Accumulator>> {
        match self.def.implementation {
            Implementation::Aggregate(f) => Ok(f(self, settings)),
            _ => bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not an aggregate function",
                self.def.name
            ),
        }
    }

    /// A window function's value at one row.
    pub fn eval_window(&self, row: &WindowRow<'_>) -> Result<Value> {
        match self.def.implementation {
            Implementation::Window(f) => f(row),
            _ => bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not a window function",
                self.def.name
            ),
        }
    }

    /// The rows of a set-returning function (none for a NULL argument of a
    /// strict one).
    pub fn rows(&self, args: &[Value], ctx: &mut EvalContext<'_>) -> Result<RowIter> {
        let Implementation::SetReturning(f) = self.def.implementation else {
            bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not a set-returning function",
                self.def.name
            );
        };
        if self.def.strict && args.iter().any(Value::is_null) {
            return Ok(Box::new(std::iter::empty()));
        }
        f(self, args, ctx)
    }

    /// Output columns of a set-returning function: its own list, or one
    /// column named after the function.
    pub fn columns(&self) -> Vec<(String, DataType)> {
        // A function returning a composite type yields its fields.
        if let DataType::Record(Some(t)) = &self.return_type {
            if self.def.columns.is_empty() && !t.fields.is_empty() {
                return t
                    .fields
                    .iter()
                    .map(|f| (f.name.clone(), f.ty.clone()))
                    .collect();
            }
        }
        if self.def.columns.is_empty() {
            vec![(self.def.name.to_string(), self.return_type.clone())]
        } else {
            self.def
                .columns
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect()
        }
    }
}
