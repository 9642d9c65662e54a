//! The untyped interface between the engine and one registered subtree.
//!
//! Typed handlers ([`ScalarSource`](super::ScalarSource),
//! [`TableSource`](super::TableSource)) are adapted to it by the engine; it is public so
//! that an unusual subtree (a proxy, a MIB computed on the fly) can be served raw.

use std::any::Any;

use smic_smi::{Oid, Value};

use super::ErrorStatus;

/// What a committed SET binding needs to be undone: whatever the instrument saved
/// (usually the old value or row).
pub type Undo = Box<dyn Any + Send>;

/// The instrumentation of one OID subtree.
///
/// Implementations are shared by every worker, so they take `&self` and keep their
/// state behind locks or atomics. The engine serializes SET requests, so between
/// [`Instrument::check_set`] and [`Instrument::commit_set`] no other SET runs.
pub trait Instrument: Send + Sync {
    /// The value of one instance under the subtree, or [`Value::NoSuchObject`] /
    /// [`Value::NoSuchInstance`].
    fn get(&self, oid: &Oid) -> Value;

    /// The first instance under the subtree that is lexicographically greater than
    /// `after` (which may lie before, inside or after the subtree), with its value.
    fn next(&self, after: &Oid) -> Option<(Oid, Value)>;

    /// Phase one of a SET: whether `value` could be written to `oid`. Nothing changes.
    fn check_set(&self, _oid: &Oid, _value: &Value) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::NotWritable)
    }

    /// Phase two: writes a binding [`Instrument::check_set`] accepted, returning what
    /// [`Instrument::undo_set`] needs to revert it.
    fn commit_set(&self, _oid: &Oid, _value: &Value) -> Result<Undo, ErrorStatus> {
        Err(ErrorStatus::CommitFailed)
    }

    /// Reverts a committed binding after a later one failed.
    fn undo_set(&self, _oid: &Oid, _undo: Undo) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::UndoFailed)
    }
}
