//! sqlparser data types → [`TypeName`], with PostgreSQL's keyword types
//! mapped to their internal names as PostgreSQL's grammar does.

use assay_storage::{err, Result, SqlState};
use sqlparser::ast::{
    ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, IntervalFields, TimezoneInfo,
};

use super::source::unsupported;
use super::Tr;
use crate::ast::TypeName;

fn named(name: &str, modifiers: Vec<i64>) -> TypeName {
    let mut t = TypeName::simple(name);
    t.modifiers = modifiers;
    t
}

fn opt(n: &Option<u64>) -> Vec<i64> {
    n.iter().map(|&n| n as i64).collect()
}

fn exact(info: &ExactNumberInfo) -> Vec<i64> {
    match info {
        ExactNumberInfo::None => vec![],
        ExactNumberInfo::Precision(p) => vec![*p as i64],
        ExactNumberInfo::PrecisionAndScale(p, s) => vec![*p as i64, *s],
    }
}

fn char_len(len: &Option<CharacterLength>) -> Result<Vec<i64>> {
    match len {
        None => Ok(vec![]),
        Some(CharacterLength::IntegerLength { length, unit: None }) => Ok(vec![*length as i64]),
        Some(_) => Err(unsupported("this character length")),
    }
}

impl Tr<'_> {
    pub fn type_name(&self, dt: &DataType) -> Result<TypeName> {
        use DataType as D;
        Ok(match dt {
            D::Array(ArrayElemTypeDef::SquareBracket(inner, bound)) => {
                let mut t = self.type_name(inner)?;
                t.array_bounds.push(bound.map(|b| b as i64));
                t
            }
            D::SmallInt(None) | D::Int2(None) => named("int2", vec![]),
            D::Int(None) | D::Integer(None) | D::Int4(None) => named("int4", vec![]),
            D::BigInt(None) | D::Int8(None) => named("int8", vec![]),
            D::Real | D::Float4 => named("float4", vec![]),
            D::DoublePrecision | D::Float8 | D::Double(ExactNumberInfo::None) => {
                named("float8", vec![])
            }
            D::Float(info) => match exact(info).as_slice() {
                [] => named("float8", vec![]),
                [p] if (1..=24).contains(p) => named("float4", vec![]),
                [p] if (25..=53).contains(p) => named("float8", vec![]),
                [p] if *p < 1 => {
                    return Err(err!(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "precision for type float must be at least 1 bit"
                    ))
                }
                _ => {
                    return Err(err!(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "precision for type float must be less than 54 bits"
                    ))
                }
            },
            D::Numeric(info) | D::Decimal(info) | D::Dec(info) => named("numeric", exact(info)),
            D::Bool | D::Boolean => named("bool", vec![]),
            D::Character(len) | D::Char(len) => {
                // Bare `char` is `char(1)`.
                let m = char_len(len)?;
                named("bpchar", if m.is_empty() { vec![1] } else { m })
            }
            D::CharacterVarying(len) | D::CharVarying(len) | D::Varchar(len) => {
                named("varchar", char_len(len)?)
            }
            D::Text => named("text", vec![]),
            D::Bytea => named("bytea", vec![]),
            D::Uuid => named("uuid", vec![]),
            D::JSON => named("json", vec![]),
            D::JSONB => named("jsonb", vec![]),
            D::Date => named("date", vec![]),
            D::Time(p, tz) => match tz {
                TimezoneInfo::None | TimezoneInfo::WithoutTimeZone => named("time", opt(p)),
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => named("timetz", opt(p)),
            },
            D::Timestamp(p, tz) => match tz {
                TimezoneInfo::None | TimezoneInfo::WithoutTimeZone => named("timestamp", opt(p)),
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => named("timestamptz", opt(p)),
            },
            D::Interval { fields, precision } => {
                let mut t = named("interval", opt(precision));
                t.interval_fields = fields.as_ref().map(interval_fields);
                t
            }
            D::Bit(len) => named("bit", if len.is_none() { vec![1] } else { opt(len) }),
            D::BitVarying(len) | D::VarBit(len) => named("varbit", opt(len)),
            D::Regclass => named("regclass", vec![]),
            D::TsVector => named("tsvector", vec![]),
            D::TsQuery => named("tsquery", vec![]),
            D::Custom(name, mods) => {
                let mut t = TypeName::simple("");
                t.names = self.src.relation_name(name)?.0;
                for m in mods {
                    let n = m.trim().parse::<i64>().map_err(|_| {
                        err!(
                            SqlState::SYNTAX_ERROR,
                            "type modifiers must be simple constants or identifiers"
                        )
                    })?;
                    t.modifiers.push(n);
                }
                t
            }
            // Names sqlparser knows from other dialects are ordinary names
            // in PostgreSQL (e.g. `int16` or `string` as a user type).
            other => {
                let written = other.to_string().to_ascii_lowercase();
                if written
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    named(&written, vec![])
                } else {
                    return Err(unsupported(format!("type {other}")));
                }
            }
        })
    }
}

fn interval_fields(f: &IntervalFields) -> String {
    f.to_string().to_ascii_lowercase()
}
