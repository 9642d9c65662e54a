//! The untyped interface between the engine and one registered subtree.
//!
//! Typed handlers ([`ScalarSource`](super::ScalarSource),
//! [`TableSource`](super::TableSource)) are adapted to it by the engine; it is public so
//! that an unusual subtree (a proxy, a MIB computed on the fly) can be served raw.

use std::any::Any;

use smic_smi::{Oid, Value};

use crate::message::ErrorStatus;
use crate::message::VarBind;

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

    /// Phase one for the binding at position `at` (from 0) of a whole SET request.
    ///
    /// The engine calls this rather than [`Instrument::check_set`], so that an
    /// instrument whose bindings depend on each other can see them all: a table row
    /// created by a RowStatus binding together with its other columns. The request
    /// holds bindings for other subtrees too. The default checks the binding alone.
    fn check_binding(&self, request: &[VarBind], at: usize) -> Result<(), ErrorStatus> {
        let vb = request.get(at).ok_or(ErrorStatus::GenErr)?;
        self.check_set(&vb.oid, &vb.value)
    }

    /// Phase two for the binding at `at`, after every binding passed phase one; the
    /// counterpart of [`Instrument::check_binding`]. The default commits it alone.
    fn commit_binding(&self, request: &[VarBind], at: usize) -> Result<Undo, ErrorStatus> {
        let vb = request.get(at).ok_or(ErrorStatus::CommitFailed)?;
        self.commit_set(&vb.oid, &vb.value)
    }

    /// Reverts what [`Instrument::commit_binding`] did for the binding at `at`. The
    /// default undoes it alone.
    fn undo_binding(&self, request: &[VarBind], at: usize, undo: Undo) -> Result<(), ErrorStatus> {
        let vb = request.get(at).ok_or(ErrorStatus::UndoFailed)?;
        self.undo_set(&vb.oid, undo)
    }
}
