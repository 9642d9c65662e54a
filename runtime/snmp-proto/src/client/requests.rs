//! The manager's sans-IO core: request identifiers, retransmissions and timeouts, and
//! matching responses to requests. Bytes and time in; bytes to send and events out.
//! The tokio transport ([`super::Client`]) only moves bytes and sleeps.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::message::{AnyPdu, Message};

/// Identifies one outstanding request.
pub type RequestId = i32;

/// What happened to a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// The response arrived.
    Response(RequestId, Message),
    /// Every retry went unanswered.
    TimedOut(RequestId),
}

/// Why an incoming datagram was dropped (for tracing; drops are normal on UDP).
#[derive(Debug, PartialEq, Eq)]
pub enum Dropped {
    /// Not BER or not a v1/v2c message.
    Malformed,
    /// From another address than the request went to.
    WrongSource,
    /// No outstanding request has this identifier (late, duplicate or forged).
    UnknownRequest,
    /// Not a Response-PDU.
    NotAResponse,
}

struct Outstanding {
    bytes: Vec<u8>,
    target: SocketAddr,
    deadline: Instant,
    retries_left: u32,
}

/// Outstanding requests and their deadlines.
pub struct Requests {
    timeout: Duration,
    retries: u32,
    next_id: u32,
    outstanding: HashMap<RequestId, Outstanding>,
}

impl Requests {
    /// A table whose requests wait `timeout` for each attempt and are sent `1 + retries` times.
    pub fn new(timeout: Duration, retries: u32, seed: u32) -> Self {
        Requests {
            timeout,
            retries,
            next_id: seed & 0x3fff_ffff,
            outstanding: HashMap::new(),
        }
    }

    /// A fresh request identifier (positive, wrapping, never one still outstanding).
    pub fn allocate(&mut self) -> RequestId {
        loop {
            self.next_id = (self.next_id + 1) & 0x7fff_ffff;
            let id = self.next_id as i32;
            if id != 0 && !self.outstanding.contains_key(&id) {
                return id;
            }
        }
    }

    /// Registers an encoded request sent to `target` at `now`; returns the bytes to send.
    pub fn start(
        &mut self,
        id: RequestId,
        bytes: Vec<u8>,
        target: SocketAddr,
        now: Instant,
    ) -> &[u8] {
        let entry = Outstanding {
            bytes,
            target,
            deadline: now + self.timeout,
            retries_left: self.retries,
        };
        &self
            .outstanding
            .entry(id)
            .insert_entry(entry)
            .into_mut()
            .bytes
    }

    /// Abandons a request (its caller went away).
    pub fn cancel(&mut self, id: RequestId) {
        self.outstanding.remove(&id);
    }

    /// A datagram from `from`: the response to an outstanding request, or a drop.
    pub fn receive(&mut self, from: SocketAddr, bytes: &[u8]) -> Result<Event, Dropped> {
        let message = Message::decode(bytes).map_err(|_| Dropped::Malformed)?;
        let AnyPdu::Pdu(pdu) = &message.pdu else {
            return Err(Dropped::NotAResponse);
        };
        if pdu.kind != crate::PduType::Response {
            return Err(Dropped::NotAResponse);
        }
        let id = pdu.request_id;
        self.complete(id, from)?;
        Ok(Event::Response(id, message))
    }

    /// Ends request `id` on an answer from `from` that the caller decoded (SNMPv3
    /// matches on msgID): refused when no such request waits or it went elsewhere.
    pub fn complete(&mut self, id: RequestId, from: SocketAddr) -> Result<(), Dropped> {
        let outstanding = self.outstanding.get(&id).ok_or(Dropped::UnknownRequest)?;
        if outstanding.target != from {
            return Err(Dropped::WrongSource);
        }
        self.outstanding.remove(&id);
        Ok(())
    }

    /// At `now`: the requests to send again (with their target), and those that timed out.
    pub fn poll(&mut self, now: Instant) -> (Vec<(Vec<u8>, SocketAddr)>, Vec<Event>) {
        let mut resend = Vec::new();
        let mut expired = Vec::new();
        for (&id, outstanding) in &mut self.outstanding {
            if outstanding.deadline > now {
                continue;
            }
            if outstanding.retries_left == 0 {
                expired.push(id);
            } else {
                outstanding.retries_left -= 1;
                outstanding.deadline = now + self.timeout;
                resend.push((outstanding.bytes.clone(), outstanding.target));
            }
        }
        expired.sort_unstable();
        for id in &expired {
            self.outstanding.remove(id);
        }
        (resend, expired.into_iter().map(Event::TimedOut).collect())
    }

    /// When [`Requests::poll`] next has work, if any request is outstanding.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.outstanding.values().map(|o| o.deadline).min()
    }

    /// Requests in flight.
    pub fn len(&self) -> usize {
        self.outstanding.len()
    }

    /// Whether none are in flight.
    pub fn is_empty(&self) -> bool {
        self.outstanding.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use smic_smi::oid;

    use super::*;
    use crate::{Pdu, PduType, VarBind, Version};

    fn message(kind: PduType, id: RequestId) -> Message {
        Message {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                kind,
                request_id: id,
                error_status: 0,
                error_index: 0,
                varbinds: vec![VarBind::null(oid!(1, 3, 6, 1).clone())],
            }),
        }
    }

    #[test]
    fn matches_responses_retries_and_times_out() {
        let agent: SocketAddr = "127.0.0.1:161".parse().unwrap_or_else(|e| panic!("{e}"));
        let other: SocketAddr = "127.0.0.2:161".parse().unwrap_or_else(|e| panic!("{e}"));
        let t0 = Instant::now();
        let mut requests = Requests::new(Duration::from_secs(1), 1, 7);
        let a = requests.allocate();
        let b = requests.allocate();
        assert_ne!(a, b);
        requests.start(a, message(PduType::Get, a).encode(), agent, t0);
        requests.start(b, message(PduType::Get, b).encode(), agent, t0);

        // A response from the wrong address, a request echoed back, an unknown id, junk.
        assert_eq!(
            requests.receive(other, &message(PduType::Response, a).encode()),
            Err(Dropped::WrongSource)
        );
        assert_eq!(
            requests.receive(agent, &message(PduType::Get, a).encode()),
            Err(Dropped::NotAResponse)
        );
        assert_eq!(
            requests.receive(agent, &message(PduType::Response, 999).encode()),
            Err(Dropped::UnknownRequest)
        );
        assert_eq!(
            requests.receive(agent, b"\x30\x00junk"),
            Err(Dropped::Malformed)
        );

        let reply = message(PduType::Response, a);
        assert_eq!(
            requests.receive(agent, &reply.encode()),
            Ok(Event::Response(a, reply.clone()))
        );
        // A duplicate is late news.
        assert_eq!(
            requests.receive(agent, &reply.encode()),
            Err(Dropped::UnknownRequest)
        );

        // b: one retry, then a timeout.
        let (resend, expired) = requests.poll(t0 + Duration::from_millis(1001));
        assert_eq!((resend.len(), expired.len()), (1, 0));
        let (resend, expired) = requests.poll(t0 + Duration::from_millis(2002));
        assert_eq!(resend.len(), 0);
        assert_eq!(expired, [Event::TimedOut(b)]);
        assert!(requests.is_empty());
        assert_eq!(requests.next_deadline(), None);
    }
}
