//! Types and what hangs off them: `pg_type`, `pg_am`, `pg_collation`.

use super::context::SUPERUSER_OID;
use super::rows::Rows;
use super::SystemContext;
use crate::catalog::{Oid, PG_CATALOG_OID};
use crate::types::DataType;

/// `pg_collation` OIDs.
pub(crate) const DEFAULT_COLLATION: Oid = 100;
pub(crate) const C_COLLATION: Oid = 950;
/// `array_subscript_handler`, every array type's `typsubscript`.
const ARRAY_SUBSCRIPT_HANDLER: Oid = 6179;

/// Pseudo-types that function signatures use: (OID, name).
pub(crate) const PSEUDO_TYPES: &[(Oid, &str)] = &[
    (2249, "record"),
    (2275, "cstring"),
    (2276, "\"any\""),
    (2277, "anyarray"),
    (2278, "void"),
    (2279, "trigger"),
    (2281, "internal"),
    (2283, "anyelement"),
    (2776, "anynonarray"),
];

/// The type with this OID (arrays included).
pub(crate) fn type_by_oid(oid: Oid) -> Option<DataType> {
    DataType::from_oid(oid)
}

/// `format_type(oid, NULL)`: the SQL name of a type OID, a pseudo-type's
/// name, or `???` as PostgreSQL prints an unknown OID.
pub(crate) fn type_name_of_oid(oid: Oid) -> String {
    if let Some(t) = type_by_oid(oid) {
        return t.to_string();
    }
    if let Some((_, name)) = PSEUDO_TYPES.iter().find(|(o, _)| *o == oid) {
        return (*name).to_string();
    }
    "???".to_string()
}

/// (typlen, typbyval, typalign, typstorage) of a type.
pub(crate) fn type_props(ty: &DataType) -> (i16, bool, char, char) {
    use DataType as T;
    match ty {
        T::Bool | T::Char => (1, true, 'c', 'p'),
        T::Int2 => (2, true, 's', 'p'),
        T::Int4 | T::Float4 | T::Date | T::Oid | T::Reg(_) => (4, true, 'i', 'p'),
        T::Int8 | T::Float8 | T::Time(_) | T::Timestamp(_) | T::TimestampTz(_) => {
            (8, true, 'd', 'p')
        }
        T::Interval(_) => (16, false, 'd', 'p'),
        T::Uuid => (16, false, 'c', 'p'),
        T::Name => (64, false, 'c', 'p'),
        T::Numeric(_) => (-1, false, 'i', 'm'),
        T::Unknown => (-2, false, 'c', 'p'),
        T::Int2Vector | T::OidVector => (-1, false, 'i', 'p'),
        T::Array(e) => {
            let align = type_props(e).2;
            (-1, false, if align == 'd' { 'd' } else { 'i' }, 'x')
        }
        T::Text
        | T::Varchar(_)
        | T::Bpchar(_)
        | T::Bytea
        | T::Json
        | T::Jsonb
        | T::Bit(_)
        | T::VarBit(_) => (-1, false, 'i', 'x'),
        T::Record(_) => (-1, false, 'd', 'x'),
    }
}

/// The collation a column of this type gets (`attcollation`).
pub(crate) fn collation_of(ty: &DataType) -> Oid {
    match ty {
        DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) => DEFAULT_COLLATION,
        DataType::Name => C_COLLATION,
        DataType::Array(e) => collation_of(e),
        _ => 0,
    }
}

/// `pg_type.typcategory`, which differs from the binder's categories for
/// `"char"` (internal) and pseudo-types.
fn category_code(ty: &DataType) -> &'static str {
    match ty {
        DataType::Char => "Z",
        t => match t.category().code() {
            'A' => "A",
            'B' => "B",
            'D' => "D",
            'N' => "N",
            'S' => "S",
            'T' => "T",
            'U' => "U",
            'V' => "V",
            _ => "X",
        },
    }
}

pub(super) fn pg_type(sys: &SystemContext<'_>, out: &mut Rows) {
    let mut types: Vec<DataType> = DataType::builtin_types().collect();
    types.extend(
        DataType::builtin_types()
            .filter(|t| t.array_oid() != 0)
            .map(|t| DataType::Array(Box::new(t))),
    );
    types.sort_by_key(|t| t.oid());
    for ty in types {
        let (len, byval, align, storage) = type_props(&ty);
        let mut r = out.add();
        r.oid("oid", ty.oid())
            .text("typname", &ty.typname())
            .oid("typnamespace", PG_CATALOG_OID)
            .oid("typowner", SUPERUSER_OID)
            .i2("typlen", len)
            .bool("typbyval", byval)
            .text("typtype", if ty == DataType::Unknown { "p" } else { "b" })
            .text("typcategory", category_code(&ty))
            .bool("typispreferred", ty.is_preferred())
            .bool("typisdefined", true)
            .text("typdelim", ",")
            .text("typalign", &align.to_string())
            .text("typstorage", &storage.to_string())
            .i4("typtypmod", -1)
            .oid("typcollation", collation_of(&ty));
        match &ty {
            DataType::Array(e) => {
                r.oid("typelem", e.oid())
                    .oid("typsubscript", ARRAY_SUBSCRIPT_HANDLER);
            }
            t => {
                r.oid("typarray", t.array_oid());
            }
        }
        if ty == DataType::Name {
            // name is subscriptable as an array of "char".
            r.oid("typelem", 18);
        }
    }
    for &(oid, name) in PSEUDO_TYPES {
        out.add()
            .oid("oid", oid)
            .text("typname", name.trim_matches('"'))
            .oid("typnamespace", PG_CATALOG_OID)
            .oid("typowner", SUPERUSER_OID)
            .i2("typlen", if name == "cstring" { -2 } else { 4 })
            .bool(
                "typbyval",
                !matches!(name, "cstring" | "anyarray" | "record"),
            )
            .text("typtype", "p")
            .text("typcategory", "P")
            .bool("typisdefined", true)
            .text("typdelim", ",")
            .text("typalign", "i")
            .text("typstorage", "p")
            .i4("typtypmod", -1);
    }
    // Every table, view and composite type has a row type; its OID is
    // the relation's.
    let mut rels: Vec<_> = sys
        .catalog
        .tables()
        .chain(sys.catalog.composite_types())
        .collect();
    rels.sort_by_key(|t| t.oid);
    for t in rels {
        out.add()
            .oid("oid", t.oid)
            .text("typname", &t.name)
            .oid("typnamespace", t.schema)
            .oid("typowner", SUPERUSER_OID)
            .i2("typlen", -1)
            .bool("typbyval", false)
            .text("typtype", "c")
            .text("typcategory", "C")
            .bool("typisdefined", true)
            .text("typdelim", ",")
            .oid("typrelid", t.oid)
            .text("typalign", "d")
            .text("typstorage", "x")
            .i4("typtypmod", -1);
    }
}

pub(super) fn pg_am(out: &mut Rows) {
    for (oid, name, kind) in [
        (2, "heap", "t"),
        (403, "btree", "i"),
        (405, "hash", "i"),
        (783, "gist", "i"),
        (2742, "gin", "i"),
        (4000, "spgist", "i"),
        (3580, "brin", "i"),
    ] {
        out.add()
            .oid("oid", oid)
            .text("amname", name)
            .text("amtype", kind);
    }
}

pub(super) fn pg_collation(out: &mut Rows) {
    for (oid, name, provider, collate) in [
        (DEFAULT_COLLATION, "default", "d", None),
        (C_COLLATION, "C", "c", Some("C")),
        (951, "POSIX", "c", Some("POSIX")),
    ] {
        let mut r = out.add();
        r.oid("oid", oid)
            .text("collname", name)
            .oid("collnamespace", PG_CATALOG_OID)
            .oid("collowner", SUPERUSER_OID)
            .text("collprovider", provider)
            .bool("collisdeterministic", true)
            .i4("collencoding", -1);
        if let Some(c) = collate {
            r.text("collcollate", c).text("collctype", c);
        }
    }
}
