//! `pg_proc`: the built-in functions of the registry, and the `regproc`
//! and `regprocedure` names of them.

use std::collections::HashMap;
use std::sync::OnceLock;

use assay_storage::{err, Result, SqlState};

use super::context::SUPERUSER_OID;
use super::pg_type::type_name_of_oid;
use super::rows::{vector, Rows};
use crate::catalog::{Oid, PG_CATALOG_OID};
use crate::functions::{definitions, FunctionDef, FunctionKind, Param, Ret, Volatility};
use crate::types::{DataType, RegKind, Value};

/// Built-in functions PostgreSQL does not have under the same signature
/// take OIDs from here up, in registry order: above every OID PostgreSQL
/// 15 gives a built-in, below the first user OID.
const FIRST_PROC_OID: Oid = 14_000;
/// `pg_language` OID of `internal`.
const INTERNAL_LANGUAGE: Oid = 12;

/// PostgreSQL's OIDs by (name, argument type OIDs as `proargtypes` prints
/// them).
fn canonical_oids() -> &'static HashMap<(&'static str, &'static str), Oid> {
    static OIDS: OnceLock<HashMap<(&'static str, &'static str), Oid>> = OnceLock::new();
    OIDS.get_or_init(|| {
        super::proc_oids::PG_PROC_OIDS
            .iter()
            .map(|&(name, args, oid)| ((name, args), oid))
            .collect()
    })
}

/// The function's OID: PostgreSQL's where it has the same function.
pub(crate) fn proc_oid(def: &FunctionDef) -> Oid {
    let args: Vec<String> = arg_type_oids(def).iter().map(Oid::to_string).collect();
    let args = args.join(" ");
    match canonical_oids().get(&(def.name, args.as_str())) {
        Some(&oid) => oid,
        None => FIRST_PROC_OID + def.id,
    }
}

pub(crate) fn proc_by_oid(oid: Oid) -> Option<&'static FunctionDef> {
    static BY_OID: OnceLock<HashMap<Oid, &'static FunctionDef>> = OnceLock::new();
    BY_OID
        .get_or_init(|| {
            definitions()
                .into_iter()
                .map(|d| (proc_oid(d), d))
                .collect()
        })
        .get(&oid)
        .copied()
}

fn param_oid(p: &Param) -> Oid {
    match p {
        Param::Type(t) => t.oid(),
        Param::AnyElement => 2283,
        Param::AnyArray => 2277,
        Param::AnyNonArray => 2776,
        Param::Any => 2276,
    }
}

pub(crate) fn arg_type_oids(def: &FunctionDef) -> Vec<Oid> {
    def.params.iter().map(param_oid).collect()
}

fn ret_oid(def: &FunctionDef) -> Oid {
    if def.columns.len() > 1 {
        return 2249;
    }
    match &def.ret {
        Ret::Type(t) => t.oid(),
        Ret::AnyElement => 2283,
        Ret::AnyArray => 2277,
    }
}

/// `pg_get_function_result`.
pub(crate) fn result_text(def: &FunctionDef) -> String {
    if def.columns.len() > 1 {
        let cols: Vec<String> = def
            .columns
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect();
        return format!("TABLE({})", cols.join(", "));
    }
    let t = type_name_of_oid(ret_oid(def));
    if def.kind() == FunctionKind::SetReturning {
        format!("SETOF {t}")
    } else {
        t
    }
}

/// `pg_get_function_arguments`.
pub(crate) fn arguments_text(def: &FunctionDef) -> String {
    let n = def.params.len();
    def.params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let t = type_name_of_oid(param_oid(p));
            if def.variadic && i + 1 == n {
                let array = match p {
                    Param::Type(t) => DataType::Array(Box::new(t.clone())).to_string(),
                    _ => "\"any\"".to_string(),
                };
                format!("VARIADIC {array}")
            } else {
                t
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn pg_proc(out: &mut Rows) {
    for def in definitions() {
        let kind = match def.kind() {
            FunctionKind::Aggregate => "a",
            FunctionKind::Window => "w",
            FunctionKind::Scalar | FunctionKind::SetReturning => "f",
        };
        let volatile = match def.volatility {
            Volatility::Immutable => "i",
            Volatility::Stable => "s",
            Volatility::Volatile => "v",
        };
        let srf = def.kind() == FunctionKind::SetReturning;
        let args: Vec<Value> = arg_type_oids(def)
            .into_iter()
            .map(|o| Value::Int8(i64::from(o)))
            .collect();
        out.add()
            .oid("oid", proc_oid(def))
            .text("proname", def.name)
            .oid("pronamespace", PG_CATALOG_OID)
            .oid("proowner", SUPERUSER_OID)
            .oid("prolang", INTERNAL_LANGUAGE)
            .set("procost", Value::Float4(1.0))
            .set("prorows", Value::Float4(if srf { 1000.0 } else { 0.0 }))
            .text("prokind", kind)
            .bool("proisstrict", def.strict)
            .bool("proretset", srf)
            .text("provolatile", volatile)
            .text("proparallel", "s")
            .i2("pronargs", def.params.len() as i16)
            .oid("prorettype", ret_oid(def))
            .set("proargtypes", vector(args))
            .text("prosrc", def.name);
    }
}

/// Reads a `regproc` (`name`) or `regprocedure` (`name(type, …)`).
pub(crate) fn proc_in(text: &str, kind: RegKind) -> Result<Oid> {
    let (name, args) = match text.split_once('(') {
        Some((n, rest)) if kind == RegKind::Procedure => {
            let inner = rest.trim_end().strip_suffix(')').unwrap_or(rest);
            let types = inner
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|t| DataType::parse(t).map(|t| t.oid()))
                .collect::<Result<Vec<Oid>>>()?;
            (n.trim(), Some(types))
        }
        _ => (text.trim(), None),
    };
    let name = name
        .strip_prefix("pg_catalog.")
        .unwrap_or(name)
        .to_ascii_lowercase();
    let candidates: Vec<&FunctionDef> = definitions()
        .into_iter()
        .filter(|d| d.name == name)
        .filter(|d| args.as_ref().is_none_or(|a| *a == arg_type_oids(d)))
        .collect();
    match candidates.as_slice() {
        [one] => Ok(proc_oid(one)),
        [] => Err(err!(
            SqlState::UNDEFINED_FUNCTION,
            "function \"{}\" does not exist",
            text.trim()
        )),
        _ => Err(err!(
            SqlState::AMBIGUOUS_FUNCTION,
            "more than one function named \"{}\"",
            text.trim()
        )),
    }
}
