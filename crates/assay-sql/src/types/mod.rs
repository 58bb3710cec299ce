//! SQL types and values with PostgreSQL's semantics: text I/O, casts, operators.

mod array;
mod binary;
mod cast;
mod compare;
mod datatype;
pub mod datetime;
mod json;
mod numeric;
mod ops;
mod scalar;
mod settings;
mod text_io;
mod value;

pub use cast::{assign, can_coerce_implicitly, cast, cast_context, common_type, CastContext};
pub use compare::{compare, compare_bpchar, values_equal};
pub use datatype::{DataType, NumericTypmod, TypeCategory};
pub use numeric::Numeric;
pub use ops::{binary_op, negate, BinaryOp};
pub use settings::{ByteaOutput, DateOrder, IntervalStyle, Settings};
pub use text_io::{format_value, parse_value};
pub use value::{Array, ArrayDim, Interval, Value};
