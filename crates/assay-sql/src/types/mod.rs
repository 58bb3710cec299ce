//! SQL types and values with PostgreSQL's semantics: text I/O, casts, operators.

pub(crate) mod array;
pub(crate) mod binary;
pub(crate) mod bit;
mod cast;
mod compare;
pub(crate) mod datatype;
pub mod datetime;
pub(crate) mod json;
pub(crate) mod json_parse;
mod numeric;
pub mod oid;
mod ops;
pub(crate) mod record;
pub(crate) mod scalar;
pub mod send_recv;
mod settings;
mod text_io;
mod value;

pub use cast::{
    assign, can_coerce_implicitly, cast, cast_context, common_type, fits_length, CastContext,
};
pub use compare::{compare, compare_bpchar, values_equal};
pub use datatype::{DataType, IntervalTypmod, NumericTypmod, RegKind, TypeCategory};
pub(crate) use numeric::pow10 as numeric_pow10;
pub use numeric::Numeric;
pub use ops::{binary_op, negate, BinaryOp};
pub use record::{Record, RecordField, RecordType};
pub use settings::{parse_date_style, ByteaOutput, DateOrder, DateStyle, IntervalStyle, Settings};
pub use text_io::{format_typed, format_value, parse_value};
pub use value::{Array, ArrayDim, Interval, Value};
