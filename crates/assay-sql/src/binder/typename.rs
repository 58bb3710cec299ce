//! Type names as written (`ast::TypeName`) to data types.

use assay_storage::Result;

use super::errors::at;
use crate::ast::TypeName;
use crate::types::DataType;

/// Resolves a type name. Bare `char` reaches here as `bpchar`, so a base
/// name `char` was written `"char"`: the one-byte catalog type.
pub fn resolve_type(t: &TypeName) -> Result<DataType> {
    let base = t.base();
    let mut spelled = match base {
        "char" if t.modifiers.is_empty() => "\"char\"".to_string(),
        "int" | "integer" => "int4".to_string(),
        _ => base.to_string(),
    };
    if let Some(fields) = &t.interval_fields {
        spelled = format!("{spelled} {fields}");
    }
    if !t.modifiers.is_empty() {
        let mods: Vec<String> = t.modifiers.iter().map(i64::to_string).collect();
        spelled = format!("{}({})", spelled, mods.join(","));
    }
    let ty = DataType::parse(&spelled).map_err(|e| at(e, t.pos.get()))?;
    Ok(wrap_array(ty, t.is_array()))
}

/// Looks a (schema, name) up as a relation's row type.
pub type RowTypeLookup<'a> = &'a dyn Fn(Option<&str>, &str) -> Result<Option<DataType>>;

/// Resolves a type name, looking a name that is no built-in type up as a
/// relation's row type (a composite type or a table) with `named`.
pub fn resolve_type_with(t: &TypeName, named: RowTypeLookup<'_>) -> Result<DataType> {
    match resolve_type(t) {
        Err(e)
            if e.code() == assay_storage::SqlState::UNDEFINED_OBJECT && t.modifiers.is_empty() =>
        {
            let schema = match t.names.as_slice() {
                [.., s, _] => Some(s.as_str()),
                _ => None,
            };
            match named(schema, t.base()) {
                Ok(Some(ty)) => Ok(wrap_array(ty, t.is_array())),
                _ => Err(e),
            }
        }
        other => other,
    }
}

fn wrap_array(ty: DataType, array: bool) -> DataType {
    if array && !matches!(ty, DataType::Array(_)) {
        DataType::Array(Box::new(ty))
    } else {
        ty
    }
}
