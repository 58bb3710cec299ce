//! SQL types and values with PostgreSQL's semantics: text I/O, casts, operators.

mod datatype;
pub mod datetime;
mod binary;
mod numeric;
mod scalar;
mod settings;
mod value;

pub use datatype::{DataType, NumericTypmod, TypeCategory};
pub use numeric::Numeric;
pub use settings::{ByteaOutput, DateOrder, IntervalStyle, Settings};
pub use value::{Array, ArrayDim, Interval, Value};
