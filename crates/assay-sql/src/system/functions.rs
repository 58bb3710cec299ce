//! Functions that read the catalog or the session, as tools call them:
//! `pg_table_is_visible`, `format_type`, `pg_get_indexdef`,
//! `pg_get_constraintdef`, `pg_get_expr`, `pg_get_viewdef`,
//! `obj_description`, the `has_*_privilege` family, `current_schema`, … —
//! and the `reg*` casts that turn names into OIDs and back.

use assay_storage::{bail, err, Result, SqlState};

use super::context::SystemContext;
use super::deparse::{default_text, format_type, index_def};
use super::pg_class::{class_of, view_query, PG_CLASS_OID};
use super::pg_constraint::{all_constraints, constraint_def};
use crate::catalog::{CommentTarget, Oid};
use crate::functions::registry::{Builder, T};
use crate::functions::{EvalContext, Resolved, RowIter};
use crate::types::oid::{oid_value, value_oid};
use crate::types::{DataType, RegKind, Value};

pub(super) fn system<'c>(ctx: &'c EvalContext<'_>, what: &str) -> Result<&'c SystemContext<'c>> {
    ctx.system.ok_or_else(|| {
        err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "{}() needs a session's catalog",
            what
        )
    })
}

fn arg_oid(v: &Value) -> Oid {
    value_oid(v).unwrap_or(0)
}

fn text_or_null(s: Option<String>) -> Value {
    s.map_or(Value::Null, |s| Value::text(&s))
}

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("pg_table_is_visible", &[Oid], Bool, table_is_visible)
        .stable();
    b.scalar("pg_type_is_visible", &[Oid], Bool, type_is_visible)
        .stable();
    b.scalar("pg_function_is_visible", &[Oid], Bool, type_is_visible)
        .stable();
    // Collations are all pg_catalog's too (SQLAlchemy's column reflection).
    b.scalar("pg_collation_is_visible", &[Oid], Bool, type_is_visible)
        .stable();
    b.scalar("format_type", &[Oid, Int4], Text, format_type_fn)
        .lenient()
        .stable();
    b.scalar("pg_get_indexdef", &[Oid], Text, indexdef).stable();
    b.scalar("pg_get_indexdef", &[Oid, Int4, Bool], Text, indexdef)
        .stable();
    b.scalar("pg_get_constraintdef", &[Oid], Text, constraintdef)
        .stable();
    b.scalar("pg_get_constraintdef", &[Oid, Bool], Text, constraintdef)
        .stable();
    b.scalar("pg_get_expr", &[Text, Oid], Text, get_expr)
        .stable();
    b.scalar("pg_get_expr", &[Text, Oid, Bool], Text, get_expr)
        .stable();
    b.scalar("pg_get_viewdef", &[Oid], Text, viewdef).stable();
    b.scalar("pg_get_viewdef", &[Oid, Bool], Text, viewdef)
        .stable();
    b.scalar("pg_get_viewdef", &[Oid, Int4], Text, viewdef)
        .stable();
    b.scalar("pg_get_viewdef", &[Text], Text, viewdef_by_name)
        .stable();
    b.scalar("pg_get_viewdef", &[Text, Bool], Text, viewdef_by_name)
        .stable();
    b.scalar("pg_get_userbyid", &[Oid], Name, get_userbyid)
        .stable();
    b.scalar("pg_get_triggerdef", &[Oid], Text, nothing)
        .stable();
    b.scalar("pg_get_triggerdef", &[Oid, Bool], Text, nothing)
        .stable();
    b.scalar("pg_get_statisticsobjdef_columns", &[Oid], Text, nothing)
        .stable();
    b.scalar("pg_get_partkeydef", &[Oid], Text, nothing)
        .stable();
    b.scalar("pg_get_function_result", &[Oid], Text, function_result)
        .stable();
    b.scalar("pg_get_function_arguments", &[Oid], Text, function_args)
        .stable();
    b.scalar(
        "pg_get_function_identity_arguments",
        &[Oid],
        Text,
        function_args,
    )
    .stable();
    b.scalar("obj_description", &[Oid, Name], Text, obj_description)
        .stable();
    b.scalar("obj_description", &[Oid], Text, obj_description)
        .stable();
    b.scalar("col_description", &[Oid, Int4], Text, col_description)
        .stable();
    b.scalar("shobj_description", &[Oid, Name], Text, nothing)
        .stable();
    for name in [
        "has_table_privilege",
        "has_sequence_privilege",
        "has_any_column_privilege",
    ] {
        b.scalar(name, &[Text, Text], Bool, relation_privilege)
            .stable();
        b.scalar(name, &[Oid, Text], Bool, relation_privilege)
            .stable();
        b.scalar(name, &[Name, Text, Text], Bool, relation_privilege)
            .stable();
        b.scalar(name, &[Name, Oid, Text], Bool, relation_privilege)
            .stable();
    }
    b.scalar(
        "has_column_privilege",
        &[Text, Text, Text],
        Bool,
        column_privilege,
    )
    .stable();
    b.scalar(
        "has_column_privilege",
        &[Oid, Text, Text],
        Bool,
        column_privilege,
    )
    .stable();
    b.scalar(
        "has_schema_privilege",
        &[Text, Text],
        Bool,
        schema_privilege,
    )
    .stable();
    b.scalar(
        "has_schema_privilege",
        &[Name, Text, Text],
        Bool,
        schema_privilege,
    )
    .stable();
    b.scalar("has_schema_privilege", &[Oid, Text], Bool, schema_privilege)
        .stable();
    for name in ["has_database_privilege", "has_function_privilege"] {
        b.scalar(name, &[Text, Text], Bool, other_privilege)
            .stable();
        b.scalar(name, &[Name, Text, Text], Bool, other_privilege)
            .stable();
        b.scalar(name, &[Oid, Text], Bool, other_privilege).stable();
    }
    b.scalar("pg_has_role", &[Name, Text], Bool, has_role)
        .stable();
    b.scalar("pg_has_role", &[Name, Name, Text], Bool, has_role)
        .stable();
    for name in ["current_user", "user", "current_role"] {
        b.scalar(name, &[], Name, current_user).stable();
    }
    b.scalar("session_user", &[], Name, session_user).stable();
    super::pg_stat_activity::register(b);
    b.scalar("current_catalog", &[], Name, current_database)
        .stable();
    b.scalar("current_database", &[], Name, current_database)
        .stable();
    b.scalar("current_schema", &[], Name, current_schema)
        .stable();
    b.scalar("current_schemas", &[Bool], NameArray, current_schemas)
        .stable();
    b.scalar("pg_backend_pid", &[], Int4, backend_pid).stable();
    b.scalar("pg_postmaster_start_time", &[], TimestampTz, start_time)
        .stable();
    b.scalar("pg_is_in_recovery", &[], Bool, not_in_recovery)
        .stable();
    b.scalar("pg_encoding_to_char", &[Int4], Name, encoding_to_char);
    b.scalar("pg_char_to_encoding", &[Name], Int4, char_to_encoding);
    b.scalar(
        "pg_get_serial_sequence",
        &[Text, Text],
        Text,
        serial_sequence,
    )
    .stable();
    b.scalar("pg_relation_is_publishable", &[Oid], Bool, not_publishable)
        .stable();
    b.scalar("to_regclass", &[Text], RegClass, to_regclass)
        .stable();
    b.scalar("to_regtype", &[Text], RegType, to_regtype)
        .stable();
    b.set_returning(
        "pg_partition_ancestors",
        &[RegClass],
        RegClass,
        partition_ancestors,
    )
    .stable();
}

fn nothing(_: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Null)
}

fn table_is_visible(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_table_is_visible")?;
    let oid = arg_oid(&a[0]);
    Ok(match sys.relation(oid) {
        Some(r) => Value::Bool(sys.relation_visible(r.schema(), r.name(), oid)),
        None => Value::Null,
    })
}

/// Built-in types, functions and collations live in `pg_catalog`, always
/// searched.
fn type_is_visible(_: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Bool(true))
}

fn format_type_fn(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let Some(oid) = value_oid(&a[0]) else {
        return Ok(Value::Null);
    };
    if let Some(name) = ctx.system.and_then(|sys| sys.row_type_name(oid)) {
        return Ok(Value::text(&name));
    }
    let typmod = match a.get(1) {
        Some(Value::Int4(m)) => Some(*m),
        _ => None,
    };
    Ok(Value::text(&format_type(oid, typmod)))
}

fn indexdef(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_get_indexdef")?;
    let oid = arg_oid(&a[0]);
    let column = match a.get(1) {
        Some(Value::Int4(c)) => *c,
        _ => 0,
    };
    Ok(match sys.relation(oid) {
        Some(super::context::RelationAt::Index(t, i)) => Value::text(&index_def(sys, t, i, column)),
        _ => Value::Null,
    })
}

fn constraintdef(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_get_constraintdef")?;
    let oid = arg_oid(&a[0]);
    Ok(all_constraints(sys)
        .into_iter()
        .find(|(_, c)| c.oid == oid)
        .map_or(Value::Null, |(t, c)| {
            Value::text(&constraint_def(sys, t, c))
        }))
}

/// `pg_get_expr(expr, relation)`: Assay stores expressions as SQL text;
/// a column default's string constant is printed with its type.
fn get_expr(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_get_expr")?;
    let Some(sql) = a[0].as_str() else {
        return Ok(Value::Null);
    };
    let rel = arg_oid(&a[1]);
    // A default: find the column whose default this is.
    if let Some(t) = sys.catalog.table(rel) {
        if let Some(c) = t.columns.iter().find(|c| {
            (c.default.as_deref() == Some(sql) || c.generated.as_deref() == Some(sql)) && !c.dropped
        }) {
            if c.generated.is_some() {
                let pretty = matches!(a.get(2), Some(Value::Bool(true)));
                return Ok(Value::text(&super::deparse::generation_text(sql, pretty)));
            }
            return Ok(Value::text(&default_text(sql, &c.ty)));
        }
    }
    Ok(Value::text(&super::deparse::expr_text(sql)))
}

fn viewdef_of(sys: &SystemContext<'_>, oid: Oid) -> Value {
    match sys.catalog.table(oid).and_then(|t| view_query(t)) {
        Some(q) => Value::text(&format!(" {};", q.trim_end_matches(';'))),
        None => Value::Null,
    }
}

fn viewdef(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_get_viewdef")?;
    Ok(viewdef_of(sys, arg_oid(&a[0])))
}

fn viewdef_by_name(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_get_viewdef")?;
    let oid = sys.reg_in(RegKind::Class, a[0].as_str().unwrap_or_default())?;
    Ok(viewdef_of(sys, oid))
}

fn get_userbyid(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_get_userbyid")?;
    let oid = arg_oid(&a[0]);
    Ok(Value::text(
        &sys.role_name(oid)
            .unwrap_or_else(|| format!("unknown (OID={oid})")),
    ))
}

fn function_result(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(text_or_null(
        super::pg_proc::proc_by_oid(arg_oid(&a[0])).map(super::pg_proc::result_text),
    ))
}

fn function_args(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(text_or_null(
        super::pg_proc::proc_by_oid(arg_oid(&a[0])).map(super::pg_proc::arguments_text),
    ))
}

fn obj_description(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "obj_description")?;
    let oid = arg_oid(&a[0]);
    if let Some(Value::Text(catalog)) = a.get(1) {
        let want = match &**catalog {
            "pg_class" => PG_CLASS_OID,
            "pg_namespace" => super::pg_class::PG_NAMESPACE_OID,
            "pg_constraint" => super::pg_class::PG_CONSTRAINT_OID,
            _ => return Ok(Value::Null),
        };
        if class_of(sys, oid) != want {
            return Ok(Value::Null);
        }
    }
    Ok(text_or_null(
        sys.catalog
            .comment(CommentTarget { oid, sub: 0 })
            .map(str::to_string),
    ))
}

fn col_description(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "col_description")?;
    let sub = match a[1] {
        Value::Int4(n) => n,
        _ => return Ok(Value::Null),
    };
    let target = CommentTarget {
        oid: arg_oid(&a[0]),
        sub,
    };
    Ok(text_or_null(
        sys.catalog.comment(target).map(str::to_string),
    ))
}

/// Checks a privilege list such as `'SELECT, INSERT WITH GRANT OPTION'`
/// against the privileges the object kind has.
fn check_privileges(list: &str, allowed: &[&str]) -> Result<()> {
    for p in list.split(',') {
        let p = p.trim().to_ascii_uppercase();
        let p = p.strip_suffix(" WITH GRANT OPTION").unwrap_or(&p).trim();
        if !allowed.contains(&p) {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "unrecognized privilege type: \"{}\"",
                p.to_ascii_lowercase()
            );
        }
    }
    Ok(())
}

/// The user argument of a three-argument privilege function must exist.
fn check_user(sys: &SystemContext<'_>, a: &[Value], n_without_user: usize) -> Result<()> {
    if a.len() > n_without_user {
        if let Some(name) = a[0].as_str() {
            sys.reg_in(RegKind::Role, name)?;
        }
    }
    Ok(())
}

/// Assay has one user, the superuser: every privilege is held, once the
/// object and privilege names check out.
fn relation_privilege(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "has_table_privilege")?;
    check_user(sys, a, 2)?;
    has_relation_privilege(sys, &a[a.len() - 2], a)
}

/// `has_column_privilege(table, column, privilege)`.
fn column_privilege(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "has_column_privilege")?;
    has_relation_privilege(sys, &a[0], a)
}

fn has_relation_privilege(sys: &SystemContext<'_>, target: &Value, a: &[Value]) -> Result<Value> {
    match target {
        Value::Text(name) => {
            sys.reg_in(RegKind::Class, name)?;
        }
        v => {
            if sys.relation(arg_oid(v)).is_none() {
                return Ok(Value::Null);
            }
        }
    }
    let privs = a.last().and_then(Value::as_str).unwrap_or_default();
    check_privileges(
        privs,
        &[
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
            "TRUNCATE",
            "REFERENCES",
            "TRIGGER",
            "USAGE",
        ],
    )?;
    Ok(Value::Bool(true))
}

fn schema_privilege(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "has_schema_privilege")?;
    check_user(sys, a, 2)?;
    let target = &a[a.len() - 2];
    match target {
        Value::Text(name) => {
            sys.catalog.schema_oid(name)?;
        }
        v => {
            if sys.catalog.schema(arg_oid(v)).is_none() {
                return Ok(Value::Null);
            }
        }
    }
    let privs = a.last().and_then(Value::as_str).unwrap_or_default();
    check_privileges(privs, &["CREATE", "USAGE"])?;
    Ok(Value::Bool(true))
}

fn other_privilege(_: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Bool(true))
}

/// `pg_has_role([user,] role, 'MEMBER' | 'USAGE')`: a superuser has
/// every role; others the roles they belong to (USAGE: through roles
/// that inherit).
fn has_role(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_has_role")?;
    let user = if a.len() == 3 {
        sys.reg_in(RegKind::Role, a[0].as_str().unwrap_or_default())?
    } else {
        sys.user_oid()
    };
    let role = sys.reg_in(RegKind::Role, a[a.len() - 2].as_str().unwrap_or_default())?;
    let privs = a.last().and_then(Value::as_str).unwrap_or_default();
    let privs = privs.to_ascii_uppercase();
    let privs: Vec<&str> = privs.split(',').map(str::trim).collect();
    check_privileges(
        &privs.join(","),
        &[
            "MEMBER",
            "USAGE",
            "MEMBER WITH ADMIN OPTION",
            "USAGE WITH ADMIN OPTION",
        ],
    )?;
    let roles = sys.catalog.roles();
    if roles.get(user).is_some_and(|r| r.superuser) {
        return Ok(Value::Bool(true));
    }
    let usage_only = privs.iter().all(|p| p.starts_with("USAGE"));
    let inherits = roles.get(user).is_none_or(|r| r.inherit);
    Ok(Value::Bool(
        roles.is_member(user, role) && (!usage_only || inherits || user == role),
    ))
}

fn current_user(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::text(ctx.system.map_or("postgres", |s| s.user)))
}

fn session_user(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::text(
        ctx.system.map_or("postgres", |s| s.session_user),
    ))
}

fn current_database(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::text(ctx.system.map_or("postgres", |s| s.database)))
}

/// The schemas of the search path that exist, temporary schema first when
/// `implicit` (and `pg_catalog` where it is searched).
fn search_schemas(sys: &SystemContext<'_>, implicit: bool) -> Vec<String> {
    sys.catalog
        .search_order(sys.path)
        .into_iter()
        .filter(|&s| {
            implicit
                || (Some(s) != sys.path.temp_schema
                    && (s != crate::catalog::PG_CATALOG_OID
                        || sys.path.schemas.iter().any(|p| p == "pg_catalog")))
        })
        .filter_map(|s| sys.schema_name(s).map(str::to_string))
        .collect()
}

fn current_schema(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let Some(sys) = ctx.system else {
        return Ok(Value::text("public"));
    };
    Ok(search_schemas(sys, false)
        .into_iter()
        .next()
        .map_or(Value::Null, |s| Value::text(&s)))
}

fn current_schemas(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "current_schemas")?;
    let implicit = matches!(a[0], Value::Bool(true));
    let names = search_schemas(sys, implicit)
        .iter()
        .map(|s| Value::text(s))
        .collect();
    Ok(super::rows::array(names))
}

fn backend_pid(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Int4(ctx.system.map_or(0, |s| s.pid)))
}

fn start_time(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::TimestampTz(
        ctx.system
            .map_or(ctx.transaction_start, |s| s.backend_start),
    ))
}

fn not_in_recovery(_: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Bool(false))
}

fn not_publishable(_: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Bool(false))
}

/// Assay's one encoding.
fn encoding_to_char(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::text(match a[0] {
        Value::Int4(0) => "SQL_ASCII",
        Value::Int4(6) => "UTF8",
        _ => "",
    }))
}

fn char_to_encoding(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Int4(
        match a[0]
            .as_str()
            .unwrap_or_default()
            .to_ascii_uppercase()
            .as_str()
        {
            "SQL_ASCII" => 0,
            "UTF8" | "UTF-8" => 6,
            _ => -1,
        },
    ))
}

/// `pg_get_serial_sequence(table, column)`: the sequence a serial or
/// identity column owns, schema-qualified.
fn serial_sequence(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "pg_get_serial_sequence")?;
    let table = sys.reg_in(RegKind::Class, a[0].as_str().unwrap_or_default())?;
    let column = a[1].as_str().unwrap_or_default();
    let Some(t) = sys.catalog.table(table) else {
        return Ok(Value::Null);
    };
    let Some(ci) = t.column_index(column) else {
        return Err(err!(
            SqlState::UNDEFINED_COLUMN,
            "column \"{}\" of relation \"{}\" does not exist",
            column,
            t.name
        ));
    };
    let seq = sys
        .catalog
        .sequences()
        .find(|s| s.owned_by == Some((t.oid, ci)));
    Ok(match seq {
        Some(s) => {
            let nsp = sys.schema_name(s.schema).unwrap_or("public");
            Value::text(&format!(
                "{}.{}",
                super::context::quote_ident(nsp),
                super::context::quote_ident(&s.name)
            ))
        }
        None => Value::Null,
    })
}

fn to_regclass(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "to_regclass")?;
    let text = a[0].as_str().unwrap_or_default();
    if text.trim().bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Value::Null);
    }
    Ok(match sys.reg_in(RegKind::Class, text) {
        Ok(oid) => oid_value(oid),
        Err(e) if e.code() == SqlState::UNDEFINED_TABLE => Value::Null,
        Err(e) if e.code() == SqlState::INVALID_SCHEMA_NAME => Value::Null,
        Err(e) => return Err(e),
    })
}

fn to_regtype(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let sys = system(ctx, "to_regtype")?;
    Ok(
        match sys.reg_in(RegKind::Type, a[0].as_str().unwrap_or_default()) {
            Ok(oid) => oid_value(oid),
            Err(_) => Value::Null,
        },
    )
}

/// A plain table is its own only "ancestor"; Assay has no partitions.
fn partition_ancestors(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<RowIter> {
    let sys = system(ctx, "pg_partition_ancestors")?;
    let oid = arg_oid(&a[0]);
    let rows = match sys.catalog.table(oid) {
        Some(t) if !t.is_view() => vec![Ok(vec![oid_value(oid)])],
        _ => Vec::new(),
    };
    Ok(Box::new(rows.into_iter()))
}

/// Whether a cast needs the catalog: a name read as a `reg*` value, or a
/// `reg*` value printed as text.
pub(crate) fn cast_needs_catalog(from: &DataType, to: &DataType) -> bool {
    let stringish = |t: &DataType| {
        matches!(
            t,
            DataType::Text
                | DataType::Varchar(_)
                | DataType::Bpchar(_)
                | DataType::Name
                | DataType::Unknown
        )
    };
    let reg_array =
        |t: &DataType| matches!(t, DataType::Array(e) if matches!(**e, DataType::Reg(_)));
    matches!((from, to), (f, DataType::Reg(_)) if stringish(f))
        || matches!((from, to), (DataType::Reg(_), t) if stringish(t))
        || (reg_array(from) && stringish(to))
}

/// Evaluates a cast that [`cast_needs_catalog`].
pub(crate) fn catalog_cast(
    v: &Value,
    from: &DataType,
    to: &DataType,
    sys: Option<&SystemContext<'_>>,
    settings: &crate::types::Settings,
) -> Result<Value> {
    let Some(sys) = sys else {
        return crate::types::cast(v, from, to, settings);
    };
    match (from, to) {
        (_, DataType::Reg(k)) => {
            let text = v.as_str().unwrap_or_default();
            Ok(oid_value(sys.reg_in(*k, text)?))
        }
        (DataType::Reg(k), _) => {
            let text = sys.reg_out(*k, arg_oid(v));
            crate::types::cast(&Value::text(&text), &DataType::Text, to, settings)
        }
        // `regtype[]` and the like as text: each element by name.
        (DataType::Array(inner), _) => match (&**inner, v) {
            (DataType::Reg(k), Value::Array(a)) => {
                let mut named = (**a).clone();
                for item in &mut named.items {
                    if !matches!(item, Value::Null) {
                        *item = Value::text(&sys.reg_out(*k, arg_oid(item)));
                    }
                }
                let text_array = DataType::Array(Box::new(DataType::Text));
                let named = Value::Array(std::sync::Arc::new(named));
                crate::types::cast(&named, &text_array, to, settings)
            }
            _ => crate::types::cast(v, from, to, settings),
        },
        _ => crate::types::cast(v, from, to, settings),
    }
}
