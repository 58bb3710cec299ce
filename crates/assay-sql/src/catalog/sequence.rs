//! Sequences: options with PostgreSQL's defaults and checks, and the
//! `nextval`/`currval`/`setval`/`lastval` semantics over `sys.sequences`.
//!
//! State bytes in `sys.sequences` under the OID (u32 BE): `last_value` i64
//! LE, then `is_called` u8.
//!
//! As in PostgreSQL, `nextval` and `setval` are not undone by a rollback: a
//! value handed out is never handed out again, even if the transaction
//! that took it rolls back. The state is written in the caller's
//! transaction (which takes the write lock, so no one else advances the
//! sequence meanwhile), and the session remembers what its transaction
//! advanced ([`SequenceSession::advanced`]); after a rollback — of the
//! transaction or to a savepoint — the session writes those states again
//! ([`reapply`]), unless someone else moved the sequence in between. Only a
//! crash before the next commit forgets values a rolled-back transaction
//! took, as none of them can then be stored anywhere.

use assay_storage::{bail, corrupt, err, BTree, Result, SqlState, Transaction};
use rustc_hash::FxHashMap;

use super::model::{Oid, Sequence};
use crate::types::DataType;

pub(super) const SEQUENCE_TREE: &[u8] = b"sys.sequences";

/// The options of CREATE/ALTER SEQUENCE; `None` keeps the default (or, for
/// ALTER, the current value).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SequenceOptions {
    pub ty: Option<DataType>,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    /// `Some(None)` is `NO MINVALUE`.
    pub min: Option<Option<i64>>,
    pub max: Option<Option<i64>>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
    pub owned_by: Option<Option<(Oid, usize)>>,
    /// ALTER SEQUENCE … RESTART [WITH n]: `Some(None)` restarts at START.
    pub restart: Option<Option<i64>>,
}

fn type_range(ty: &DataType) -> Result<(i64, i64)> {
    Ok(match ty {
        DataType::Int2 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        DataType::Int4 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        DataType::Int8 => (i64::MIN, i64::MAX),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "sequence type must be smallint, integer, or bigint"
        ),
    })
}

/// Applies `o` over `base` (a new sequence's defaults when `None`) and
/// checks the result as PostgreSQL's `init_params` does.
pub(super) fn apply_options(
    base: Option<&Sequence>,
    o: &SequenceOptions,
    seq: &mut Sequence,
) -> Result<()> {
    let ty =
        o.ty.clone()
            .unwrap_or_else(|| base.map_or(DataType::Int8, |b| b.ty.clone()));
    let (tmin, tmax) = type_range(&ty)?;
    let increment = o.increment.unwrap_or(base.map_or(1, |b| b.increment));
    if increment == 0 {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "INCREMENT must not be zero"
        );
    }
    let ascending = increment > 0;
    let max = match o.max {
        Some(Some(v)) => v,
        Some(None) => {
            if ascending {
                tmax
            } else {
                -1
            }
        }
        // A bound that was its old type's limit follows a new type's
        // limit (PostgreSQL's ALTER SEQUENCE … AS).
        None => base.map_or(if ascending { tmax } else { -1 }, |b| {
            match type_range(&b.ty) {
                Ok((_, old_max)) if b.ty != ty && b.max == old_max => tmax,
                _ => b.max,
            }
        }),
    };
    let min = match o.min {
        Some(Some(v)) => v,
        Some(None) => {
            if ascending {
                1
            } else {
                tmin
            }
        }
        None => base.map_or(if ascending { 1 } else { tmin }, |b| {
            match type_range(&b.ty) {
                Ok((old_min, _)) if b.ty != ty && b.min == old_min => tmin,
                _ => b.min,
            }
        }),
    };
    if max < tmin || max > tmax {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "MAXVALUE ({max}) is out of range for sequence data type {ty}"
        );
    }
    if min < tmin || min > tmax {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "MINVALUE ({min}) is out of range for sequence data type {ty}"
        );
    }
    if min >= max {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "MINVALUE ({min}) must be less than MAXVALUE ({max})"
        );
    }
    let start = o
        .start
        .unwrap_or_else(|| base.map_or(if ascending { min } else { max }, |b| b.start));
    if start < min {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "START value ({start}) cannot be less than MINVALUE ({min})"
        );
    }
    if start > max {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "START value ({start}) cannot be greater than MAXVALUE ({max})"
        );
    }
    if let Some(Some(restart)) = o.restart {
        if restart < min {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "RESTART value ({restart}) cannot be less than MINVALUE ({min})"
            );
        }
        if restart > max {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "RESTART value ({restart}) cannot be greater than MAXVALUE ({max})"
            );
        }
    }
    let cache = o.cache.unwrap_or(base.map_or(1, |b| b.cache));
    if cache < 1 {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "CACHE ({cache}) must be greater than zero"
        );
    }
    seq.ty = ty;
    seq.increment = increment;
    seq.min = min;
    seq.max = max;
    seq.start = start;
    seq.cache = cache;
    seq.cycle = o.cycle.unwrap_or(base.is_some_and(|b| b.cycle));
    if let Some(owned) = o.owned_by {
        seq.owned_by = owned;
    }
    Ok(())
}

fn state_key(oid: Oid) -> [u8; 4] {
    oid.to_be_bytes()
}

/// Writes a sequence's state (creating the tree if needed).
pub(super) fn write_state(txn: &mut Transaction, oid: Oid, last: i64, called: bool) -> Result<()> {
    let tree = match txn.open_tree(SEQUENCE_TREE)? {
        Some(t) => t,
        None => txn.create_tree(SEQUENCE_TREE)?,
    };
    let mut v = [0u8; 9];
    v[..8].copy_from_slice(&last.to_le_bytes());
    v[8] = called as u8;
    tree.insert(txn, &state_key(oid), &v)?;
    Ok(())
}

pub(super) fn delete_state(txn: &mut Transaction, oid: Oid) -> Result<()> {
    if let Some(t) = txn.open_tree(SEQUENCE_TREE)? {
        t.delete(txn, &state_key(oid))?;
    }
    Ok(())
}

fn read_state(txn: &Transaction, seq: &Sequence) -> Result<(i64, bool)> {
    let Some(tree) = txn.open_tree(SEQUENCE_TREE)? else {
        return Err(corrupt!("sequence \"{}\" has no state", seq.name));
    };
    let v = BTree::get_with(&tree, txn, &state_key(seq.oid), decode_state)?;
    match v {
        Some(Some(state)) => Ok(state),
        Some(None) => Err(corrupt!("state of sequence \"{}\" is damaged", seq.name)),
        None => Err(corrupt!("sequence \"{}\" has no state", seq.name)),
    }
}

/// A stored state's bytes (see the module's docs); `None` if damaged.
fn decode_state(v: &[u8]) -> Option<State> {
    let b = <[u8; 9]>::try_from(v).ok()?;
    let last = i64::from_le_bytes(b[..8].try_into().ok()?);
    Some((last, b[8] != 0))
}

/// A sequence's stored state: `last_value` and `is_called`.
type State = (i64, bool);

/// What a transaction did to a sequence: its OID, its state before the
/// transaction's first change and after its last.
pub type SequenceAdvance = (Oid, State, State);

/// Writes again, in `txn`, the states a rolled-back transaction gave
/// sequences (see the module's docs). With `only_if_unchanged` (after a
/// whole transaction rolled back), only where the stored state is still the
/// one it had before that transaction changed it (`before`): someone else
/// may have moved it since. After a rollback to a savepoint, every one.
/// A sequence that no longer exists (or never committed) is skipped.
pub fn reapply(
    txn: &mut Transaction,
    advanced: &[SequenceAdvance],
    only_if_unchanged: bool,
) -> Result<()> {
    let Some(tree) = txn.open_tree(SEQUENCE_TREE)? else {
        return Ok(());
    };
    for &(oid, before, after) in advanced {
        let stored = tree.get_with(txn, &state_key(oid), decode_state)?;
        match stored.flatten() {
            Some(now) if !only_if_unchanged || now == before => {
                write_state(txn, oid, after.0, after.1)?
            }
            _ => {}
        }
    }
    Ok(())
}

/// A session's `currval` values and the sequence `lastval` reads.
#[derive(Clone, Debug, Default)]
pub struct SequenceSession {
    current: FxHashMap<Oid, i64>,
    last: Option<Oid>,
    /// What `nextval` and `setval` changed in the open transaction: each
    /// sequence's state before the first change and after the last.
    advanced: FxHashMap<Oid, (State, State)>,
}

impl SequenceSession {
    pub fn new() -> SequenceSession {
        SequenceSession::default()
    }

    /// Advances `seq` and returns its new value.
    pub fn nextval(&mut self, txn: &mut Transaction, seq: &Sequence) -> Result<i64> {
        let (last, called) = read_state(txn, seq)?;
        let next = if !called {
            last
        } else {
            match last.checked_add(seq.increment) {
                Some(n) if n >= seq.min && n <= seq.max => n,
                _ if seq.cycle => {
                    if seq.increment > 0 {
                        seq.min
                    } else {
                        seq.max
                    }
                }
                _ => {
                    let (which, bound) = if seq.increment > 0 {
                        ("maximum", seq.max)
                    } else {
                        ("minimum", seq.min)
                    };
                    bail!(
                        SqlState::SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
                        "nextval: reached {which} value of sequence \"{}\" ({bound})",
                        seq.name
                    );
                }
            }
        };
        write_state(txn, seq.oid, next, true)?;
        self.note_change(seq.oid, (last, called), (next, true));
        self.current.insert(seq.oid, next);
        self.last = Some(seq.oid);
        Ok(next)
    }

    fn note_change(&mut self, oid: Oid, before: State, after: State) {
        self.advanced.entry(oid).or_insert((before, after)).1 = after;
    }

    /// The transaction ended: a committed one stored what it advanced.
    /// Returns, for a rolled-back one, the states to write again.
    pub fn end_transaction(&mut self, committed: bool) -> Vec<SequenceAdvance> {
        let advanced = std::mem::take(&mut self.advanced);
        if committed {
            return Vec::new();
        }
        advanced
            .into_iter()
            .map(|(oid, (before, after))| (oid, before, after))
            .collect()
    }

    /// The states to write again after a rollback to a savepoint (the
    /// transaction goes on, so they stay noted).
    pub fn advanced(&self) -> Vec<SequenceAdvance> {
        self.advanced
            .iter()
            .map(|(&oid, &(before, after))| (oid, before, after))
            .collect()
    }

    /// The value `nextval` last returned for `seq` in this session.
    pub fn currval(&self, seq: &Sequence) -> Result<i64> {
        self.current.get(&seq.oid).copied().ok_or_else(|| {
            err!(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                "currval of sequence \"{}\" is not yet defined in this session",
                seq.name
            )
        })
    }

    /// The value of the last `nextval` of this session, any sequence.
    pub fn lastval(&self) -> Result<i64> {
        self.last
            .and_then(|o| self.current.get(&o).copied())
            .ok_or_else(|| {
                err!(
                    SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "lastval is not yet defined in this session"
                )
            })
    }

    /// `setval(seq, value, is_called)`; returns `value`.
    pub fn setval(
        &mut self,
        txn: &mut Transaction,
        seq: &Sequence,
        value: i64,
        is_called: bool,
    ) -> Result<i64> {
        if value < seq.min || value > seq.max {
            bail!(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "setval: value {value} is out of bounds for sequence \"{}\" ({}..{})",
                seq.name,
                seq.min,
                seq.max
            );
        }
        let before = read_state(txn, seq)?;
        write_state(txn, seq.oid, value, is_called)?;
        self.note_change(seq.oid, before, (value, is_called));
        if is_called {
            self.current.insert(seq.oid, value);
            self.last = Some(seq.oid);
        }
        Ok(value)
    }

    /// Forgets a dropped sequence.
    pub fn forget(&mut self, oid: Oid) {
        self.current.remove(&oid);
    }
}
