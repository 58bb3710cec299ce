//! Stand-in for the `functions` branch (built-in function catalog), with the
//! same public surface the binder uses: [`lookup`], [`lookup_kind`],
//! [`Resolved`], [`FunctionDef`], [`FunctionKind`], [`Volatility`].
//!
//! It knows a handful of signatures, enough to bind and test queries; the
//! real module replaces this file when the branches merge.

use std::sync::OnceLock;

use assay_storage::{err, Error, Result, SqlState};

use crate::types::{can_coerce_implicitly, DataType};

/// Whether a call may be evaluated ahead of time (`pg_proc.provolatile`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

/// What kind of function a definition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    Scalar,
    Aggregate,
    Window,
    SetReturning,
}

/// One built-in function signature. `None` parameters accept any type;
/// a `None` result is the type of the first argument.
#[derive(Clone, Debug)]
pub struct FunctionDef {
    pub id: u32,
    pub name: &'static str,
    params: Vec<Option<DataType>>,
    ret: Option<DataType>,
    kind: FunctionKind,
    pub volatility: Volatility,
    pub strict: bool,
    pub columns: &'static [(&'static str, DataType)],
}

impl FunctionDef {
    pub fn kind(&self) -> FunctionKind {
        self.kind
    }
}

/// A call resolved to one built-in function.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub def: &'static FunctionDef,
    /// The type each argument must be cast to before the call.
    pub arg_types: Vec<DataType>,
    pub return_type: DataType,
}

impl Resolved {
    /// Output columns of a set-returning function.
    pub fn columns(&self) -> Vec<(String, DataType)> {
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

/// (name, parameters, result, kind, volatility) of one signature.
type Row = (
    &'static str,
    Vec<Option<DataType>>,
    Option<DataType>,
    FunctionKind,
    Volatility,
);

fn catalog() -> &'static Vec<FunctionDef> {
    static CATALOG: OnceLock<Vec<FunctionDef>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        use DataType::*;
        use FunctionKind::*;
        use Volatility::*;
        let any = None;
        let t = |d: DataType| Some(d);
        let rows: Vec<Row> = vec![
            ("count", vec![], t(Int8), Aggregate, Immutable),
            ("count", vec![any.clone()], t(Int8), Aggregate, Immutable),
            ("sum", vec![t(Int4)], t(Int8), Aggregate, Immutable),
            ("sum", vec![t(Int8)], t(Numeric(None)), Aggregate, Immutable),
            (
                "sum",
                vec![t(Numeric(None))],
                t(Numeric(None)),
                Aggregate,
                Immutable,
            ),
            ("sum", vec![t(Float8)], t(Float8), Aggregate, Immutable),
            ("avg", vec![t(Int4)], t(Numeric(None)), Aggregate, Immutable),
            ("avg", vec![t(Int8)], t(Numeric(None)), Aggregate, Immutable),
            (
                "avg",
                vec![t(Numeric(None))],
                t(Numeric(None)),
                Aggregate,
                Immutable,
            ),
            ("avg", vec![t(Float8)], t(Float8), Aggregate, Immutable),
            ("min", vec![any.clone()], None, Aggregate, Immutable),
            ("max", vec![any.clone()], None, Aggregate, Immutable),
            (
                "string_agg",
                vec![t(Text), t(Text)],
                t(Text),
                Aggregate,
                Immutable,
            ),
            ("array_agg", vec![any.clone()], None, Aggregate, Immutable),
            ("row_number", vec![], t(Int8), Window, Immutable),
            ("rank", vec![], t(Int8), Window, Immutable),
            ("lag", vec![any.clone()], None, Window, Immutable),
            (
                "generate_series",
                vec![t(Int4), t(Int4)],
                t(Int4),
                SetReturning,
                Immutable,
            ),
            (
                "generate_series",
                vec![t(Int8), t(Int8)],
                t(Int8),
                SetReturning,
                Immutable,
            ),
            ("unnest", vec![any.clone()], None, SetReturning, Immutable),
            ("lower", vec![t(Text)], t(Text), Scalar, Immutable),
            ("upper", vec![t(Text)], t(Text), Scalar, Immutable),
            ("length", vec![t(Text)], t(Int4), Scalar, Immutable),
            ("abs", vec![t(Int4)], t(Int4), Scalar, Immutable),
            (
                "abs",
                vec![t(Numeric(None))],
                t(Numeric(None)),
                Scalar,
                Immutable,
            ),
            ("abs", vec![t(Float8)], t(Float8), Scalar, Immutable),
            ("now", vec![], t(TimestampTz), Scalar, Stable),
            ("random", vec![], t(Float8), Scalar, Volatile),
            ("nextval", vec![t(Text)], t(Int8), Scalar, Volatile),
            (
                "concat",
                vec![any.clone(), any.clone()],
                t(Text),
                Scalar,
                Stable,
            ),
            (
                "regexp_like",
                vec![t(Text), t(Text)],
                t(Bool),
                Scalar,
                Immutable,
            ),
            (
                "regexp_like",
                vec![t(Text), t(Text), t(Text)],
                t(Bool),
                Scalar,
                Immutable,
            ),
        ];
        rows.into_iter()
            .enumerate()
            .map(|(id, (name, params, ret, kind, volatility))| FunctionDef {
                id: id as u32,
                name,
                params,
                ret,
                kind,
                volatility,
                strict: true,
                columns: &[],
            })
            .collect()
    })
}

fn not_found(name: &str, args: &[DataType]) -> Error {
    let list: Vec<String> = args.iter().map(|t| t.to_string()).collect();
    err!(SqlState::UNDEFINED_FUNCTION, "function {}({}) does not exist", name, list.join(", ")).with_hint(
        "No function matches the given name and argument types. You might need to add explicit type casts.",
    )
}

/// Resolves `name(args)` among all built-in functions.
pub fn lookup(name: &str, args: &[DataType]) -> Result<Resolved> {
    lookup_filtered(name, args, None)
}

/// Resolves `name(args)` among functions of one kind only.
pub fn lookup_kind(name: &str, args: &[DataType], kind: FunctionKind) -> Result<Resolved> {
    lookup_filtered(name, args, Some(kind))
}

fn lookup_filtered(name: &str, args: &[DataType], kind: Option<FunctionKind>) -> Result<Resolved> {
    let candidates = catalog()
        .iter()
        .filter(|d| d.name == name && d.params.len() == args.len())
        .filter(|d| kind.is_none_or(|k| d.kind == k));
    let mut best: Option<(usize, &'static FunctionDef)> = None;
    for def in candidates {
        let mut exact = 0;
        let ok = def.params.iter().zip(args).all(|(p, a)| match p {
            None => true,
            Some(p) if p.without_typmod() == a.without_typmod() => {
                exact += 1;
                true
            }
            Some(p) => can_coerce_implicitly(a, p),
        });
        if ok && best.is_none_or(|(e, _)| exact > e) {
            best = Some((exact, def));
        }
    }
    let Some((_, def)) = best else {
        return Err(not_found(name, args));
    };
    let arg_types: Vec<DataType> = def
        .params
        .iter()
        .zip(args)
        .map(|(p, a)| match (p, a) {
            (Some(p), _) => p.clone(),
            (None, DataType::Unknown) => DataType::Text,
            (None, a) => a.clone(),
        })
        .collect();
    let return_type = match &def.ret {
        Some(t) => t.clone(),
        None => match (def.name, arg_types.first()) {
            ("unnest", Some(DataType::Array(e))) => (**e).clone(),
            ("array_agg", Some(t)) => DataType::Array(Box::new(t.clone())),
            (_, Some(t)) => t.clone(),
            (_, None) => DataType::Text,
        },
    };
    Ok(Resolved {
        def,
        arg_types,
        return_type,
    })
}
