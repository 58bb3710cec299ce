//! Text input and output of `bytea` and `uuid`.

use assay_storage::{bail, err, Result, SqlState};

use super::settings::ByteaOutput;

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses `bytea` input: `\x` hex (whitespace allowed between byte pairs)
/// or the escape format (`\\`, `\ooo`, other bytes as they are).
pub fn parse_bytea(input: &str) -> Result<Vec<u8>> {
    let bytes = input.as_bytes();
    if let Some(hex) = bytes.strip_prefix(b"\\x") {
        let mut out = Vec::with_capacity(hex.len() / 2);
        let mut i = 0;
        while i < hex.len() {
            let c = hex[i];
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
                continue;
            }
            let hi = hex_value(c).ok_or_else(|| bad_hex_digit(input, i + 2))?;
            let Some(&c2) = hex.get(i + 1) else {
                bail!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid hexadecimal data: odd number of digits"
                );
            };
            let lo = hex_value(c2).ok_or_else(|| bad_hex_digit(input, i + 3))?;
            out.push(hi << 4 | lo);
            i += 2;
        }
        return Ok(out);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let syntax = || {
        err!(
            SqlState::INVALID_TEXT_REPRESENTATION,
            "invalid input syntax for type bytea"
        )
    };
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
        } else if bytes.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else {
            let oct = bytes.get(i + 1..i + 4).ok_or_else(syntax)?;
            let ok = (b'0'..=b'3').contains(&oct[0])
                && (b'0'..=b'7').contains(&oct[1])
                && (b'0'..=b'7').contains(&oct[2]);
            if !ok {
                return Err(syntax());
            }
            out.push((oct[0] - b'0') << 6 | (oct[1] - b'0') << 3 | (oct[2] - b'0'));
            i += 4;
        }
    }
    Ok(out)
}

fn bad_hex_digit(input: &str, at: usize) -> assay_storage::Error {
    let c = input
        .get(at..)
        .and_then(|s| s.chars().next())
        .unwrap_or('?');
    err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "invalid hexadecimal digit: \"{}\"",
        c
    )
}

/// Prints `bytea` as `bytea_output` asks: `\x0102ff` or escaped text.
pub fn format_bytea(bytes: &[u8], style: ByteaOutput) -> String {
    match style {
        ByteaOutput::Hex => {
            let mut out = String::with_capacity(2 + bytes.len() * 2);
            out.push_str("\\x");
            for b in bytes {
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
            out
        }
        ByteaOutput::Escape => {
            let mut out = String::with_capacity(bytes.len());
            for &b in bytes {
                match b {
                    b'\\' => out.push_str("\\\\"),
                    0x20..=0x7e => out.push(b as char),
                    _ => out.push_str(&format!("\\{b:03o}")),
                }
            }
            out
        }
    }
}

/// Parses a UUID: 32 hex digits, optionally in braces, with a hyphen
/// allowed after any group of four digits.
pub fn parse_uuid(input: &str) -> Result<[u8; 16]> {
    let syntax = || {
        err!(
            SqlState::INVALID_TEXT_REPRESENTATION,
            "invalid input syntax for type uuid: \"{}\"",
            input
        )
    };
    let mut s = input.as_bytes();
    if let Some(inner) = s.strip_prefix(b"{") {
        s = inner.strip_suffix(b"}").ok_or_else(syntax)?;
    }
    let mut out = [0u8; 16];
    let mut i = 0;
    for (n, byte) in out.iter_mut().enumerate() {
        let hi = s.get(i).copied().and_then(hex_value).ok_or_else(syntax)?;
        let lo = s
            .get(i + 1)
            .copied()
            .and_then(hex_value)
            .ok_or_else(syntax)?;
        *byte = hi << 4 | lo;
        i += 2;
        if n % 2 == 1 && n < 15 && s.get(i) == Some(&b'-') {
            i += 1;
        }
    }
    if i != s.len() {
        return Err(syntax());
    }
    Ok(out)
}

/// Prints a UUID in its standard lowercase 8-4-4-4-12 form.
pub fn format_uuid(u: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (n, b) in u.iter().enumerate() {
        if matches!(n, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings verified on PostgreSQL 15.
    #[test]
    fn bytea_text() {
        let hex = |s: &str| format_bytea(&parse_bytea(s).unwrap(), ByteaOutput::Hex);
        assert_eq!(hex("\\x0102ff"), "\\x0102ff");
        assert_eq!(hex("\\x01 02"), "\\x0102");
        assert_eq!(hex("abc\\\\d"), "\\x6162635c64");
        assert_eq!(hex("a\\001b"), "\\x610162");
        assert_eq!(hex(""), "\\x");
        let cases = [
            (
                "\\x012",
                "invalid hexadecimal data: odd number of digits",
                "22023",
            ),
            ("\\xzz", "invalid hexadecimal digit: \"z\"", "22023"),
            ("a\\9", "invalid input syntax for type bytea", "22P02"),
            ("a\\", "invalid input syntax for type bytea", "22P02"),
        ];
        for (input, msg, code) in cases {
            let e = parse_bytea(input).unwrap_err();
            assert_eq!((e.message(), e.code().as_str()), (msg, code), "{input}");
        }
        assert_eq!(
            format_bytea(b"a\\\x01\xff", ByteaOutput::Escape),
            "a\\\\\\001\\377"
        );
    }

    #[test]
    fn uuid_text() {
        let want = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        for input in [
            want,
            "{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        ] {
            assert_eq!(format_uuid(&parse_uuid(input).unwrap()), want);
        }
        for bad in [
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
            "",
            "{a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11-",
        ] {
            assert_eq!(
                parse_uuid(bad).unwrap_err().message(),
                format!("invalid input syntax for type uuid: \"{bad}\"")
            );
        }
    }
}
