//! Values on the wire: the text format (the type's output and input
//! functions) and the binary format (`typsend`/`typreceive`) for the types
//! drivers send and ask for most.

use assay_sql::types::{format_value, parse_value, DataType, Interval, Settings, Value};
use assay_storage::{err, Result, SqlState};
use bytes::{BufMut, BytesMut};

/// Format code of the text format.
pub(crate) const TEXT: i16 = 0;
/// Format code of the binary format.
pub(crate) const BINARY: i16 = 1;

/// `pg_type.typlen`: the fixed size of a type's values, -1 for varlena.
pub(crate) fn typlen(ty: &DataType) -> i16 {
    match ty {
        DataType::Bool => 1,
        DataType::Int2 => 2,
        DataType::Int4 | DataType::Float4 | DataType::Date | DataType::Oid | DataType::Reg(_) => 4,
        DataType::Char => 1,
        DataType::Name => 64,
        DataType::Int8
        | DataType::Float8
        | DataType::Time(_)
        | DataType::Timestamp(_)
        | DataType::TimestampTz(_) => 8,
        DataType::Interval(_) | DataType::Uuid => 16,
        DataType::Unknown => -2,
        _ => -1,
    }
}

/// Whether values of `ty` can be sent and received in binary.
pub(crate) fn has_binary(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Bool
            | DataType::Int2
            | DataType::Int4
            | DataType::Int8
            | DataType::Float4
            | DataType::Float8
            | DataType::Text
            | DataType::Varchar(_)
            | DataType::Bpchar(_)
            | DataType::Unknown
            | DataType::Bytea
            | DataType::Date
            | DataType::Time(_)
            | DataType::Timestamp(_)
            | DataType::TimestampTz(_)
            | DataType::Interval(_)
            | DataType::Uuid
            | DataType::Json
            | DataType::Oid
            | DataType::Reg(_)
            | DataType::Name
            | DataType::Char
    )
}

/// A value as its binary form needs it: an OID (held as int8) goes out as
/// four bytes. A `reg*` value already presented as its name stays text.
pub(crate) fn binary_form<'a>(value: &'a Value, ty: &DataType) -> std::borrow::Cow<'a, Value> {
    match (value, ty) {
        (Value::Int8(v), DataType::Oid | DataType::Reg(_)) => {
            std::borrow::Cow::Owned(Value::Int4(*v as u32 as i32))
        }
        _ => std::borrow::Cow::Borrowed(value),
    }
}

/// The error for a binary format the server cannot produce or read.
pub(crate) fn no_binary(ty: &DataType) -> assay_storage::Error {
    err!(
        SqlState::FEATURE_NOT_SUPPORTED,
        "binary format for type {} is not supported yet",
        ty.typname()
    )
}

/// Appends a value as a DataRow field: its length (-1 for NULL) and bytes.
pub(crate) fn put_field(
    out: &mut BytesMut,
    value: &Value,
    format: i16,
    settings: &Settings,
) -> Result<()> {
    if value.is_null() {
        out.put_i32(-1);
        return Ok(());
    }
    let at = out.len();
    out.put_i32(0);
    if format == BINARY {
        put_binary(out, value)?;
    } else if let Some(text) = format_value(value, settings) {
        out.put_slice(text.as_bytes());
    }
    let len = i32::try_from(out.len() - at - 4)
        .map_err(|_| err!(SqlState::PROGRAM_LIMIT_EXCEEDED, "value too large to send"))?;
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

fn put_binary(out: &mut BytesMut, value: &Value) -> Result<()> {
    match value {
        Value::Bool(b) => out.put_u8(u8::from(*b)),
        Value::Int2(v) => out.put_i16(*v),
        Value::Int4(v) => out.put_i32(*v),
        Value::Int8(v) => out.put_i64(*v),
        Value::Float4(v) => out.put_f32(*v),
        Value::Float8(v) => out.put_f64(*v),
        Value::Text(s) | Value::Json(s) => out.put_slice(s.as_bytes()),
        Value::Bytea(b) => out.put_slice(b),
        Value::Date(d) => out.put_i32(*d),
        Value::Time(t) | Value::Timestamp(t) | Value::TimestampTz(t) => out.put_i64(*t),
        Value::Interval(i) => {
            out.put_i64(i.micros);
            out.put_i32(i.days);
            out.put_i32(i.months);
        }
        Value::Uuid(u) => out.put_slice(u),
        other => {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "binary format for this value ({}) is not supported yet",
                kind_name(other)
            ))
        }
    }
    Ok(())
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Numeric(_) => "numeric",
        Value::Jsonb(_) => "jsonb",
        Value::Array(_) => "array",
        _ => "value",
    }
}

/// Reads a Bind parameter sent in `format` as a value of `ty`.
pub(crate) fn read_param(
    bytes: Option<&[u8]>,
    format: i16,
    ty: &DataType,
    settings: &Settings,
) -> Result<Value> {
    let Some(bytes) = bytes else {
        return Ok(Value::Null);
    };
    if format == TEXT {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            err!(
                SqlState::new(b"22021"),
                "invalid byte sequence for encoding \"UTF8\""
            )
        })?;
        return match ty {
            // An untyped parameter is text until the binder says otherwise.
            DataType::Unknown => Ok(Value::Text(text.into())),
            ty => parse_value(text, ty, settings),
        };
    }
    if format != BINARY {
        return Err(err!(
            SqlState::PROTOCOL_VIOLATION,
            "unsupported format code: {format}"
        ));
    }
    read_binary(bytes, ty)
}

fn read_binary(bytes: &[u8], ty: &DataType) -> Result<Value> {
    let wrong = || {
        err!(
            SqlState::new(b"22P03"),
            "incorrect binary data format in bind parameter"
        )
    };
    fn fixed<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
        bytes.try_into().ok()
    }
    let value = match ty {
        DataType::Bool => match bytes {
            [b] => Value::Bool(*b != 0),
            _ => return Err(wrong()),
        },
        DataType::Int2 => Value::Int2(i16::from_be_bytes(fixed(bytes).ok_or_else(wrong)?)),
        DataType::Int4 => Value::Int4(i32::from_be_bytes(fixed(bytes).ok_or_else(wrong)?)),
        DataType::Int8 => Value::Int8(i64::from_be_bytes(fixed(bytes).ok_or_else(wrong)?)),
        DataType::Oid | DataType::Reg(_) => Value::Int8(i64::from(u32::from_be_bytes(
            fixed(bytes).ok_or_else(wrong)?,
        ))),
        DataType::Float4 => Value::Float4(f32::from_be_bytes(fixed(bytes).ok_or_else(wrong)?)),
        DataType::Float8 => Value::Float8(f64::from_be_bytes(fixed(bytes).ok_or_else(wrong)?)),
        DataType::Date => Value::Date(i32::from_be_bytes(fixed(bytes).ok_or_else(wrong)?)),
        DataType::Time(_) => Value::Time(i64::from_be_bytes(fixed(bytes).ok_or_else(wrong)?)),
        DataType::Timestamp(_) => {
            Value::Timestamp(i64::from_be_bytes(fixed(bytes).ok_or_else(wrong)?))
        }
        DataType::TimestampTz(_) => {
            Value::TimestampTz(i64::from_be_bytes(fixed(bytes).ok_or_else(wrong)?))
        }
        DataType::Interval(_) => {
            let raw: [u8; 16] = fixed(bytes).ok_or_else(wrong)?;
            let mut micros = [0; 8];
            micros.copy_from_slice(&raw[..8]);
            let mut days = [0; 4];
            days.copy_from_slice(&raw[8..12]);
            let mut months = [0; 4];
            months.copy_from_slice(&raw[12..]);
            Value::Interval(Interval {
                months: i32::from_be_bytes(months),
                days: i32::from_be_bytes(days),
                micros: i64::from_be_bytes(micros),
            })
        }
        DataType::Uuid => Value::Uuid(fixed(bytes).ok_or_else(wrong)?),
        DataType::Bytea => Value::Bytea(bytes.into()),
        DataType::Text
        | DataType::Varchar(_)
        | DataType::Bpchar(_)
        | DataType::Name
        | DataType::Char
        | DataType::Unknown => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                err!(
                    SqlState::new(b"22021"),
                    "invalid byte sequence for encoding \"UTF8\""
                )
            })?;
            Value::Text(text.into())
        }
        DataType::Json => {
            let text = std::str::from_utf8(bytes).map_err(|_| wrong())?;
            Value::Json(text.into())
        }
        other => return Err(no_binary(other)),
    };
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(value: Value, ty: DataType) {
        let mut out = BytesMut::new();
        put_field(&mut out, &value, BINARY, &Settings::default()).unwrap();
        let len = i32::from_be_bytes(out[..4].try_into().unwrap()) as usize;
        assert_eq!(len, out.len() - 4);
        let back = read_param(Some(&out[4..]), BINARY, &ty, &Settings::default()).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn binary_roundtrips() {
        roundtrip(Value::Bool(true), DataType::Bool);
        roundtrip(Value::Int2(-7), DataType::Int2);
        roundtrip(Value::Int4(1 << 20), DataType::Int4);
        roundtrip(Value::Int8(-1 << 40), DataType::Int8);
        roundtrip(Value::Float8(2.5), DataType::Float8);
        roundtrip(Value::Text("héllo".into()), DataType::Text);
        roundtrip(Value::Bytea(vec![0u8, 255, 1].into()), DataType::Bytea);
        roundtrip(Value::Date(-3), DataType::Date);
        roundtrip(
            Value::Interval(Interval {
                months: 1,
                days: 2,
                micros: 3,
            }),
            DataType::Interval(None),
        );
    }

    #[test]
    fn text_and_null() {
        let s = Settings::default();
        let mut out = BytesMut::new();
        put_field(&mut out, &Value::Null, TEXT, &s).unwrap();
        assert_eq!(&out[..], &(-1i32).to_be_bytes());
        let v = read_param(Some(b"42"), TEXT, &DataType::Int4, &s).unwrap();
        assert_eq!(v, Value::Int4(42));
        let bad = read_param(Some(b"x"), TEXT, &DataType::Int4, &s).unwrap_err();
        assert_eq!(bad.code().as_str(), "22P02");
        let short = read_param(Some(b"\0\0"), BINARY, &DataType::Int4, &s).unwrap_err();
        assert_eq!(short.code().as_str(), "22P03");
        assert_eq!(
            read_param(None, TEXT, &DataType::Int4, &s).unwrap(),
            Value::Null
        );
    }
}
