//! SQL data types: OIDs, `format_type` names, and type names as SQL writes them.

use std::fmt;

use assay_storage::{bail, err, Result, SqlState};

/// The declared precision and scale of a `numeric(p,s)` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NumericTypmod {
    pub precision: u16,
    pub scale: i16,
}

/// The declared fields and seconds precision of an `interval` column, as
/// PostgreSQL encodes them in the typmod: `(range << 16) | precision`, where
/// range is a mask of [`interval_field`] bits ([`INTERVAL_FULL_RANGE`] for
/// all) and precision 0..=6 or [`INTERVAL_FULL_PRECISION`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntervalTypmod {
    pub range: u16,
    pub precision: u16,
}

/// PostgreSQL's bits for interval fields (`DTK_M(…)` of datetime.h).
pub mod interval_field {
    pub const MONTH: u16 = 1 << 1;
    pub const YEAR: u16 = 1 << 2;
    pub const DAY: u16 = 1 << 3;
    pub const HOUR: u16 = 1 << 10;
    pub const MINUTE: u16 = 1 << 11;
    pub const SECOND: u16 = 1 << 12;
}
pub const INTERVAL_FULL_RANGE: u16 = 0x7FFF;
pub const INTERVAL_FULL_PRECISION: u16 = 0xFFFF;

impl IntervalTypmod {
    /// The field restriction as `format_type` prints it (`" year to month"`).
    pub fn fields_text(&self) -> &'static str {
        use interval_field::*;
        match self.range {
            YEAR => " year",
            MONTH => " month",
            DAY => " day",
            HOUR => " hour",
            MINUTE => " minute",
            SECOND => " second",
            r if r == YEAR | MONTH => " year to month",
            r if r == DAY | HOUR => " day to hour",
            r if r == DAY | HOUR | MINUTE => " day to minute",
            r if r == DAY | HOUR | MINUTE | SECOND => " day to second",
            r if r == HOUR | MINUTE => " hour to minute",
            r if r == HOUR | MINUTE | SECOND => " hour to second",
            r if r == MINUTE | SECOND => " minute to second",
            _ => "",
        }
    }

    pub fn typmod(&self) -> i32 {
        (i32::from(self.range) << 16) | i32::from(self.precision)
    }
}

/// Largest fractional-seconds precision of time, timestamp and interval.
pub const MAX_TIME_PRECISION: i64 = 6;

/// Largest precision PostgreSQL accepts in `numeric(p,s)`.
pub const NUMERIC_MAX_PRECISION: u16 = 1000;
/// Largest length accepted in `varchar(n)` and `char(n)`.
pub const MAX_CHAR_LENGTH: u32 = 10_485_760;

/// A SQL data type, with the type modifier (length, precision) it was
/// declared with, if any.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric(Option<NumericTypmod>),
    Text,
    /// `character varying(n)`; `None` is unbounded.
    Varchar(Option<u32>),
    /// `character(n)`, blank-padded; `None` is the unbounded `bpchar`.
    Bpchar(Option<u32>),
    Bytea,
    Date,
    /// `time(p)`; `None` keeps all six fractional digits.
    Time(Option<u8>),
    Timestamp(Option<u8>),
    TimestampTz(Option<u8>),
    Interval(Option<IntervalTypmod>),
    Uuid,
    Json,
    Jsonb,
    /// `bit(n)`: exactly n bits; `None` (a `B'…'` literal) any length.
    Bit(Option<u32>),
    /// `bit varying(n)`: at most n bits; `None` is unbounded.
    VarBit(Option<u32>),
    /// An array of the element type (any number of dimensions).
    Array(Box<DataType>),
    /// The type of an untyped string literal before the binder resolves it.
    Unknown,
    /// `oid`: an object identifier, unsigned 32 bits (held as `Value::Int8`).
    Oid,
    /// An OID alias type (`regclass`, `regtype`, …): an OID (held as
    /// `Value::Int8`) that reads and prints as the object's name.
    Reg(RegKind),
    /// `name`: a catalog identifier (held as `Value::Text`).
    Name,
    /// `"char"`: a single byte, as in `pg_class.relkind` (`Value::Text`).
    Char,
    /// `int2vector` (`pg_index.indkey`): an `int2[]` whose subscripts start
    /// at 0, printed as its elements separated by spaces (`Value::Array`).
    Int2Vector,
    /// `oidvector` (`pg_proc.proargtypes`): the same over `oid`.
    OidVector,
    /// A row type: `Some` with its fields (a composite type, a `ROW(…)`),
    /// `None` for the `record` pseudo-type of unknown fields.
    Record(Option<std::sync::Arc<super::record::RecordType>>),
}

/// Which catalog an OID alias type names objects of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegKind {
    Class,
    Type,
    Proc,
    Procedure,
    Namespace,
    Role,
}

impl RegKind {
    pub fn name(self) -> &'static str {
        match self {
            RegKind::Class => "regclass",
            RegKind::Type => "regtype",
            RegKind::Proc => "regproc",
            RegKind::Procedure => "regprocedure",
            RegKind::Namespace => "regnamespace",
            RegKind::Role => "regrole",
        }
    }
}

/// PostgreSQL's type categories (`pg_type.typcategory`), used by operator
/// and UNION type resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeCategory {
    Array,
    Boolean,
    BitString,
    DateTime,
    Numeric,
    String,
    Timespan,
    User,
    Composite,
    Unknown,
}

impl TypeCategory {
    /// The one-letter code of `pg_type.typcategory`.
    pub fn code(self) -> char {
        match self {
            TypeCategory::Array => 'A',
            TypeCategory::Boolean => 'B',
            TypeCategory::BitString => 'V',
            TypeCategory::DateTime => 'D',
            TypeCategory::Numeric => 'N',
            TypeCategory::String => 'S',
            TypeCategory::Timespan => 'T',
            TypeCategory::User => 'U',
            TypeCategory::Composite => 'C',
            TypeCategory::Unknown => 'X',
        }
    }
}

/// (type, oid, array oid, pg_type.typname) for every scalar type.
const SCALARS: &[(DataType, u32, u32, &str)] = &[
    (DataType::Bool, 16, 1000, "bool"),
    (DataType::Bytea, 17, 1001, "bytea"),
    (DataType::Char, 18, 1002, "char"),
    (DataType::Name, 19, 1003, "name"),
    (DataType::Int2Vector, 22, 1006, "int2vector"),
    (DataType::Int8, 20, 1016, "int8"),
    (DataType::Int2, 21, 1005, "int2"),
    (DataType::Int4, 23, 1007, "int4"),
    (DataType::Reg(RegKind::Proc), 24, 1008, "regproc"),
    (DataType::Text, 25, 1009, "text"),
    (DataType::Oid, 26, 1028, "oid"),
    (DataType::OidVector, 30, 1013, "oidvector"),
    (DataType::Json, 114, 199, "json"),
    (DataType::Float4, 700, 1021, "float4"),
    (DataType::Float8, 701, 1022, "float8"),
    (DataType::Unknown, 705, 0, "unknown"),
    (DataType::Bpchar(None), 1042, 1014, "bpchar"),
    (DataType::Varchar(None), 1043, 1015, "varchar"),
    (DataType::Date, 1082, 1182, "date"),
    (DataType::Time(None), 1083, 1183, "time"),
    (DataType::Timestamp(None), 1114, 1115, "timestamp"),
    (DataType::TimestampTz(None), 1184, 1185, "timestamptz"),
    (DataType::Interval(None), 1186, 1187, "interval"),
    (DataType::Numeric(None), 1700, 1231, "numeric"),
    (DataType::Bit(None), 1560, 1561, "bit"),
    (DataType::VarBit(None), 1562, 1563, "varbit"),
    (
        DataType::Reg(RegKind::Procedure),
        2202,
        2207,
        "regprocedure",
    ),
    (DataType::Reg(RegKind::Class), 2205, 2210, "regclass"),
    (DataType::Reg(RegKind::Type), 2206, 2211, "regtype"),
    (DataType::Uuid, 2950, 2951, "uuid"),
    (DataType::Jsonb, 3802, 3807, "jsonb"),
    (
        DataType::Reg(RegKind::Namespace),
        4089,
        4090,
        "regnamespace",
    ),
    (DataType::Reg(RegKind::Role), 4096, 4097, "regrole"),
];

impl DataType {
    /// Whether the type carries a modifier (`varchar(10)`, `numeric(8,2)`,
    /// an array of such): what [`DataType::without_typmod`] would strip.
    pub fn has_typmod(&self) -> bool {
        match self {
            DataType::Numeric(m) => m.is_some(),
            DataType::Varchar(m) | DataType::Bpchar(m) | DataType::Bit(m) | DataType::VarBit(m) => {
                m.is_some()
            }
            DataType::Time(m) | DataType::Timestamp(m) | DataType::TimestampTz(m) => m.is_some(),
            DataType::Interval(m) => m.is_some(),
            DataType::Array(e) => e.has_typmod(),
            _ => false,
        }
    }

    /// The type without its modifier: `varchar(10)` → `varchar`.
    pub fn without_typmod(&self) -> DataType {
        match self {
            DataType::Numeric(_) => DataType::Numeric(None),
            DataType::Varchar(_) => DataType::Varchar(None),
            DataType::Bpchar(_) => DataType::Bpchar(None),
            DataType::Bit(_) => DataType::Bit(None),
            DataType::VarBit(_) => DataType::VarBit(None),
            DataType::Time(_) => DataType::Time(None),
            DataType::Timestamp(_) => DataType::Timestamp(None),
            DataType::TimestampTz(_) => DataType::TimestampTz(None),
            DataType::Interval(_) => DataType::Interval(None),
            DataType::Array(e) => DataType::Array(Box::new(e.without_typmod())),
            t => t.clone(),
        }
    }

    /// Every built-in scalar type (without modifiers), for `pg_type`.
    pub fn builtin_types() -> impl Iterator<Item = DataType> {
        SCALARS.iter().map(|r| r.0.clone())
    }

    fn scalar_row(&self) -> Option<&'static (DataType, u32, u32, &'static str)> {
        let base = self.without_typmod();
        SCALARS.iter().find(|row| row.0 == base)
    }

    /// PostgreSQL's OID of the type (`pg_type.oid`).
    pub fn oid(&self) -> u32 {
        match self {
            DataType::Record(Some(t)) => t.oid,
            DataType::Record(None) => super::record::RECORD_OID,
            DataType::Array(elem) => elem.array_oid(),
            t => t.scalar_row().map_or(0, |r| r.1),
        }
    }

    /// The OID of the array type whose elements are this type (0 if none).
    pub fn array_oid(&self) -> u32 {
        match self {
            // Arrays of arrays are the same array type.
            DataType::Array(elem) => elem.array_oid(),
            DataType::Record(t)
                if t.as_ref()
                    .is_none_or(|t| t.oid == super::record::RECORD_OID) =>
            {
                super::record::RECORD_ARRAY_OID
            }
            t => t.scalar_row().map_or(0, |r| r.2),
        }
    }

    /// The type with this OID, without a type modifier.
    pub fn from_oid(oid: u32) -> Option<DataType> {
        SCALARS.iter().find_map(|(t, o, a, _)| {
            if *o == oid {
                Some(t.clone())
            } else if *a == oid && *a != 0 {
                Some(DataType::Array(Box::new(t.clone())))
            } else {
                None
            }
        })
    }

    /// `pg_type.typname`: `int4`, `_int4`, `varchar`, …
    pub fn typname(&self) -> String {
        match self {
            DataType::Array(elem) => format!("_{}", elem.typname()),
            DataType::Record(Some(t)) if t.name.is_some() => {
                let name = t.name.as_deref().unwrap_or_default();
                name.rsplit('.')
                    .next()
                    .unwrap_or(name)
                    .trim_matches('"')
                    .to_string()
            }
            DataType::Record(_) => "record".to_string(),
            t => t.scalar_row().map_or("unknown", |r| r.3).to_string(),
        }
    }

    /// The PostgreSQL type modifier (`atttypmod`), -1 when there is none.
    pub fn typmod(&self) -> i32 {
        match self {
            DataType::Numeric(Some(m)) => {
                ((i32::from(m.precision) << 16) | (i32::from(m.scale) & 0x7ff)) + 4
            }
            DataType::Varchar(Some(n)) | DataType::Bpchar(Some(n)) => *n as i32 + 4,
            DataType::Bit(Some(n)) | DataType::VarBit(Some(n)) => *n as i32,
            DataType::Time(Some(p))
            | DataType::Timestamp(Some(p))
            | DataType::TimestampTz(Some(p)) => i32::from(*p),
            DataType::Interval(Some(m)) => m.typmod(),
            DataType::Array(elem) => elem.typmod(),
            _ => -1,
        }
    }

    /// The element type of an array type.
    pub fn element(&self) -> Option<&DataType> {
        match self {
            DataType::Array(e) => Some(e),
            DataType::Int2Vector => Some(&DataType::Int2),
            DataType::OidVector => Some(&DataType::Oid),
            _ => None,
        }
    }

    pub fn category(&self) -> TypeCategory {
        use DataType::*;
        match self {
            Bool => TypeCategory::Boolean,
            Int2 | Int4 | Int8 | Float4 | Float8 | Numeric(_) | Oid | Reg(_) => {
                TypeCategory::Numeric
            }
            Text | Varchar(_) | Bpchar(_) | Name | Char => TypeCategory::String,
            Date | Time(_) | Timestamp(_) | TimestampTz(_) => TypeCategory::DateTime,
            Interval(_) => TypeCategory::Timespan,
            Bytea | Uuid | Json | Jsonb => TypeCategory::User,
            Bit(_) | VarBit(_) => TypeCategory::BitString,
            Array(_) | Int2Vector | OidVector => TypeCategory::Array,
            Record(_) => TypeCategory::Composite,
            Unknown => TypeCategory::Unknown,
        }
    }

    /// Whether the type is the preferred one of its category
    /// (`pg_type.typispreferred`).
    pub fn is_preferred(&self) -> bool {
        matches!(
            self,
            DataType::Bool
                | DataType::Text
                | DataType::Float8
                | DataType::TimestampTz(_)
                | DataType::Interval(_)
                | DataType::VarBit(_)
        )
    }

    /// Parses a type name as SQL writes it: `int`, `varchar(10)`,
    /// `double precision`, `timestamp with time zone`, `text[]`, `int array`.
    pub fn parse(name: &str) -> Result<DataType> {
        let lowered = name.trim().to_ascii_lowercase();
        let mut s = lowered.as_str();
        let mut dims = 0;
        loop {
            let t = s.trim_end();
            if let Some(rest) = t.strip_suffix(']') {
                let Some(open) = rest.rfind('[') else { break };
                let inner = rest[open + 1..].trim();
                if !inner.is_empty() && !inner.bytes().all(|b| b.is_ascii_digit()) {
                    break;
                }
                s = &rest[..open];
                dims += 1;
            } else if let Some(rest) = t.strip_suffix(" array") {
                s = rest;
                dims += 1;
            } else {
                break;
            }
        }
        let mut ty = parse_scalar(s.trim(), name)?;
        if dims > 0 {
            // PostgreSQL ignores the number of dimensions and their sizes.
            ty = DataType::Array(Box::new(ty));
        }
        Ok(ty)
    }
}

fn undefined(name: &str) -> assay_storage::Error {
    err!(
        SqlState::UNDEFINED_OBJECT,
        "type \"{}\" does not exist",
        name.trim()
    )
}

/// Splits `varchar ( 10 )` into `varchar` and `[10]`.
fn split_modifiers(s: &str, original: &str) -> Result<(String, Vec<i64>)> {
    let Some(open) = s.find('(') else {
        return Ok((normalize_spaces(s), Vec::new()));
    };
    let close = s.rfind(')').ok_or_else(|| undefined(original))?;
    if close < open {
        return Err(undefined(original));
    }
    let head = &s[..open];
    let tail = s[close + 1..].trim();
    let mut args = Vec::new();
    for part in s[open + 1..close].split(',') {
        let v: i64 = part.trim().parse().map_err(|_| {
            err!(
                SqlState::SYNTAX_ERROR,
                "syntax error at or near \"{}\"",
                part.trim()
            )
        })?;
        args.push(v);
    }
    // `time(3) with time zone` puts words after the modifier.
    let mut name = normalize_spaces(head);
    if !tail.is_empty() {
        name.push(' ');
        name.push_str(&normalize_spaces(tail));
    }
    Ok((name, args))
}

fn normalize_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn char_length(args: &[i64], what: &str) -> Result<u32> {
    match args {
        [n] if *n >= 1 && *n <= i64::from(MAX_CHAR_LENGTH) => Ok(*n as u32),
        [n] if *n < 1 => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "length for type {} must be at least 1",
            what
        ),
        [_] => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "length for type {} cannot exceed {}",
            what,
            MAX_CHAR_LENGTH
        ),
        _ => bail!(SqlState::INVALID_PARAMETER_VALUE, "invalid type modifier"),
    }
}

/// How the catalog writes a composite type down (`#composite:16390`):
/// [`DataType::parse`] reads it back as a bare record type of that OID,
/// which the catalog completes once every type is loaded.
pub const COMPOSITE_MARKER: &str = "#composite:";

fn parse_scalar(s: &str, original: &str) -> Result<DataType> {
    if let Some(oid) = s.strip_prefix(COMPOSITE_MARKER) {
        let oid: u32 = oid.trim().parse().map_err(|_| undefined(original))?;
        return Ok(DataType::Record(Some(std::sync::Arc::new(
            super::record::RecordType::bare(oid),
        ))));
    }
    let (name, args) = split_modifiers(s, original)?;
    let no_args = |t: DataType| -> Result<DataType> {
        if args.is_empty() {
            Ok(t)
        } else {
            bail!(
                SqlState::SYNTAX_ERROR,
                "type modifier is not allowed for type \"{}\"",
                name
            )
        }
    };
    Ok(match name.as_str() {
        "bool" | "boolean" => no_args(DataType::Bool)?,
        "record" => no_args(DataType::Record(None))?,
        "int2" | "smallint" => no_args(DataType::Int2)?,
        "int" | "int4" | "integer" => no_args(DataType::Int4)?,
        "int8" | "bigint" => no_args(DataType::Int8)?,
        "int2vector" => no_args(DataType::Int2Vector)?,
        "oidvector" => no_args(DataType::OidVector)?,
        "float4" | "real" => no_args(DataType::Float4)?,
        "float8" | "double precision" => no_args(DataType::Float8)?,
        "float" => match args.as_slice() {
            [] => DataType::Float8,
            [p] if (1..=24).contains(p) => DataType::Float4,
            [p] if (25..=53).contains(p) => DataType::Float8,
            [p] if *p < 1 => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "precision for type float must be at least 1 bit"
            ),
            _ => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "precision for type float must be less than 54 bits"
            ),
        },
        "numeric" | "decimal" | "dec" => DataType::Numeric(numeric_typmod(&args)?),
        "text" => no_args(DataType::Text)?,
        "varchar" | "character varying" | "char varying" => match args.as_slice() {
            [] => DataType::Varchar(None),
            a => DataType::Varchar(Some(char_length(a, "varchar")?)),
        },
        "char" | "character" => match args.as_slice() {
            [] => DataType::Bpchar(Some(1)),
            a => DataType::Bpchar(Some(char_length(a, "char")?)),
        },
        "bpchar" => match args.as_slice() {
            [] => DataType::Bpchar(None),
            a => DataType::Bpchar(Some(char_length(a, "char")?)),
        },
        "bytea" => no_args(DataType::Bytea)?,
        "date" => no_args(DataType::Date)?,
        "time" | "time without time zone" => DataType::Time(time_precision(&args, "time")?),
        "timestamp" | "timestamp without time zone" => {
            DataType::Timestamp(time_precision(&args, "timestamp")?)
        }
        "timestamptz" | "timestamp with time zone" => {
            DataType::TimestampTz(time_precision(&args, "timestamp with time zone")?)
        }
        n if n == "interval" || n.starts_with("interval ") => {
            DataType::Interval(interval_typmod(n["interval".len()..].trim(), &args)?)
        }
        "uuid" => no_args(DataType::Uuid)?,
        "bit" => match args.as_slice() {
            [] => DataType::Bit(Some(1)),
            a => DataType::Bit(Some(super::bit::bit_length_modifier(a, "bit")?)),
        },
        "varbit" | "bit varying" => match args.as_slice() {
            [] => DataType::VarBit(None),
            a => DataType::VarBit(Some(super::bit::bit_length_modifier(a, "varbit")?)),
        },
        "json" => no_args(DataType::Json)?,
        "jsonb" => no_args(DataType::Jsonb)?,
        "unknown" => no_args(DataType::Unknown)?,
        "oid" => no_args(DataType::Oid)?,
        "name" => no_args(DataType::Name)?,
        "\"char\"" => no_args(DataType::Char)?,
        "regclass" => no_args(DataType::Reg(RegKind::Class))?,
        "regtype" => no_args(DataType::Reg(RegKind::Type))?,
        "regproc" => no_args(DataType::Reg(RegKind::Proc))?,
        "regprocedure" => no_args(DataType::Reg(RegKind::Procedure))?,
        "regnamespace" => no_args(DataType::Reg(RegKind::Namespace))?,
        "regrole" => no_args(DataType::Reg(RegKind::Role))?,
        _ => return Err(undefined(original)),
    })
}

/// The precision of `time(p)` and `timestamp(p)`: above 6 is reduced to 6
/// (PostgreSQL also warns), negative is an error.
fn time_precision(args: &[i64], what: &str) -> Result<Option<u8>> {
    match args {
        [] => Ok(None),
        [p] if *p < 0 => {
            let (name, suffix) = match what {
                "time" => ("TIME", ""),
                "timestamp" => ("TIMESTAMP", ""),
                _ => ("TIMESTAMP", " WITH TIME ZONE"),
            };
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "{}({}){} precision must not be negative",
                name,
                p,
                suffix
            )
        }
        [p] => Ok(Some((*p).min(MAX_TIME_PRECISION) as u8)),
        _ => bail!(SqlState::INVALID_PARAMETER_VALUE, "invalid type modifier"),
    }
}

/// The typmod of `interval [fields] [(p)]`.
fn interval_typmod(fields: &str, args: &[i64]) -> Result<Option<IntervalTypmod>> {
    use interval_field::*;
    let range = match fields {
        "" => INTERVAL_FULL_RANGE,
        "year" => YEAR,
        "month" => MONTH,
        "day" => DAY,
        "hour" => HOUR,
        "minute" => MINUTE,
        "second" => SECOND,
        "year to month" => YEAR | MONTH,
        "day to hour" => DAY | HOUR,
        "day to minute" => DAY | HOUR | MINUTE,
        "day to second" => DAY | HOUR | MINUTE | SECOND,
        "hour to minute" => HOUR | MINUTE,
        "hour to second" => HOUR | MINUTE | SECOND,
        "minute to second" => MINUTE | SECOND,
        _ => bail!(SqlState::SYNTAX_ERROR, "invalid INTERVAL type modifier"),
    };
    let precision = match args {
        [] => INTERVAL_FULL_PRECISION,
        [p] if *p < 0 => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "INTERVAL({}) precision must not be negative",
            p
        ),
        [p] => (*p).min(MAX_TIME_PRECISION) as u16,
        _ => bail!(SqlState::SYNTAX_ERROR, "invalid INTERVAL type modifier"),
    };
    if range == INTERVAL_FULL_RANGE && precision == INTERVAL_FULL_PRECISION {
        return Ok(None);
    }
    if precision != INTERVAL_FULL_PRECISION && range != INTERVAL_FULL_RANGE && range & SECOND == 0 {
        bail!(SqlState::SYNTAX_ERROR, "interval precision specified twice");
    }
    Ok(Some(IntervalTypmod { range, precision }))
}

fn numeric_typmod(args: &[i64]) -> Result<Option<NumericTypmod>> {
    let (p, s) = match args {
        [] => return Ok(None),
        [p] => (*p, 0),
        [p, s] => (*p, *s),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "invalid NUMERIC type modifier"
        ),
    };
    if p < 1 || p > i64::from(NUMERIC_MAX_PRECISION) {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "NUMERIC precision {} must be between 1 and {}",
            p,
            NUMERIC_MAX_PRECISION
        );
    }
    if !(-1000..=1000).contains(&s) {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "NUMERIC scale {} must be between -1000 and 1000",
            s
        );
    }
    Ok(Some(NumericTypmod {
        precision: p as u16,
        scale: s as i16,
    }))
}

fn precision_text(p: Option<u8>) -> String {
    p.map(|p| format!("({p})")).unwrap_or_default()
}

impl fmt::Display for DataType {
    /// Formats the type as `format_type(oid, typmod)` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Bool => f.write_str("boolean"),
            DataType::Int2Vector => f.write_str("int2vector"),
            DataType::OidVector => f.write_str("oidvector"),
            DataType::Int2 => f.write_str("smallint"),
            DataType::Int4 => f.write_str("integer"),
            DataType::Int8 => f.write_str("bigint"),
            DataType::Float4 => f.write_str("real"),
            DataType::Float8 => f.write_str("double precision"),
            DataType::Numeric(None) => f.write_str("numeric"),
            DataType::Numeric(Some(m)) => write!(f, "numeric({},{})", m.precision, m.scale),
            DataType::Text => f.write_str("text"),
            DataType::Varchar(None) => f.write_str("character varying"),
            DataType::Varchar(Some(n)) => write!(f, "character varying({n})"),
            DataType::Bpchar(None) => f.write_str("bpchar"),
            DataType::Bpchar(Some(n)) => write!(f, "character({n})"),
            DataType::Bytea => f.write_str("bytea"),
            DataType::Date => f.write_str("date"),
            DataType::Time(p) => write!(f, "time{} without time zone", precision_text(*p)),
            DataType::Timestamp(p) => {
                write!(f, "timestamp{} without time zone", precision_text(*p))
            }
            DataType::TimestampTz(p) => {
                write!(f, "timestamp{} with time zone", precision_text(*p))
            }
            DataType::Interval(None) => f.write_str("interval"),
            DataType::Interval(Some(m)) => {
                f.write_str("interval")?;
                f.write_str(m.fields_text())?;
                if m.precision != INTERVAL_FULL_PRECISION {
                    write!(f, "({})", m.precision)?;
                }
                Ok(())
            }
            DataType::Uuid => f.write_str("uuid"),
            DataType::Bit(None) => f.write_str("bit"),
            DataType::Bit(Some(n)) => write!(f, "bit({n})"),
            DataType::VarBit(None) => f.write_str("bit varying"),
            DataType::VarBit(Some(n)) => write!(f, "bit varying({n})"),
            DataType::Json => f.write_str("json"),
            DataType::Jsonb => f.write_str("jsonb"),
            DataType::Array(elem) => write!(f, "{elem}[]"),
            DataType::Unknown => f.write_str("unknown"),
            DataType::Oid => f.write_str("oid"),
            DataType::Reg(k) => f.write_str(k.name()),
            DataType::Name => f.write_str("name"),
            DataType::Char => f.write_str("\"char\""),
            DataType::Record(Some(t)) if t.is_bare() => {
                write!(f, "{}{}", COMPOSITE_MARKER, t.oid)
            }
            DataType::Record(t) => f.write_str(
                t.as_ref()
                    .and_then(|t| t.name.as_deref())
                    .unwrap_or("record"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_match_pg_type() {
        assert_eq!(DataType::Int4.oid(), 23);
        assert_eq!(DataType::Array(Box::new(DataType::Int4)).oid(), 1007);
        assert_eq!(DataType::Varchar(Some(10)).oid(), 1043);
        assert_eq!(DataType::Json.array_oid(), 199);
        assert_eq!(
            DataType::from_oid(1185),
            Some(DataType::Array(Box::new(DataType::TimestampTz(None))))
        );
        assert_eq!(DataType::from_oid(705), Some(DataType::Unknown));
        assert_eq!(DataType::from_oid(1), None);
        assert_eq!(DataType::Array(Box::new(DataType::Int4)).typname(), "_int4");
    }

    // Expected names from `SELECT format_type(...)` / `::regtype` on PostgreSQL 15.
    #[test]
    fn parses_and_formats_type_names() {
        let cases = [
            ("int", "integer"),
            ("INT4", "integer"),
            ("int2", "smallint"),
            ("bigint", "bigint"),
            ("real", "real"),
            ("float", "double precision"),
            ("float(10)", "real"),
            ("double  precision", "double precision"),
            ("numeric", "numeric"),
            ("decimal(10, 2)", "numeric(10,2)"),
            ("numeric(5)", "numeric(5,0)"),
            ("varchar(10)", "character varying(10)"),
            ("character varying", "character varying"),
            ("char", "character(1)"),
            ("char(5)", "character(5)"),
            ("bpchar", "bpchar"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp", "timestamp without time zone"),
            ("time", "time without time zone"),
            ("time(2)", "time(2) without time zone"),
            ("timestamp(0) with time zone", "timestamp(0) with time zone"),
            ("interval", "interval"),
            ("interval year to month", "interval year to month"),
            ("interval(3)", "interval(3)"),
            ("interval day to second(2)", "interval day to second(2)"),
            ("text[]", "text[]"),
            ("int[][]", "integer[]"),
            ("integer[3]", "integer[]"),
            ("varchar(3) array", "character varying(3)[]"),
            ("boolean", "boolean"),
            ("jsonb", "jsonb"),
        ];
        for (input, want) in cases {
            let t = DataType::parse(input).unwrap();
            assert_eq!(t.to_string(), want, "{input}");
            assert_eq!(DataType::parse(want).unwrap(), t, "{want}");
        }
    }

    #[test]
    fn rejects_bad_type_names() {
        let e = DataType::parse("foo").unwrap_err();
        assert_eq!(e.message(), "type \"foo\" does not exist");
        assert_eq!(e.code(), SqlState::UNDEFINED_OBJECT);
        let e = DataType::parse("numeric(0)").unwrap_err();
        assert_eq!(
            e.message(),
            "NUMERIC precision 0 must be between 1 and 1000"
        );
        let e = DataType::parse("varchar(0)").unwrap_err();
        assert_eq!(e.message(), "length for type varchar must be at least 1");
        assert!(DataType::parse("int(").is_err());
    }

    #[test]
    fn typmods() {
        assert_eq!(DataType::parse("varchar(10)").unwrap().typmod(), 14);
        assert_eq!(DataType::parse("numeric(10,2)").unwrap().typmod(), 655366);
        assert_eq!(DataType::Int4.typmod(), -1);
    }
}
