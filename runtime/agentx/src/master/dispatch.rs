//! The request path of the master (RFC 2741 §7.2 from the master's side): an SNMP
//! request the agent accepted, answered from the local MIB and the subagents, under
//! the agent's VACM view, with the command responder's semantics (RFC 3416).
//!
//! Requests to subagents are sent first and awaited after, so a request touching
//! several subagents costs one round trip, not one per subagent.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use smic_smi::{Oid, Value};
use smic_snmp::agent::vacm::{VacmError, View, ViewType};
use smic_snmp::agent::{Accepted, CommandResponder, Instrument, Mib, Outcome, Undo};
use smic_snmp::message::{ErrorStatus, PduType, VarBind};
use tracing::{debug, warn};

use super::Shared;
use super::link::{CallError, Link, Pending};
use super::registry::{Owner, Region};
use crate::wire::{Body, CloseReason, Response, ResponseError, SearchRange};

/// Serves an accepted request.
pub(super) async fn serve(
    shared: &Shared,
    core: &CommandResponder,
    accepted: &Accepted,
) -> Option<Outcome> {
    let pdu = accepted.pdu();
    let stats = core.stats();
    let (counter, view_type) = match pdu.kind {
        PduType::Get => (&stats.in_get_requests, ViewType::Read),
        PduType::GetNext => (&stats.in_get_nexts, ViewType::Read),
        PduType::GetBulk => (&stats.in_get_bulks, ViewType::Read),
        PduType::Set => (&stats.in_set_requests, ViewType::Write),
        _ => {
            bump(&stats.silent_drops);
            return None;
        }
    };
    bump(counter);
    let who = accepted.principal();
    let view =
        match core
            .access()
            .vacm()
            .view(who.model, who.name, who.level, view_type, who.context)
        {
            Ok(view) => view,
            Err(VacmError::NoSuchContext) => {
                bump(&stats.unknown_contexts);
                return None;
            }
            Err(_) => {
                let community = matches!(
                    who.model,
                    smic_snmp::agent::vacm::SecurityModel::V1
                        | smic_snmp::agent::vacm::SecurityModel::V2c
                );
                if community && view_type == ViewType::Write {
                    bump(&stats.in_bad_community_uses);
                }
                return Some(Outcome::error(
                    ErrorStatus::AuthorizationError,
                    0,
                    &pdu.varbinds,
                ));
            }
        };
    let request = Request {
        shared,
        mib: core.mib(),
        context: who.context,
        v1: who.v1,
        view,
        transaction: shared.transaction_id(),
    };
    let outcome = match pdu.kind {
        PduType::Get => request.get(&pdu.varbinds).await,
        PduType::GetNext => request.get_next(&pdu.varbinds).await,
        PduType::GetBulk => {
            let non_repeaters = usize::try_from(pdu.error_status.max(0)).unwrap_or(0);
            let repetitions = u32::try_from(pdu.error_index.max(0))
                .unwrap_or(0)
                .min(core.limits().max_repetitions);
            request
                .get_bulk(&pdu.varbinds, non_repeaters, repetitions, accepted.budget())
                .await
        }
        _ => request.set(&pdu.varbinds).await,
    };
    match pdu.kind {
        PduType::Set if outcome.status() == ErrorStatus::NoError => {
            add(&stats.in_total_set_vars, pdu.varbinds.len());
        }
        PduType::Set => {}
        _ => add(&stats.in_total_req_vars, outcome.varbinds().len()),
    }
    Some(outcome)
}

/// Whether every binding lies in the local MIB's claims (a GET or SET), so that the
/// command responder can serve the request by itself. Walks are never local once a
/// subagent has registered anything: they may run into its subtrees.
pub(super) fn is_local(shared: &Shared, accepted: &Accepted) -> bool {
    let registry = shared.registry();
    let context = accepted.principal().context;
    let pdu = accepted.pdu();
    match pdu.kind {
        PduType::Get | PduType::Set => pdu.varbinds.iter().all(|vb| {
            registry
                .owner_of(context, &vb.oid)
                .is_none_or(|(_, claim)| claim.owner == Owner::Local)
        }),
        _ => !registry.has_sessions(),
    }
}

fn bump(counter: &AtomicU32) {
    counter.fetch_add(1, Ordering::Relaxed);
}

fn add(counter: &AtomicU32, n: usize) {
    counter.fetch_add(u32::try_from(n).unwrap_or(u32::MAX), Ordering::Relaxed);
}

/// One request being served.
struct Request<'a> {
    shared: &'a Shared,
    mib: &'a Mib,
    context: &'a [u8],
    v1: bool,
    view: View<'a>,
    transaction: u32,
}

/// Bindings asked of one session in one PDU: the positions they answer.
struct Batch {
    link: Arc<Link>,
    /// Positions in the request (or in the list of cursors).
    positions: Vec<usize>,
    timeout: u8,
}

/// One cursor of a GETNEXT or a GETBULK repetition.
struct Walk {
    /// The OID asked about (an endOfMibView answer names it).
    origin: Oid,
    /// Where the walk is.
    cursor: Oid,
    /// Whether the cursor itself may be the answer.
    include: bool,
    found: Option<VarBind>,
}

impl Walk {
    /// Nothing is left to visit.
    fn end(&mut self) {
        self.found = Some(VarBind {
            oid: self.origin.clone(),
            value: Value::EndOfMibView,
        });
    }

    /// The region is done: on from its end.
    fn next_region(&mut self, region: &Region) {
        match &region.end {
            Some(end) => (self.cursor, self.include) = (end.clone(), true),
            None => self.end(),
        }
    }
}

/// A walk step waiting for a subagent.
struct Step {
    position: usize,
    region: Region,
}

/// Why a request failed as a whole: the status and the 1-based binding.
type Failure = (ErrorStatus, usize);

impl Request<'_> {
    fn link(&self, session: u32) -> Option<Arc<Link>> {
        self.shared.link(session)
    }

    /// Counts a failed call, closes a session that keeps timing out.
    fn failed(&self, link: &Link, error: CallError) {
        match error {
            CallError::Timeout => {
                self.shared.stats.timeouts.fetch_add(1, Ordering::Relaxed);
                let in_a_row = link.timeouts.load(Ordering::Relaxed);
                if in_a_row >= self.shared.limits.max_timeouts && !link.is_closed() {
                    warn!(
                        session = link.id(),
                        in_a_row, "AgentX subagent stopped answering: closing its session"
                    );
                    let _ = link.send_only(0, Body::Close(CloseReason::TIMEOUTS));
                    self.shared.drop_session(link.id());
                }
            }
            CallError::Busy => {
                self.shared.stats.busy.fetch_add(1, Ordering::Relaxed);
            }
            CallError::Closed => {}
        }
        debug!(session = link.id(), ?error, "AgentX request failed");
    }

    /// Sends one PDU per batch; the sent ones with what they wait for. A batch that
    /// could not be sent fails its first position.
    fn send(
        &self,
        batches: Vec<Batch>,
        body: impl Fn(&Batch) -> Body,
    ) -> Result<Vec<(Batch, Pending)>, (Batch, CallError)> {
        let mut sent = Vec::with_capacity(batches.len());
        for batch in batches {
            match batch
                .link
                .start(self.transaction, self.context, body(&batch), batch.timeout)
            {
                Ok(pending) => sent.push((batch, pending)),
                Err(error) => return Err((batch, error)),
            }
        }
        Ok(sent)
    }

    /// A Response's error as the request's failure: its status, at the binding of
    /// the request it names.
    fn response_failure(batch: &Batch, response: &Response) -> Option<Failure> {
        if response.error == ResponseError::NO_ERROR {
            return None;
        }
        let status = match u8::try_from(response.error.0)
            .ok()
            .and_then(|code| ErrorStatus::from_code(i32::from(code)))
        {
            Some(status) => status,
            None => ErrorStatus::GenErr,
        };
        let at = usize::from(response.index)
            .checked_sub(1)
            .and_then(|i| batch.positions.get(i))
            .or(batch.positions.first())
            .copied()
            .unwrap_or(0);
        Some((status, at + 1))
    }

    /// Waits for every batch; the answers in batch order.
    async fn collect(
        &self,
        sent: Vec<(Batch, Pending)>,
    ) -> Result<Vec<(Batch, Response)>, Failure> {
        let mut answers = Vec::with_capacity(sent.len());
        let mut failure: Option<Failure> = None;
        for (batch, pending) in sent {
            match pending.wait(&batch.link).await {
                Ok(response) => {
                    if let Some(f) = Self::response_failure(&batch, &response) {
                        failure = Some(earlier(failure, f));
                    }
                    answers.push((batch, response));
                }
                Err(error) => {
                    self.failed(&batch.link, error);
                    let at = batch.positions.first().copied().unwrap_or(0) + 1;
                    let f = (ErrorStatus::GenErr, at);
                    failure = Some(earlier(failure, f));
                }
            }
        }
        match failure {
            Some(f) => Err(f),
            None => Ok(answers),
        }
    }

    /// GET (RFC 3416 §4.2.1).
    async fn get(&self, request: &[VarBind]) -> Outcome {
        let mut values: Vec<Option<Value>> = vec![None; request.len()];
        let mut batches: BTreeMap<u32, Batch> = BTreeMap::new();
        {
            let registry = self.shared.registry();
            for (i, vb) in request.iter().enumerate() {
                if !self.view.contains(&vb.oid) {
                    put(&mut values, i, Value::NoSuchObject);
                    continue;
                }
                match registry.owner_of(self.context, &vb.oid) {
                    None => put(&mut values, i, Value::NoSuchObject),
                    Some((subtree, claim)) => match claim.owner {
                        Owner::Local => {
                            let value = match self.mib.find(subtree) {
                                Some((_, instrument)) => instrument.get(&vb.oid),
                                None => Value::NoSuchObject,
                            };
                            put(&mut values, i, value);
                        }
                        Owner::Session(id) => match self.link(id) {
                            Some(link) => {
                                let batch = batches.entry(id).or_insert_with(|| Batch {
                                    link,
                                    positions: Vec::new(),
                                    timeout: claim.timeout,
                                });
                                batch.positions.push(i);
                            }
                            None => put(&mut values, i, Value::NoSuchObject),
                        },
                    },
                }
            }
        }
        let ranges = |batch: &Batch| {
            Body::Get(
                batch
                    .positions
                    .iter()
                    .filter_map(|&i| request.get(i))
                    .map(|vb| SearchRange {
                        start: vb.oid.clone(),
                        include: false,
                        end: Oid::default(),
                    })
                    .collect(),
            )
        };
        let sent = match self.send(batches.into_values().collect(), ranges) {
            Ok(sent) => sent,
            Err((batch, error)) => return self.call_failed(&batch, error, request),
        };
        let answers = match self.collect(sent).await {
            Ok(answers) => answers,
            Err((status, at)) => return Outcome::error(status, at, request),
        };
        for (batch, response) in answers {
            for (k, &i) in batch.positions.iter().enumerate() {
                let value = match (response.varbinds.get(k), request.get(i)) {
                    // A subagent answering for another OID than asked has no answer.
                    (Some(vb), Some(asked)) if vb.oid == asked.oid => vb.value.clone(),
                    _ => Value::NoSuchObject,
                };
                put(&mut values, i, value);
            }
        }
        let mut out = Vec::with_capacity(request.len());
        for (i, (vb, value)) in request.iter().zip(values).enumerate() {
            let value = value.unwrap_or(Value::NoSuchObject);
            // SNMPv1 has no exceptions and no Counter64 (RFC 3584 §4.2.2.1.4).
            if self.v1 && (value.is_exception() || matches!(value, Value::Counter64(_))) {
                return Outcome::error(ErrorStatus::NoSuchName, i + 1, request);
            }
            out.push(VarBind {
                oid: vb.oid.clone(),
                value,
            });
        }
        Outcome::ok(out)
    }

    fn call_failed(&self, batch: &Batch, error: CallError, request: &[VarBind]) -> Outcome {
        self.failed(&batch.link, error);
        let at = batch.positions.first().copied().unwrap_or(0) + 1;
        Outcome::error(ErrorStatus::GenErr, at, request)
    }

    /// GETNEXT (RFC 3416 §4.2.2).
    async fn get_next(&self, request: &[VarBind]) -> Outcome {
        let cursors: Vec<Oid> = request.iter().map(|vb| vb.oid.clone()).collect();
        match self.next_all(&cursors).await {
            Ok(found) => {
                let mut out = Vec::with_capacity(found.len());
                for (i, vb) in found.into_iter().enumerate() {
                    if self.v1 && vb.value == Value::EndOfMibView {
                        return Outcome::error(ErrorStatus::NoSuchName, i + 1, request);
                    }
                    out.push(vb);
                }
                Outcome::ok(out)
            }
            Err((status, at)) => Outcome::error(status, at, request),
        }
    }

    /// GETBULK (RFC 3416 §4.2.3), truncated at the byte budget, never tooBig.
    async fn get_bulk(
        &self,
        request: &[VarBind],
        non_repeaters: usize,
        repetitions: u32,
        budget: usize,
    ) -> Outcome {
        let non_repeaters = non_repeaters.min(request.len());
        let (first, repeating) = request.split_at(non_repeaters);
        let mut out = Vec::new();
        let mut used = 0;
        let mut push = |out: &mut Vec<VarBind>, vb: VarBind| {
            used += vb.encoded_len();
            if used > budget {
                return false;
            }
            out.push(vb);
            true
        };
        let cursors: Vec<Oid> = first.iter().map(|vb| vb.oid.clone()).collect();
        match self.next_all(&cursors).await {
            Ok(found) => {
                for vb in found {
                    if !push(&mut out, vb) {
                        return Outcome::ok(out);
                    }
                }
            }
            Err((status, at)) => return Outcome::error(status, at, request),
        }
        // Each repeater: where it is, and whether it reached the end of the view.
        let mut repeaters: Vec<(Oid, bool)> =
            repeating.iter().map(|vb| (vb.oid.clone(), false)).collect();
        for _ in 0..repetitions {
            if repeaters.iter().all(|(_, ended)| *ended) {
                break;
            }
            // Repeaters at the end of the view stay there without asking anyone.
            let live: Vec<usize> = (0..repeaters.len())
                .filter(|&i| repeaters.get(i).is_some_and(|(_, ended)| !ended))
                .collect();
            let asked: Vec<Oid> = repeaters
                .iter()
                .filter(|(_, ended)| !ended)
                .map(|(oid, _)| oid.clone())
                .collect();
            let found = match self.next_all(&asked).await {
                Ok(found) => found,
                Err((status, at)) => {
                    // The binding's position in the request.
                    let at = at
                        .checked_sub(1)
                        .and_then(|k| live.get(k))
                        .map_or(0, |&i| non_repeaters + i + 1);
                    return Outcome::error(status, at, request);
                }
            };
            let mut found = found.into_iter();
            for (cursor, ended) in &mut repeaters {
                let vb = if *ended {
                    VarBind {
                        oid: cursor.clone(),
                        value: Value::EndOfMibView,
                    }
                } else {
                    match found.next() {
                        Some(vb) => vb,
                        None => break,
                    }
                };
                if vb.value == Value::EndOfMibView {
                    *ended = true;
                }
                cursor.clone_from(&vb.oid);
                if !push(&mut out, vb) {
                    return Outcome::ok(out);
                }
            }
        }
        Outcome::ok(out)
    }

    /// The next visible instance after each cursor, across the local MIB and the
    /// subagents; endOfMibView where there is none.
    async fn next_all(&self, cursors: &[Oid]) -> Result<Vec<VarBind>, Failure> {
        let mut walks: Vec<Walk> = cursors
            .iter()
            .map(|c| Walk {
                origin: c.clone(),
                cursor: c.clone(),
                include: false,
                found: None,
            })
            .collect();
        // Every round asks each subagent once for all the cursors in its regions.
        loop {
            let mut steps: BTreeMap<u32, (Batch, Vec<Step>)> = BTreeMap::new();
            for (position, walk) in walks.iter_mut().enumerate() {
                if walk.found.is_some() {
                    continue;
                }
                if let Some((id, link, region)) = self.advance(walk) {
                    let (batch, list) = steps.entry(id).or_insert_with(|| {
                        (
                            Batch {
                                link,
                                positions: Vec::new(),
                                timeout: region.claim.timeout,
                            },
                            Vec::new(),
                        )
                    });
                    batch.positions.push(position);
                    list.push(Step { position, region });
                }
            }
            if steps.is_empty() {
                break;
            }
            let (batches, lists): (Vec<Batch>, Vec<Vec<Step>>) = steps.into_values().unzip();
            let by_session: Vec<(u32, Vec<Step>)> =
                batches.iter().map(|b| b.link.id()).zip(lists).collect();
            let steps_of = |id: u32| {
                by_session
                    .iter()
                    .find(|(session, _)| *session == id)
                    .map(|(_, steps)| steps.as_slice())
                    .unwrap_or_default()
            };
            let body_for = |batch: &Batch| {
                Body::GetNext(
                    steps_of(batch.link.id())
                        .iter()
                        .map(|step| SearchRange {
                            start: step.region.start.clone(),
                            include: step.region.include,
                            end: step.region.end.clone().unwrap_or_default(),
                        })
                        .collect(),
                )
            };
            let sent = match self.send(batches, body_for) {
                Ok(sent) => sent,
                Err((batch, error)) => {
                    self.failed(&batch.link, error);
                    let at = batch.positions.first().copied().unwrap_or(0) + 1;
                    return Err((ErrorStatus::GenErr, at));
                }
            };
            for (batch, response) in self.collect(sent).await? {
                for (k, step) in steps_of(batch.link.id()).iter().enumerate() {
                    let Some(walk) = walks.get_mut(step.position) else {
                        continue;
                    };
                    match response.varbinds.get(k) {
                        Some(vb)
                            if vb.value != Value::EndOfMibView
                                && in_region(&step.region, &vb.oid) =>
                        {
                            if self.visible(vb) {
                                walk.found = Some(vb.clone());
                            } else {
                                (walk.cursor, walk.include) = (vb.oid.clone(), false);
                            }
                        }
                        // The end of its region (or an answer outside it, from a
                        // subagent that ignored the range): on to the next region.
                        _ => walk.next_region(&step.region),
                    }
                }
            }
        }
        Ok(walks
            .into_iter()
            .map(|walk| {
                walk.found.unwrap_or(VarBind {
                    oid: walk.origin,
                    value: Value::EndOfMibView,
                })
            })
            .collect())
    }

    /// Walks on through local regions until an answer or a subagent's region: that
    /// subagent, and the region to ask it about.
    fn advance(&self, walk: &mut Walk) -> Option<(u32, Arc<Link>, Region)> {
        while walk.found.is_none() {
            let region = self
                .shared
                .registry()
                .region(self.context, &walk.cursor, walk.include);
            let Some(region) = region else {
                walk.end();
                return None;
            };
            match region.claim.owner {
                Owner::Local => {
                    if let Some(vb) = self.local_next(&region) {
                        walk.found = Some(vb);
                        return None;
                    }
                }
                Owner::Session(id) => {
                    if let Some(link) = self.link(id) {
                        return Some((id, link, region));
                    }
                    // A session that just closed: as if its region were empty.
                }
            }
            walk.next_region(&region);
        }
        None
    }

    /// Whether an answer may be returned: in the view, and carried by the version.
    fn visible(&self, vb: &VarBind) -> bool {
        self.view.contains(&vb.oid) && !(self.v1 && matches!(vb.value, Value::Counter64(_)))
    }

    /// The first visible local instance in a local region.
    fn local_next(&self, region: &Region) -> Option<VarBind> {
        let (_, instrument) = self.mib.find(&region.subtree)?;
        let mut candidate = None;
        if region.include {
            let value = instrument.get(&region.start);
            if !value.is_exception() {
                candidate = Some((region.start.clone(), value));
            }
        }
        let mut candidate = candidate.or_else(|| instrument.next(&region.start));
        while let Some((oid, value)) = candidate {
            if !in_region(region, &oid) {
                return None;
            }
            let vb = VarBind { oid, value };
            if self.visible(&vb) {
                return Some(vb);
            }
            candidate = instrument.next(&vb.oid);
        }
        None
    }

    /// SET (RFC 3416 §4.2.5, RFC 2741 §7.2.4): every binding tested (the local ones
    /// by their instruments, the others by TestSet), then every one committed; a
    /// failure undoes what was committed, and every subagent involved is told to
    /// clean up.
    async fn set(&self, request: &[VarBind]) -> Outcome {
        let _serial = self.shared.set_lock.lock().await;
        let mut local: Vec<(usize, Arc<dyn Instrument>)> = Vec::new();
        let mut batches: BTreeMap<u32, Batch> = BTreeMap::new();
        {
            let registry = self.shared.registry();
            for (i, vb) in request.iter().enumerate() {
                if !self.view.contains(&vb.oid) {
                    return Outcome::error(ErrorStatus::NoAccess, i + 1, request);
                }
                let owner = registry.owner_of(self.context, &vb.oid);
                let Some((subtree, claim)) = owner else {
                    return Outcome::error(ErrorStatus::NotWritable, i + 1, request);
                };
                match claim.owner {
                    Owner::Local => match self.mib.find(subtree) {
                        Some((_, instrument)) => local.push((i, Arc::clone(instrument))),
                        None => return Outcome::error(ErrorStatus::NotWritable, i + 1, request),
                    },
                    Owner::Session(id) => {
                        let Some(link) = self.link(id) else {
                            return Outcome::error(ErrorStatus::NotWritable, i + 1, request);
                        };
                        batches
                            .entry(id)
                            .or_insert_with(|| Batch {
                                link,
                                positions: Vec::new(),
                                timeout: claim.timeout,
                            })
                            .positions
                            .push(i);
                    }
                }
            }
        }
        for (i, instrument) in &local {
            if let Err(status) = instrument.check_binding(request, *i) {
                return Outcome::error(status, i + 1, request);
            }
        }
        let batches: Vec<Batch> = batches.into_values().collect();
        let links: Vec<Arc<Link>> = batches.iter().map(|b| Arc::clone(&b.link)).collect();
        let positions: Vec<Vec<usize>> = batches.iter().map(|b| b.positions.clone()).collect();
        let test = |batch: &Batch| {
            Body::TestSet(
                batch
                    .positions
                    .iter()
                    .filter_map(|&i| request.get(i).cloned())
                    .collect(),
            )
        };
        let tested = match self.send(batches, test) {
            Ok(sent) => self.collect(sent).await.map(|_| ()),
            Err((batch, error)) => {
                self.failed(&batch.link, error);
                Err((
                    ErrorStatus::GenErr,
                    batch.positions.first().copied().unwrap_or(0) + 1,
                ))
            }
        };
        if let Err((status, at)) = tested {
            self.cleanup(&links);
            return Outcome::error(status, at, request);
        }
        // Local bindings first: if one fails, the subagents have committed nothing
        // and are only told to clean up.
        let mut committed: Vec<(usize, &Arc<dyn Instrument>, Undo)> = Vec::new();
        for (i, instrument) in &local {
            match instrument.commit_binding(request, *i) {
                Ok(undo) => committed.push((*i, instrument, undo)),
                Err(_) => {
                    let status = undo_local(request, committed);
                    self.cleanup(&links);
                    return Outcome::error(status, i + 1, request);
                }
            }
        }
        let mut commit_failure: Option<Failure> = None;
        let mut commit_ok: Vec<&Arc<Link>> = Vec::new();
        let mut waiting = Vec::new();
        for (link, positions) in links.iter().zip(&positions) {
            match link.start(self.transaction, self.context, Body::CommitSet, 0) {
                Ok(pending) => waiting.push((link, positions, pending)),
                Err(error) => {
                    self.failed(link, error);
                    let at = positions.first().copied().unwrap_or(0) + 1;
                    commit_failure.get_or_insert((ErrorStatus::CommitFailed, at));
                }
            }
        }
        for (link, positions, pending) in waiting {
            match pending.wait(link).await {
                Ok(response) if response.error == ResponseError::NO_ERROR => commit_ok.push(link),
                Ok(response) => {
                    let batch = Batch {
                        link: Arc::clone(link),
                        positions: positions.clone(),
                        timeout: 0,
                    };
                    let failure = Self::response_failure(&batch, &response)
                        .unwrap_or((ErrorStatus::CommitFailed, 1));
                    commit_failure.get_or_insert(failure);
                }
                Err(error) => {
                    self.failed(link, error);
                    let at = positions.first().copied().unwrap_or(0) + 1;
                    commit_failure.get_or_insert((ErrorStatus::CommitFailed, at));
                }
            }
        }
        let Some((mut status, at)) = commit_failure else {
            self.cleanup(&links);
            return Outcome::ok(request.to_vec());
        };
        if status != ErrorStatus::UndoFailed {
            status = ErrorStatus::CommitFailed;
        }
        // Undo what was committed: the subagents that succeeded, then the local part.
        let mut undone = Vec::new();
        for link in &commit_ok {
            if let Ok(pending) = link.start(self.transaction, self.context, Body::UndoSet, 0) {
                undone.push((*link, pending));
            } else {
                status = ErrorStatus::UndoFailed;
            }
        }
        for (link, pending) in undone {
            match pending.wait(link).await {
                Ok(response) if response.error == ResponseError::NO_ERROR => {}
                _ => status = ErrorStatus::UndoFailed,
            }
        }
        if undo_local(request, committed) == ErrorStatus::UndoFailed {
            status = ErrorStatus::UndoFailed;
        }
        self.cleanup(&links);
        Outcome::error(status, at, request)
    }

    /// CleanupSet to every subagent of a SET (no Response comes back).
    fn cleanup(&self, links: &[Arc<Link>]) {
        for link in links {
            let _ = link.send_only(self.transaction, Body::CleanupSet);
        }
    }
}

/// Stores `value` in slot `i` (always in range: slots are made one per binding).
fn put<T>(slots: &mut [Option<T>], i: usize, value: T) {
    if let Some(slot) = slots.get_mut(i) {
        *slot = Some(value);
    }
}

/// Undoes committed local bindings, last first: commitFailed, or undoFailed if an
/// undo failed.
fn undo_local(
    request: &[VarBind],
    committed: Vec<(usize, &Arc<dyn Instrument>, Undo)>,
) -> ErrorStatus {
    let mut status = ErrorStatus::CommitFailed;
    for (at, instrument, undo) in committed.into_iter().rev() {
        if instrument.undo_binding(request, at, undo).is_err() {
            status = ErrorStatus::UndoFailed;
        }
    }
    status
}

/// Whether `oid` lies in the region (after its start, or at it when included, and
/// before its end).
fn in_region(region: &Region, oid: &Oid) -> bool {
    let after_start = if region.include {
        oid >= &region.start
    } else {
        oid > &region.start
    };
    after_start && region.end.as_ref().is_none_or(|end| oid < end)
}

/// The failure of the earlier binding: a response names the first error.
fn earlier(old: Option<Failure>, new: Failure) -> Failure {
    match old {
        Some(old) if old.1 <= new.1 => old,
        _ => new,
    }
}
