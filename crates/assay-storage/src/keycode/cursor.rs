//! A read position in an encoded key that undoes descending inversion.

use crate::{corrupt, Result};

/// Reads bytes of a key, XOR-ing each with `mask`: 0x00 inside an ascending
/// column, 0xFF inside a descending one (and flipped again inside the
/// inverted payload of a negative numeric).
pub(super) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    mask: u8,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(buf: &'a [u8], pos: usize) -> Cursor<'a> {
        Cursor { buf, pos, mask: 0 }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// Switches between reading as stored and reading inverted.
    pub(super) fn invert(&mut self) {
        self.mask ^= 0xFF;
    }

    /// The next byte, un-inverted.
    pub(super) fn byte(&mut self) -> Result<u8> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b ^ self.mask)
            }
            None => Err(self.truncated()),
        }
    }

    /// Fills `out` with the next `out.len()` bytes, un-inverted.
    pub(super) fn fill(&mut self, out: &mut [u8]) -> Result<()> {
        let end = self.pos + out.len();
        let src = self
            .buf
            .get(self.pos..end)
            .ok_or_else(|| self.truncated())?;
        for (o, s) in out.iter_mut().zip(src) {
            *o = s ^ self.mask;
        }
        self.pos = end;
        Ok(())
    }

    /// Appends to `out`, un-inverted, every byte before the next one that
    /// reads as `stop`, and leaves the cursor on that byte.
    pub(super) fn copy_until(&mut self, stop: u8, out: &mut Vec<u8>) -> Result<()> {
        let rest = &self.buf[self.pos..];
        let raw_stop = stop ^ self.mask;
        let len = rest
            .iter()
            .position(|&b| b == raw_stop)
            .ok_or_else(|| corrupt!("index key ends inside a string at byte {}", self.buf.len()))?;
        out.extend(rest[..len].iter().map(|b| b ^ self.mask));
        self.pos += len;
        Ok(())
    }

    fn truncated(&self) -> crate::Error {
        corrupt!("index key ends inside a value at byte {}", self.buf.len())
    }
}
