//! The write-ahead log: a file of page frames appended at every commit.
//!
//! A commit writes each page it changed as a *frame* (a 32-byte frame header
//! and the page image) at the end of the WAL; the last frame of a commit
//! carries a commit marker, the database size in pages. Frame numbers are
//! global: a WAL file starts at the frame after the last one checkpointed
//! (its header says which), so the number of a frame never repeats in the
//! life of a database. It is the *replication index* that replicas and
//! clients reason about.
//!
//! Each frame's checksum chains over the previous one's, starting from the
//! WAL header's checksum (which covers a salt new for every header), and
//! each page image carries its own seal, so a reader accepts frames only up
//! to the first damaged, torn or stale one, and a transaction only up to its
//! commit frame.
//!
//! - [`format`]: byte layouts of the WAL header and frame header.
//! - [`WalReader`]: walks and validates frames; recovery and replicas use it.
//! - [`WalIndex`]: the in-memory map from page to the frames holding it.

pub mod format;
mod index;
mod reader;

pub use format::{FrameHeader, WalHeader, FRAME_HEADER_SIZE, WAL_HEADER_SIZE};
pub use index::WalIndex;
pub use reader::{Frame, WalReader, WalScan};

/// A global frame number (the replication index). Frame 0 never exists:
/// "no frame" and "the state before any commit" are both 0.
pub type FrameNo = u64;
