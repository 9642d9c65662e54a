//! The subagent's side of RFC 2741 §7.2, sans-IO: a master's request PDU in, the
//! Response out, over the same [`Mib`] smic's agent serves.
//!
//! SETs follow §7.2.4: TestSet runs every binding's `check_binding`, CommitSet its
//! `commit_binding` (a failure undoes what this subagent committed, at once), UndoSet
//! its `undo_binding`, CleanupSet drops the transaction. Transactions are keyed by
//! (sessionID, transactionID) and bounded in number.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use smic_smi::{Oid, Value};
use smic_snmp::agent::{Instrument, Mib, Undo};
use smic_snmp::message::ErrorStatus;
use smic_snmp::message::VarBind;

use crate::wire::{Body, GetBulk, Pdu, Response, ResponseError, SearchRange};

/// Bounds on the work one request may cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeLimits {
    /// The most SET transactions open at once (TestSet not yet cleaned up).
    pub max_transactions: usize,
    /// The most repetitions a GetBulk gets, whatever it asks.
    pub max_repetitions: u16,
    /// The most payload bytes of bindings a GetBulk answer carries (it is cut short,
    /// never refused).
    pub max_bulk_bytes: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            max_transactions: 16,
            max_repetitions: 1000,
            max_bulk_bytes: 60_000,
        }
    }
}

/// Where a SET transaction stands.
enum Phase {
    /// TestSet passed: CommitSet may follow.
    Tested,
    /// TestSet refused, or a commit failed and was undone here: nothing to undo.
    Failed,
    /// CommitSet done: what each committed binding needs to be undone.
    Committed(Vec<(usize, Undo)>),
}

struct Transaction {
    request: Vec<VarBind>,
    /// The instrument of each binding (all found at TestSet).
    targets: Vec<Arc<dyn Instrument>>,
    phase: Phase,
}

/// The request side of a subagent: the MIB of each context and the open SETs.
pub(super) struct Dispatcher {
    default: Mib,
    contexts: BTreeMap<Vec<u8>, Mib>,
    transactions: HashMap<(u32, u32), Transaction>,
    limits: ServeLimits,
}

impl Dispatcher {
    pub(super) fn new(default: Mib, contexts: BTreeMap<Vec<u8>, Mib>, limits: ServeLimits) -> Self {
        Dispatcher {
            default,
            contexts,
            transactions: HashMap::new(),
            limits,
        }
    }

    /// The MIB of each context, the default one as `None`.
    pub(super) fn mibs(&self) -> impl Iterator<Item = (Option<&[u8]>, &Mib)> {
        std::iter::once((None, &self.default))
            .chain(self.contexts.iter().map(|(c, m)| (Some(c.as_slice()), m)))
    }

    /// Forgets every open transaction (the session they belonged to is gone; what was
    /// committed stays, as the master last knew it).
    pub(super) fn reset(&mut self) {
        self.transactions.clear();
    }

    /// How many SET transactions are open.
    #[cfg(test)]
    pub(super) fn open_transactions(&self) -> usize {
        self.transactions.len()
    }

    fn mib(&self, context: Option<&[u8]>) -> Option<&Mib> {
        match context {
            None => Some(&self.default),
            Some(name) => self.contexts.get(name),
        }
    }

    /// The answer to a master's request PDU, `None` for those that get none
    /// (CleanupSet) and for PDUs that are no request.
    pub(super) fn handle(&mut self, pdu: &Pdu, sys_up_time: u32) -> Option<Pdu> {
        let answer = |error: ResponseError, index: u16, varbinds: Vec<VarBind>| {
            Some(pdu.response(Response {
                sys_up_time,
                error,
                index,
                varbinds,
            }))
        };
        let key = (pdu.session_id, pdu.transaction_id);
        match &pdu.body {
            Body::CommitSet => {
                let (error, index) = self.commit(key);
                return answer(error, index, Vec::new());
            }
            Body::UndoSet => {
                let (error, index) = self.undo(key);
                return answer(error, index, Vec::new());
            }
            Body::CleanupSet => {
                self.transactions.remove(&key);
                return None;
            }
            _ => {}
        }
        let Some(mib) = self.mib(pdu.context.as_deref()) else {
            return answer(ResponseError::UNSUPPORTED_CONTEXT, 0, Vec::new());
        };
        match &pdu.body {
            Body::Get(ranges) => {
                let out = ranges
                    .iter()
                    .map(|r| VarBind {
                        oid: r.start.clone(),
                        value: mib.get(&r.start),
                    })
                    .collect();
                answer(ResponseError::NO_ERROR, 0, out)
            }
            Body::GetNext(ranges) => {
                let out = ranges.iter().map(|r| next_in(mib, r)).collect();
                answer(ResponseError::NO_ERROR, 0, out)
            }
            Body::GetBulk(bulk) => {
                let out = get_bulk(mib, bulk, self.limits);
                answer(ResponseError::NO_ERROR, 0, out)
            }
            Body::TestSet(request) => {
                let (error, index) = self.test(key, pdu.context.as_deref(), request);
                answer(error, index, Vec::new())
            }
            _ => None,
        }
    }

    /// TestSet (§7.2.4.1): every binding checked against the whole request.
    fn test(
        &mut self,
        key: (u32, u32),
        context: Option<&[u8]>,
        request: &[VarBind],
    ) -> (ResponseError, u16) {
        if !self.transactions.contains_key(&key)
            && self.transactions.len() >= self.limits.max_transactions
        {
            return (ResponseError::RESOURCE_UNAVAILABLE, 0);
        }
        let Some(mib) = self.mib(context) else {
            return (ResponseError::UNSUPPORTED_CONTEXT, 0);
        };
        let mut targets = Vec::with_capacity(request.len());
        let mut outcome = (ResponseError::NO_ERROR, 0);
        for (i, vb) in request.iter().enumerate() {
            let status = match mib.find(&vb.oid) {
                None => Err(ErrorStatus::NotWritable),
                Some((_, instrument)) => {
                    targets.push(Arc::clone(instrument));
                    instrument.check_binding(request, i)
                }
            };
            if let Err(status) = status {
                outcome = (ResponseError::snmp(status), position(i));
                break;
            }
        }
        let phase = if outcome.0 == ResponseError::NO_ERROR {
            Phase::Tested
        } else {
            Phase::Failed
        };
        self.transactions.insert(
            key,
            Transaction {
                request: request.to_vec(),
                targets,
                phase,
            },
        );
        outcome
    }

    /// CommitSet (§7.2.4.2): every binding committed in order; on a failure, the ones
    /// committed are undone here, last first, and the answer is commitFailed (or
    /// undoFailed when an undo failed too).
    fn commit(&mut self, key: (u32, u32)) -> (ResponseError, u16) {
        let Some(tx) = self.transactions.get_mut(&key) else {
            return (ResponseError::COMMIT_FAILED, 0);
        };
        if !matches!(tx.phase, Phase::Tested) {
            return (ResponseError::COMMIT_FAILED, 0);
        }
        let mut undos: Vec<(usize, Undo)> = Vec::with_capacity(tx.targets.len());
        for (i, instrument) in tx.targets.iter().enumerate() {
            match instrument.commit_binding(&tx.request, i) {
                Ok(undo) => undos.push((i, undo)),
                Err(_) => {
                    let mut error = ResponseError::COMMIT_FAILED;
                    for (at, undo) in undos.into_iter().rev() {
                        let undone = tx
                            .targets
                            .get(at)
                            .map(|target| target.undo_binding(&tx.request, at, undo));
                        if !matches!(undone, Some(Ok(()))) {
                            error = ResponseError::UNDO_FAILED;
                        }
                    }
                    tx.phase = Phase::Failed;
                    return (error, position(i));
                }
            }
        }
        tx.phase = Phase::Committed(undos);
        (ResponseError::NO_ERROR, 0)
    }

    /// UndoSet (§7.2.4.3): the committed bindings undone, last first.
    fn undo(&mut self, key: (u32, u32)) -> (ResponseError, u16) {
        let Some(tx) = self.transactions.get_mut(&key) else {
            return (ResponseError::UNDO_FAILED, 0);
        };
        let Phase::Committed(undos) = std::mem::replace(&mut tx.phase, Phase::Failed) else {
            // Never committed, or already undone when its commit failed.
            return (ResponseError::NO_ERROR, 0);
        };
        let mut outcome = (ResponseError::NO_ERROR, 0);
        for (at, undo) in undos.into_iter().rev() {
            let undone = tx
                .targets
                .get(at)
                .map(|target| target.undo_binding(&tx.request, at, undo));
            if !matches!(undone, Some(Ok(()))) {
                outcome = (ResponseError::UNDO_FAILED, position(at));
            }
        }
        outcome
    }
}

/// The 1-based `res.index` of binding `i`.
fn position(i: usize) -> u16 {
    u16::try_from(i + 1).unwrap_or(u16::MAX)
}

/// GetNext of one SearchRange (§7.2.3.2): the first instance from `start` (itself
/// when `include`), before `end`; endOfMibView named `start` otherwise.
fn next_in(mib: &Mib, range: &SearchRange) -> VarBind {
    if range.include {
        let value = mib.get(&range.start);
        if !value.is_exception() {
            return VarBind {
                oid: range.start.clone(),
                value,
            };
        }
    }
    match mib.next(&range.start) {
        Some((oid, value)) if range.end.is_empty() || oid < range.end => VarBind { oid, value },
        _ => VarBind {
            oid: range.start.clone(),
            value: Value::EndOfMibView,
        },
    }
}

/// GetBulk (§7.2.3.3): the non-repeaters once, then the repeaters round after round,
/// each within its range, until all have ended, the repetitions run out or the answer
/// is as large as allowed.
fn get_bulk(mib: &Mib, bulk: &GetBulk, limits: ServeLimits) -> Vec<VarBind> {
    let non_repeaters = usize::from(bulk.non_repeaters).min(bulk.ranges.len());
    let (singles, repeaters) = bulk.ranges.split_at(non_repeaters);
    let mut out: Vec<VarBind> = singles.iter().map(|r| next_in(mib, r)).collect();
    let mut used: usize = out.iter().map(encoded_len).sum();
    let mut cursors: Vec<SearchRange> = repeaters.to_vec();
    for _ in 0..bulk.max_repetitions.min(limits.max_repetitions) {
        if cursors.is_empty() {
            break;
        }
        let mut all_ended = true;
        for cursor in &mut cursors {
            let vb = next_in(mib, cursor);
            used += encoded_len(&vb);
            if used > limits.max_bulk_bytes {
                return out;
            }
            if vb.value != Value::EndOfMibView {
                all_ended = false;
            }
            cursor.start.clone_from(&vb.oid);
            cursor.include = false;
            out.push(vb);
        }
        if all_ended {
            break;
        }
    }
    out
}

/// The bytes one binding takes in a payload (RFC 2741 §5.4), uncompressed.
fn encoded_len(vb: &VarBind) -> usize {
    let oid = |o: &Oid| 4 + 4 * o.len();
    let octets = |n: usize| 4 + n.div_ceil(4) * 4;
    4 + oid(&vb.oid)
        + match &vb.value {
            Value::Integer(_) | Value::Counter32(_) | Value::Gauge32(_) | Value::TimeTicks(_) => 4,
            Value::Counter64(_) => 8,
            Value::OctetString(b) | Value::Opaque(b) => octets(b.len()),
            Value::IpAddress(_) => 8,
            Value::ObjectIdentifier(o) => oid(o),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => 0,
        }
}
