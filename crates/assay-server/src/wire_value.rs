//! Values on the wire: the text format (the type's output and input
//! functions) and the binary format (`typsend`/`typreceive`, shared with
//! COPY BINARY in [`assay_sql::types::send_recv`]) of every type.

use assay_sql::types::send_recv::{recv, send_as};
use assay_sql::types::{format_typed, parse_value, DataType, Settings, Value};
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

/// Appends a value as a DataRow field: its length (-1 for NULL) and bytes.
pub(crate) fn put_field(
    out: &mut BytesMut,
    value: &Value,
    ty: &DataType,
    format: i16,
    settings: &Settings,
    scratch: &mut Vec<u8>,
) -> Result<()> {
    if value.is_null() {
        out.put_i32(-1);
        return Ok(());
    }
    let at = out.len();
    out.put_i32(0);
    if format == BINARY {
        scratch.clear();
        send_as(value, ty, scratch)?;
        out.put_slice(scratch);
    } else if let Some(text) = format_typed(value, ty, settings) {
        out.put_slice(text.as_bytes());
    }
    let len = i32::try_from(out.len() - at - 4)
        .map_err(|_| err!(SqlState::PROGRAM_LIMIT_EXCEEDED, "value too large to send"))?;
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
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
            // An untyped parameter is text until the binder says otherwise;
            // an object name (`regclass`) is looked up by the session.
            DataType::Unknown | DataType::Reg(_) => Ok(Value::Text(text.into())),
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
    match ty {
        // An untyped parameter sent in binary is taken as its bytes' text.
        DataType::Unknown => recv(bytes, &DataType::Text),
        ty => recv(bytes, ty),
    }
    .map_err(|e| match e.code().as_str() {
        "22P03" => err!(
            SqlState::new(b"22P03"),
            "incorrect binary data format in bind parameter"
        ),
        _ => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(value: Value, ty: DataType) {
        let mut out = BytesMut::new();
        put_field(
            &mut out,
            &value,
            &ty,
            BINARY,
            &Settings::default(),
            &mut Vec::new(),
        )
        .unwrap();
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
            Value::numeric(assay_sql::types::Numeric::parse("-12345.678900").unwrap()),
            DataType::Numeric(None),
        );
        let jsonb = assay_sql::types::parse_value(
            r#"{"a": [1, null]}"#,
            &DataType::Jsonb,
            &Settings::default(),
        )
        .unwrap();
        roundtrip(jsonb, DataType::Jsonb);
        let array = assay_sql::types::parse_value(
            "{{a,NULL},{c,d}}",
            &DataType::Array(Box::new(DataType::Varchar(None))),
            &Settings::default(),
        )
        .unwrap();
        roundtrip(array, DataType::Array(Box::new(DataType::Varchar(None))));
        roundtrip(
            Value::Interval(assay_sql::types::Interval {
                months: 1,
                days: 2,
                micros: 3,
            }),
            DataType::Interval(None),
        );
    }

    #[test]
    fn arrays_name_their_column_element_type() {
        let empty = Value::Array(std::sync::Arc::new(assay_sql::types::Array::empty()));
        let mut out = BytesMut::new();
        let ty = DataType::Array(Box::new(DataType::Int8));
        put_field(
            &mut out,
            &empty,
            &ty,
            BINARY,
            &Settings::default(),
            &mut Vec::new(),
        )
        .unwrap();
        // length, ndim 0, no nulls, element OID 20
        assert_eq!(&out[4..], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20]);
    }

    #[test]
    fn text_and_null() {
        let s = Settings::default();
        let mut out = BytesMut::new();
        put_field(
            &mut out,
            &Value::Null,
            &DataType::Int4,
            TEXT,
            &s,
            &mut Vec::new(),
        )
        .unwrap();
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
