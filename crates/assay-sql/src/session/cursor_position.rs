//! Where a cursor stands, and how FETCH and MOVE move it.
//!
//! A cursor's position is `cur`: 0 before the first row, `k` on row `k`
//! (counting from 1), `n + 1` after the last of `n` rows — known only once
//! a read has run past the end. Every direction of FETCH/MOVE is reduced,
//! as PostgreSQL's `DoPortalRunFetch` does, to a few steps forward or
//! backward ([`Position::step`]) and rewinds, so that the rows returned,
//! the counts in the command tags and the errors of a cursor that cannot
//! scroll are PostgreSQL's. The rows themselves come from a [`RowSource`],
//! which reads them from the cursor's operators (or what it kept).

use assay_storage::{err, Error, Result, SqlState};

use crate::ast::FetchDirection;
use crate::exec::Row;

/// FETCH ALL: a count no cursor reaches.
const ALL: u64 = u64::MAX;

/// The rows of a cursor's result by number.
pub(super) trait RowSource {
    /// Rows `first..=last` (from 1) in order, fewer if the result ends
    /// before `last`: their count, and the rows themselves when `keep`.
    fn range(&mut self, first: u64, last: u64, keep: bool) -> Result<(u64, Vec<Row>)>;
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Position {
    cur: u64,
    /// The number of rows, once a read ran past the last.
    total: Option<u64>,
}

impl Position {
    /// After the last row.
    fn at_end(&self) -> bool {
        self.total.is_some_and(|n| self.cur > n)
    }

    /// On a row.
    pub(super) fn on_row(&self) -> bool {
        self.cur > 0 && !self.at_end()
    }

    /// The rows read so far, as PostgreSQL counts them (`portalPos`).
    pub(super) fn rows_before(&self) -> u64 {
        if self.at_end() {
            self.cur - 1
        } else {
            self.cur
        }
    }

    /// Runs one FETCH (`keep`) or MOVE (not `keep`): the count for the
    /// command tag and the rows fetched.
    pub(super) fn fetch(
        &mut self,
        source: &mut dyn RowSource,
        direction: &FetchDirection,
        keep: bool,
        scroll: bool,
    ) -> Result<(u64, Vec<Row>)> {
        let mut mover = Mover {
            pos: self,
            source,
            scroll,
        };
        mover.fetch(direction, keep)
    }
}

struct Mover<'a> {
    pos: &'a mut Position,
    source: &'a mut dyn RowSource,
    scroll: bool,
}

impl Mover<'_> {
    fn fetch(&mut self, direction: &FetchDirection, keep: bool) -> Result<(u64, Vec<Row>)> {
        let (mut forward, mut count) = match *direction {
            FetchDirection::Next => (true, 1),
            FetchDirection::Prior => (false, 1),
            FetchDirection::First => return self.absolute(1, keep),
            FetchDirection::Last => return self.absolute(-1, keep),
            FetchDirection::Absolute(n) => return self.absolute(n, keep),
            FetchDirection::Relative(n) if n > 0 => {
                if n > 1 {
                    self.step(true, n.unsigned_abs() - 1, false)?;
                }
                return self.step(true, 1, keep);
            }
            FetchDirection::Relative(n) if n < 0 => {
                if n < -1 {
                    self.step(false, n.unsigned_abs() - 1, false)?;
                }
                return self.step(false, 1, keep);
            }
            FetchDirection::Relative(_) => (true, 0),
            FetchDirection::Forward(n) => (n >= 0, n.unsigned_abs()),
            FetchDirection::Backward(n) => (n < 0, n.unsigned_abs()),
            FetchDirection::ForwardAll => (true, ALL),
            FetchDirection::BackwardAll => (false, ALL),
        };
        // A count of 0 re-fetches the current row, if there is one.
        if count == 0 {
            let on_row = self.pos.on_row();
            if !keep {
                return Ok((u64::from(on_row), Vec::new()));
            }
            if on_row {
                self.step(false, 1, false)?;
                count = 1;
                forward = true;
            }
        }
        if !forward && count == ALL && !keep {
            let mut moved = self.pos.rows_before();
            if moved > 0 && !self.pos.at_end() {
                moved -= 1;
            }
            self.rewind()?;
            return Ok((moved, Vec::new()));
        }
        self.step(forward, count, keep)
    }

    fn absolute(&mut self, n: i64, keep: bool) -> Result<(u64, Vec<Row>)> {
        if n > 0 {
            let count = n.unsigned_abs();
            let before = self.pos.rows_before();
            // Rewind when the target is nearer the start than here.
            if count - 1 <= before / 2 {
                self.rewind()?;
                if count > 1 {
                    self.step(true, count - 1, false)?;
                }
            } else {
                let pos = before + u64::from(self.pos.at_end());
                if count <= pos {
                    self.step(false, pos - count + 1, false)?;
                } else if count > pos + 1 {
                    self.step(true, count - pos - 1, false)?;
                }
            }
            self.step(true, 1, keep)
        } else if n < 0 {
            self.step(true, ALL, false)?;
            if n < -1 {
                self.step(false, n.unsigned_abs() - 1, false)?;
            }
            self.step(false, 1, keep)
        } else {
            self.rewind()?;
            self.step(true, 0, keep)
        }
    }

    /// Reads up to `count` rows forward or backward from the position.
    fn step(&mut self, forward: bool, count: u64, keep: bool) -> Result<(u64, Vec<Row>)> {
        let pos = &mut *self.pos;
        if forward {
            if pos.at_end() || count == 0 {
                return Ok((0, Vec::new()));
            }
            let last = pos.cur.saturating_add(count);
            let (got, rows) = self.source.range(pos.cur + 1, last, keep)?;
            if got < count {
                pos.total = Some(pos.cur + got);
                pos.cur += got + 1;
            } else {
                pos.cur = last;
            }
            return Ok((got, rows));
        }
        if !self.scroll {
            return Err(cannot_scroll());
        }
        if pos.cur == 0 || count == 0 {
            return Ok((0, Vec::new()));
        }
        // Every row before the position exists: only their values need
        // reading, and only when they are wanted.
        let last = pos.cur - 1;
        let first = pos.cur.saturating_sub(count).max(1);
        let got = last + 1 - first;
        let mut rows = if keep && got > 0 {
            self.source.range(first, last, true)?.1
        } else {
            Vec::new()
        };
        rows.reverse();
        pos.cur = if got < count { 0 } else { pos.cur - count };
        Ok((got, rows))
    }

    /// Back to before the first row; a cursor that cannot scroll may only
    /// "rewind" where it already is.
    fn rewind(&mut self) -> Result<()> {
        if self.pos.cur == 0 && !self.pos.at_end() {
            return Ok(());
        }
        if !self.scroll {
            return Err(cannot_scroll());
        }
        self.pos.cur = 0;
        Ok(())
    }
}

fn cannot_scroll() -> Error {
    err!(
        SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
        "cursor can only scan forward"
    )
    .with_hint("Declare it with SCROLL option to enable backward scan.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    /// Rows 1..=n held in memory, counting how many it was asked for.
    struct Numbers(u64);

    impl RowSource for Numbers {
        fn range(&mut self, first: u64, last: u64, keep: bool) -> Result<(u64, Vec<Row>)> {
            let last = last.min(self.0);
            if first > last {
                return Ok((0, Vec::new()));
            }
            let rows = if keep {
                (first..=last)
                    .map(|i| vec![Value::Int8(i as i64)])
                    .collect()
            } else {
                Vec::new()
            };
            Ok((last + 1 - first, rows))
        }
    }

    fn run(pos: &mut Position, d: FetchDirection, keep: bool) -> (u64, Vec<i64>) {
        let (n, rows) = pos.fetch(&mut Numbers(5), &d, keep, true).unwrap();
        let values = rows
            .iter()
            .map(|r| match r[0] {
                Value::Int8(v) => v,
                _ => unreachable!(),
            })
            .collect();
        (n, values)
    }

    #[test]
    fn fetches_move_as_postgres_does() {
        use FetchDirection::*;
        let mut p = Position::default();
        assert_eq!(run(&mut p, Next, true), (1, vec![1]));
        assert_eq!(run(&mut p, Forward(2), true), (2, vec![2, 3]));
        assert_eq!(run(&mut p, Prior, true), (1, vec![2]));
        assert_eq!(run(&mut p, Relative(0), true), (1, vec![2]));
        assert_eq!(run(&mut p, Absolute(-1), true), (1, vec![5]));
        assert_eq!(run(&mut p, ForwardAll, true), (0, vec![]));
        assert_eq!(run(&mut p, BackwardAll, false), (5, vec![]));
        assert_eq!(run(&mut p, Last, true), (1, vec![5]));
        assert_eq!(run(&mut p, Backward(2), true), (2, vec![4, 3]));
        assert_eq!(run(&mut p, Absolute(0), true), (0, vec![]));
        assert_eq!(run(&mut p, Forward(100), false), (5, vec![]));
        assert_eq!(run(&mut p, Forward(-2), true), (2, vec![5, 4]));
        assert_eq!(run(&mut p, Absolute(100), false), (0, vec![]));
        assert_eq!(run(&mut p, Relative(-2), true), (1, vec![4]));
        assert_eq!(run(&mut p, Forward(0), false), (1, vec![]));
    }

    #[test]
    fn a_cursor_that_cannot_scroll_refuses_to_go_back() {
        let mut p = Position::default();
        let mut src = Numbers(5);
        let fwd = p
            .fetch(&mut src, &FetchDirection::Forward(2), true, false)
            .unwrap();
        assert_eq!(fwd.0, 2);
        for d in [
            FetchDirection::Prior,
            FetchDirection::Forward(0),
            FetchDirection::First,
        ] {
            let e = p.fetch(&mut src, &d, true, false).unwrap_err();
            assert_eq!(e.code().as_str(), "55000");
        }
        // Forward-only moves still work, ABSOLUTE included.
        let r = p
            .fetch(&mut src, &FetchDirection::Absolute(4), true, false)
            .unwrap();
        assert_eq!(r.0, 1);
        assert_eq!(p.cur, 4);
    }
}
