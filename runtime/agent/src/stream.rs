//! SNMP requests over streams (TCP, Unix): the service the shared stream server
//! ([`smic_snmp::transport::stream`]) hands each framed request to.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Instant;

use smic_snmp::agent::Step;

use crate::Shared;

/// One request's answer, from the agent or through the master.
pub(crate) async fn answer(shared: &Shared, request: &[u8], peer: SocketAddr) -> Option<Vec<u8>> {
    let accepted = match shared.responder.accept_at(request, peer, Instant::now()) {
        Step::Answered(answer) => return answer,
        Step::Serve(accepted) => accepted,
    };
    shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    let responder = &shared.responder;
    let outcome = if shared.master.is_local(&accepted) {
        responder
            .core()
            .serve(accepted.principal(), accepted.pdu(), || accepted.budget())
    } else {
        shared.master.serve(responder, &accepted).await
    };
    outcome.and_then(|o| responder.answer(&accepted, o))
}
