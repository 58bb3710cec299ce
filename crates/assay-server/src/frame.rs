//! Cutting the byte stream into whole messages before anything decodes
//! them, so a bad length never reaches a decoder.
//!
//! The startup packet is `length:i32` then its body (the length counts
//! itself); every later message is `type:u8`, `length:i32`, body.

use assay_storage::{err, Error, SqlState};
use bytes::BytesMut;

/// PostgreSQL's limit on a startup packet.
const MAX_STARTUP_LEN: usize = 10_000;
/// PostgreSQL's limit on any other message (1 GiB - 1).
const MAX_MESSAGE_LEN: usize = 0x3fff_ffff;

/// The first startup packet in `buf`, if it has arrived whole.
pub(crate) fn startup_packet(buf: &mut BytesMut) -> Result<Option<BytesMut>, Error> {
    let Some(len) = read_len(buf, 0) else {
        return Ok(None);
    };
    if !(8..=MAX_STARTUP_LEN).contains(&len) {
        return Err(err!(
            SqlState::PROTOCOL_VIOLATION,
            "invalid length of startup packet"
        ));
    }
    Ok((buf.len() >= len).then(|| buf.split_to(len)))
}

/// Every whole message at the front of `buf`.
pub(crate) fn messages(buf: &mut BytesMut) -> Result<Vec<BytesMut>, Error> {
    let mut out = Vec::new();
    while let Some(len) = read_len(buf, 1) {
        if !(4..=MAX_MESSAGE_LEN).contains(&len) {
            return Err(err!(
                SqlState::PROTOCOL_VIOLATION,
                "invalid message length {len}"
            ));
        }
        if buf.len() < len + 1 {
            break;
        }
        out.push(buf.split_to(len + 1));
    }
    Ok(out)
}

/// The first whole message in `buf`, if it has arrived.
pub(crate) fn next_message(buf: &mut BytesMut) -> Result<Option<BytesMut>, Error> {
    let Some(len) = read_len(buf, 1) else {
        return Ok(None);
    };
    if !(4..=MAX_MESSAGE_LEN).contains(&len) {
        return Err(err!(
            SqlState::PROTOCOL_VIOLATION,
            "invalid message length {len}"
        ));
    }
    Ok((buf.len() > len).then(|| buf.split_to(len + 1)))
}

fn read_len(buf: &[u8], at: usize) -> Option<usize> {
    let bytes: [u8; 4] = buf.get(at..at + 4)?.try_into().ok()?;
    // A negative length reads as a huge one and fails the range check.
    Some(u32::from_be_bytes(bytes) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_whole_messages() {
        let mut buf = BytesMut::from(&b"Q\0\0\0\x06x\0S\0\0\0\x04H\0\0"[..]);
        let frames = messages(&mut buf).unwrap();
        assert_eq!(frames.len(), 2);
        assert_eq!(&frames[1][..], b"S\0\0\0\x04");
        assert_eq!(&buf[..], b"H\0\0");
    }

    #[test]
    fn one_message_at_a_time() {
        let mut buf = BytesMut::from(&b"p\0\0\0\x05xp\0\0"[..]);
        let first = next_message(&mut buf).unwrap().unwrap();
        assert_eq!(&first[..], b"p\0\0\0\x05x");
        assert!(next_message(&mut buf).unwrap().is_none());
        assert_eq!(&buf[..], b"p\0\0");
        let mut buf = BytesMut::from(&b"p\0\0\0\x03"[..]);
        assert!(next_message(&mut buf).is_err());
    }

    #[test]
    fn rejects_bad_lengths() {
        let mut buf = BytesMut::from(&b"Q\0\0\0\x02"[..]);
        assert!(messages(&mut buf).is_err());
        let mut buf = BytesMut::from(&b"Q\xff\xff\xff\xff"[..]);
        assert!(messages(&mut buf).is_err());
        let mut buf = BytesMut::from(&b"\0\0\0\x03"[..]);
        assert!(startup_packet(&mut buf).is_err());
        let mut buf = BytesMut::from(&b"\0\0\0\x08\0\x03"[..]);
        assert!(startup_packet(&mut buf).unwrap().is_none());
    }
}
