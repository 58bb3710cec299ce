//! `pg_opclass`: the B-tree operator class of each type Assay can index,
//! with PostgreSQL 15's OIDs and names. Every index column uses its type's
//! default class (`pg_index.indclass`), which is what ORMs reflecting
//! indexes compare against (SQLAlchemy lists the non-default ones).

use super::context::SUPERUSER_OID;
use super::rows::Rows;
use crate::catalog::PG_CATALOG_OID;
use crate::types::DataType;

/// The B-tree access method (`pg_am`).
const BTREE: u32 = 403;

/// (OID, name, input type OID, family OID, default) of each class.
const CLASSES: &[(u32, &str, u32, u32, bool)] = &[
    (1978, "int4_ops", 23, 1976, true),
    (1979, "int2_ops", 21, 1976, true),
    (1981, "oid_ops", 26, 1989, true),
    (3122, "date_ops", 1082, 434, true),
    (3123, "float8_ops", 701, 1970, true),
    (3124, "int8_ops", 20, 1976, true),
    (3125, "numeric_ops", 1700, 1988, true),
    (3126, "text_ops", 25, 1994, true),
    (3127, "timestamptz_ops", 1184, 434, true),
    (3128, "timestamp_ops", 1114, 434, true),
    (4217, "text_pattern_ops", 25, 2095, false),
    (4218, "varchar_pattern_ops", 25, 2095, false),
    (4219, "bpchar_pattern_ops", 1042, 2097, false),
    (10000, "array_ops", 2277, 397, true),
    (10002, "bit_ops", 1560, 423, true),
    (10003, "bool_ops", 16, 424, true),
    (10004, "bpchar_ops", 1042, 426, true),
    (10006, "bytea_ops", 17, 428, true),
    (10012, "float4_ops", 700, 1970, true),
    (10022, "interval_ops", 1186, 1982, true),
    (10028, "name_ops", 19, 1994, true),
    (10038, "time_ops", 1083, 1996, true),
    (10043, "varbit_ops", 1562, 2002, true),
    (10044, "varchar_ops", 25, 1994, false),
    (10065, "uuid_ops", 2950, 2968, true),
    (10088, "jsonb_ops", 3802, 4033, true),
];

pub(super) fn pg_opclass(out: &mut Rows) {
    for &(oid, name, input, family, default) in CLASSES {
        out.add()
            .oid("oid", oid)
            .oid("opcmethod", BTREE)
            .text("opcname", name)
            .oid("opcnamespace", PG_CATALOG_OID)
            .oid("opcowner", SUPERUSER_OID)
            .oid("opcfamily", family)
            .oid("opcintype", input)
            .bool("opcdefault", default)
            .oid("opckeytype", if name == "name_ops" { 2275 } else { 0 });
    }
}

/// The default B-tree class of an index column of type `ty` (0 if none):
/// varchar indexes with text's class, as in PostgreSQL.
pub(crate) fn default_opclass(ty: &DataType) -> u32 {
    let input = match ty {
        DataType::Array(_) => 2277,
        DataType::Varchar(_) => 25,
        DataType::Reg(_) => 26,
        ty => ty.oid(),
    };
    CLASSES
        .iter()
        .find(|c| c.4 && c.2 == input)
        .map_or(0, |c| c.0)
}
