//! The command responder application (RFC 3413 §3.2, RFC 3416 §4.2): a request PDU and
//! who sent it in, the response out.
//!
//! It knows no message format and no security model: the community models
//! ([`community`](super::community)), the SNMPv3 layer ([`v3`](super::v3)) and, later,
//! AgentX or a proxy establish the [`Principal`] and hand the PDU to
//! [`CommandResponder::serve`], then encode with [`CommandResponder::finish`]. Every
//! drop is counted in [`Stats`].

use std::sync::{Arc, Mutex};

use smic_smi::{Oid, Value};

use super::access::AccessControl;
use super::instrument::{Instrument, Undo};
use super::mib::Mib;
use super::stats::{Stats, add, bump};
use super::vacm::{SecurityModel, VacmError, View, ViewType};
use crate::message::ErrorStatus;
use crate::message::SecurityLevel;
use crate::message::{Pdu, PduType, VarBind};

/// Bounds on the work and size of one response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest response message, in bytes (community messages carry no maximum of
    /// their own, so this is the agent's; 65507 is the most a UDP datagram holds).
    pub max_message_size: usize,
    /// The most repetitions a GetBulk gets, whatever it asks.
    pub max_repetitions: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 65507,
            max_repetitions: 1000,
        }
    }
}

/// Who is asking and where, as the message and security layers established it: fixed
/// for one request.
#[derive(Clone, Copy, Debug)]
pub struct Principal<'a> {
    /// SNMPv1: no Counter64, noSuchName instead of exceptions.
    pub v1: bool,
    /// The security model (VACM's `vacmSecurityModel`).
    pub model: SecurityModel,
    /// The security name: the community's mapping, or the USM user.
    pub name: &'a [u8],
    /// The level the request was secured at.
    pub level: SecurityLevel,
    /// The context asked for.
    pub context: &'a [u8],
}

/// A response before encoding: status, index and bindings, to be encoded by the
/// caller's message layer in [`CommandResponder::finish`].
#[derive(Debug)]
pub struct Outcome {
    status: ErrorStatus,
    /// 1-based position of the faulty binding, 0 for none.
    index: usize,
    varbinds: Vec<VarBind>,
}

impl Outcome {
    /// A successful response with these bindings.
    pub fn ok(varbinds: Vec<VarBind>) -> Self {
        Outcome {
            status: ErrorStatus::NoError,
            index: 0,
            varbinds,
        }
    }

    /// An error response: RFC 3416 sends the request's bindings back unchanged.
    pub fn error(status: ErrorStatus, index: usize, request: &[VarBind]) -> Self {
        Outcome {
            status,
            index,
            varbinds: request.to_vec(),
        }
    }

    /// The error status (`noError` on success).
    pub fn status(&self) -> ErrorStatus {
        self.status
    }

    /// The 1-based position of the faulty binding, 0 for none.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The bindings to send.
    pub fn varbinds(&self) -> &[VarBind] {
        &self.varbinds
    }
}

/// The command responder: a [`Mib`] behind [`AccessControl`].
///
/// `&self` everywhere: one responder serves every worker. GETs run in parallel; SETs
/// are serialized, so a SET's check and commit phases see no other SET in between.
pub struct CommandResponder {
    mib: Mib,
    access: AccessControl,
    limits: Limits,
    stats: Arc<Stats>,
    set_lock: Mutex<()>,
}

impl CommandResponder {
    /// A responder with default [`Limits`] and its own counters.
    pub fn new(mib: Mib, access: AccessControl) -> Self {
        CommandResponder::with_stats(mib, access, Arc::default())
    }

    /// A responder counting into `stats` (so that the MIB can serve them: see
    /// [`system::register_snmp_group`](super::system::register_snmp_group)).
    pub fn with_stats(mib: Mib, access: AccessControl, stats: Arc<Stats>) -> Self {
        CommandResponder {
            mib,
            access,
            limits: Limits::default(),
            stats,
            set_lock: Mutex::new(()),
        }
    }

    /// The same responder with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The counters.
    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// The MIB served.
    pub fn mib(&self) -> &Mib {
        &self.mib
    }

    /// The MIB, to register more instrumentation before serving.
    pub fn mib_mut(&mut self) -> &mut Mib {
        &mut self.mib
    }

    /// Who may do what.
    pub fn access(&self) -> &AccessControl {
        &self.access
    }

    /// The bounds on responses.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether a PDU is one a command responder serves (RFC 3413 §3.2).
    pub fn is_request(kind: PduType) -> bool {
        matches!(
            kind,
            PduType::Get | PduType::GetNext | PduType::GetBulk | PduType::Set
        )
    }

    /// Serves one request PDU for `who`, counting it; `None` drops it. `budget` is how
    /// many bytes of bindings a GetBulk response may carry (asked only for GetBulk).
    pub fn serve(
        &self,
        who: Principal<'_>,
        pdu: &Pdu,
        budget: impl FnOnce() -> usize,
    ) -> Option<Outcome> {
        match pdu.kind {
            PduType::Get => {
                bump(&self.stats.in_get_requests);
                self.get(who, &pdu.varbinds)
            }
            PduType::GetNext => {
                bump(&self.stats.in_get_nexts);
                self.get_next(who, &pdu.varbinds)
            }
            PduType::GetBulk => {
                bump(&self.stats.in_get_bulks);
                self.get_bulk(who, pdu, budget())
            }
            PduType::Set => {
                bump(&self.stats.in_set_requests);
                self.set(who, &pdu.varbinds)
            }
            _ => {
                bump(&self.stats.silent_drops);
                None
            }
        }
    }

    /// The view for a request, or the outcome when there is none: an unknown context
    /// is dropped (`None`), other refusals are authorizationError (RFC 3413 §3.2).
    fn view(
        &self,
        who: Principal<'_>,
        view_type: ViewType,
        request: &[VarBind],
    ) -> Result<View<'_>, Option<Outcome>> {
        match self
            .access
            .vacm()
            .view(who.model, who.name, who.level, view_type, who.context)
        {
            Ok(view) => Ok(view),
            Err(VacmError::NoSuchContext) => {
                bump(&self.stats.unknown_contexts);
                Err(None)
            }
            Err(_) => {
                let community = matches!(who.model, SecurityModel::V1 | SecurityModel::V2c);
                if community && view_type == ViewType::Write {
                    bump(&self.stats.in_bad_community_uses);
                }
                Err(Some(Outcome::error(
                    ErrorStatus::AuthorizationError,
                    0,
                    request,
                )))
            }
        }
    }

    /// GET (RFC 3416 §4.2.1): exceptions per binding, or noSuchName in SNMPv1.
    fn get(&self, who: Principal<'_>, request: &[VarBind]) -> Option<Outcome> {
        let view = match self.view(who, ViewType::Read, request) {
            Ok(view) => view,
            Err(outcome) => return outcome,
        };
        let v1 = who.v1;
        let mut out = Vec::with_capacity(request.len());
        for (i, vb) in request.iter().enumerate() {
            let value = if view.contains(&vb.oid) {
                self.mib.get(&vb.oid)
            } else {
                Value::NoSuchObject
            };
            // SNMPv1 has no Counter64 (RFC 3584 §4.2.2.1.4): as if it were absent.
            if v1 && (value.is_exception() || matches!(value, Value::Counter64(_))) {
                return Some(Outcome::error(ErrorStatus::NoSuchName, i + 1, request));
            }
            out.push(VarBind {
                oid: vb.oid.clone(),
                value,
            });
        }
        add(&self.stats.in_total_req_vars, out.len());
        Some(Outcome::ok(out))
    }

    /// The next instance after `after` that the view shows (and SNMPv1 can carry).
    fn next_visible(&self, view: &View<'_>, v1: bool, after: &Oid) -> Option<(Oid, Value)> {
        let mut cursor = after.clone();
        loop {
            let (oid, value) = self.mib.next(&cursor)?;
            if view.contains(&oid) && !(v1 && matches!(value, Value::Counter64(_))) {
                return Some((oid, value));
            }
            cursor = oid;
        }
    }

    /// GETNEXT (RFC 3416 §4.2.2).
    fn get_next(&self, who: Principal<'_>, request: &[VarBind]) -> Option<Outcome> {
        let view = match self.view(who, ViewType::Read, request) {
            Ok(view) => view,
            Err(outcome) => return outcome,
        };
        let v1 = who.v1;
        let mut out = Vec::with_capacity(request.len());
        for (i, vb) in request.iter().enumerate() {
            match self.next_visible(&view, v1, &vb.oid) {
                Some((oid, value)) => out.push(VarBind { oid, value }),
                None if v1 => {
                    return Some(Outcome::error(ErrorStatus::NoSuchName, i + 1, request));
                }
                None => out.push(VarBind {
                    oid: vb.oid.clone(),
                    value: Value::EndOfMibView,
                }),
            }
        }
        add(&self.stats.in_total_req_vars, out.len());
        Some(Outcome::ok(out))
    }

    /// GETBULK (RFC 3416 §4.2.3): non-repeaters once, repeaters up to
    /// max-repetitions times, stopping early when every repeater is at the end of the
    /// view or the response is full (it is truncated, never tooBig).
    fn get_bulk(&self, who: Principal<'_>, pdu: &Pdu, budget: usize) -> Option<Outcome> {
        let request = &pdu.varbinds;
        let view = match self.view(who, ViewType::Read, request) {
            Ok(view) => view,
            Err(outcome) => return outcome,
        };
        let non_repeaters = usize::try_from(pdu.error_status.max(0))
            .unwrap_or(0)
            .min(request.len());
        let repetitions = u32::try_from(pdu.error_index.max(0))
            .unwrap_or(0)
            .min(self.limits.max_repetitions);
        let mut used = 0;
        let mut out = Vec::new();
        let mut push = |out: &mut Vec<VarBind>, vb: VarBind| -> bool {
            used += vb.encoded_len();
            if used > budget {
                return false;
            }
            out.push(vb);
            true
        };
        let next = |oid: &Oid| match self.next_visible(&view, false, oid) {
            Some((oid, value)) => VarBind { oid, value },
            None => VarBind {
                oid: oid.clone(),
                value: Value::EndOfMibView,
            },
        };
        // `non_repeaters` is at most `request.len()`: bounded where it is read.
        let (non_repeating, repeating) = request.split_at(non_repeaters);
        for vb in non_repeating {
            if !push(&mut out, next(&vb.oid)) {
                return Some(Outcome::ok(out));
            }
        }
        let mut cursors: Vec<Oid> = repeating.iter().map(|vb| vb.oid.clone()).collect();
        for _ in 0..repetitions {
            if cursors.is_empty() {
                break;
            }
            let mut all_ended = true;
            for cursor in &mut cursors {
                let vb = next(cursor);
                if vb.value != Value::EndOfMibView {
                    all_ended = false;
                }
                cursor.clone_from(&vb.oid);
                if !push(&mut out, vb) {
                    return Some(Outcome::ok(out));
                }
            }
            if all_ended {
                break;
            }
        }
        add(&self.stats.in_total_req_vars, out.len());
        Some(Outcome::ok(out))
    }

    /// SET (RFC 3416 §4.2.5): every binding checked, then every binding committed; a
    /// failed commit undoes the committed ones, last first.
    fn set(&self, who: Principal<'_>, request: &[VarBind]) -> Option<Outcome> {
        // A panicking handler must not stop every later SET: the guard protects no data.
        let _serial = self.set_lock.lock().unwrap_or_else(|p| p.into_inner());
        let view = match self.view(who, ViewType::Write, request) {
            Ok(view) => view,
            Err(outcome) => return outcome,
        };
        let mut targets: Vec<&Arc<dyn Instrument>> = Vec::with_capacity(request.len());
        for (i, vb) in request.iter().enumerate() {
            if !view.contains(&vb.oid) {
                return Some(Outcome::error(ErrorStatus::NoAccess, i + 1, request));
            }
            let Some((_, instrument)) = self.mib.find(&vb.oid) else {
                return Some(Outcome::error(ErrorStatus::NotWritable, i + 1, request));
            };
            // The whole request goes along: a binding's check may depend on the others
            // (a row created by its RowStatus binding and its other columns).
            if let Err(status) = instrument.check_binding(request, i) {
                return Some(Outcome::error(status, i + 1, request));
            }
            targets.push(instrument);
        }
        let mut committed: Vec<(&Arc<dyn Instrument>, usize, Undo)> = Vec::new();
        for (i, instrument) in targets.iter().enumerate() {
            match instrument.commit_binding(request, i) {
                Ok(undo) => committed.push((instrument, i, undo)),
                Err(_) => {
                    let mut status = ErrorStatus::CommitFailed;
                    for (instrument, at, undo) in committed.into_iter().rev() {
                        if instrument.undo_binding(request, at, undo).is_err() {
                            status = ErrorStatus::UndoFailed;
                        }
                    }
                    return Some(Outcome::error(status, i + 1, request));
                }
            }
        }
        add(&self.stats.in_total_set_vars, request.len());
        Some(Outcome::ok(request.to_vec()))
    }

    /// Encodes the response with `build` (status, index, bindings → message); one
    /// longer than `max` becomes tooBig (RFC 3416 §4.2.1: no bindings; RFC 1157 §4.1.2:
    /// SNMPv1 echoes the request's), or is dropped if even that does not fit.
    pub fn finish(
        &self,
        v1: bool,
        request: &[VarBind],
        outcome: Outcome,
        max: usize,
        build: impl Fn(ErrorStatus, usize, Vec<VarBind>) -> Option<Vec<u8>>,
    ) -> Option<Vec<u8>> {
        let status = if v1 {
            outcome.status.for_v1()
        } else {
            outcome.status
        };
        let mut sent = build(status, outcome.index, outcome.varbinds)
            .filter(|bytes| bytes.len() <= max)
            .map(|bytes| (status, bytes));
        if sent.is_none() {
            let echoed = if v1 { request.to_vec() } else { Vec::new() };
            sent = build(ErrorStatus::TooBig, 0, echoed)
                .filter(|bytes| bytes.len() <= max)
                .map(|bytes| (ErrorStatus::TooBig, bytes));
        }
        match sent {
            Some((status, bytes)) => {
                self.count_status(status);
                bump(&self.stats.out_pkts);
                Some(bytes)
            }
            None => {
                bump(&self.stats.silent_drops);
                None
            }
        }
    }

    fn count_status(&self, status: ErrorStatus) {
        bump(&self.stats.out_get_responses);
        let counter = match status {
            ErrorStatus::TooBig => &self.stats.out_too_bigs,
            ErrorStatus::NoSuchName => &self.stats.out_no_such_names,
            ErrorStatus::BadValue => &self.stats.out_bad_values,
            ErrorStatus::GenErr => &self.stats.out_gen_errs,
            _ => return,
        };
        bump(counter);
    }
}
