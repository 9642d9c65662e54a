//! Timeliness (RFC 3414 §2.2.3, §3.2.7): what an engine knows of an authoritative
//! engine's clock, and the 150-second window messages must fall in.

use std::time::Instant;

/// How far from the receiver's notion of time a message may be, in seconds.
pub const TIME_WINDOW: u32 = 150;

/// `snmpEngineBoots` at which an engine must be reconfigured: nothing is in time.
pub const MAX_BOOTS: u32 = 2_147_483_647;

/// A non-authoritative engine's notion of an authoritative engine's clock: the boots
/// and time last learned, when they were learned, and `latestReceivedEngineTime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineTime {
    boots: u32,
    time: u32,
    latest_received: u32,
    at: Instant,
}

impl EngineTime {
    /// Boots and time learned at `now` (from a discovery Report, say).
    pub fn new(boots: u32, time: u32, now: Instant) -> EngineTime {
        EngineTime {
            boots,
            time,
            latest_received: time,
            at: now,
        }
    }

    /// The engine's boots and time as estimated at `now`, for an outgoing message.
    pub fn estimate(&self, now: Instant) -> (u32, u32) {
        let elapsed = now.saturating_duration_since(self.at).as_secs();
        let time = u64::from(self.time)
            .saturating_add(elapsed)
            .min(u64::from(MAX_BOOTS));
        (self.boots, time as u32)
    }

    /// An authenticated message from the engine arrived with `boots` and `time`:
    /// learn from it (RFC 3414 §3.2.7 b), then say whether it is in the window.
    pub fn receive(&mut self, boots: u32, time: u32, now: Instant) -> bool {
        if boots > self.boots || (boots == self.boots && time > self.latest_received) {
            *self = EngineTime {
                boots,
                time,
                latest_received: time,
                at: now,
            };
        }
        let (local_boots, local_time) = self.estimate(now);
        !(local_boots == MAX_BOOTS
            || boots < local_boots
            || (boots == local_boots && time.saturating_add(TIME_WINDOW) < local_time))
    }

    /// Takes the boots and time a `notInTimeWindow` Report carries, whatever they are:
    /// the agent is the authority on its own clock (RFC 3414 §4).
    pub fn resynchronize(&mut self, boots: u32, time: u32, now: Instant) {
        *self = EngineTime::new(boots, time, now);
    }
}

/// This engine as an authoritative one (RFC 3411 §3.1.1): its ID, how often it booted,
/// and its clock (`snmpEngineTime`, seconds since it last booted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalEngine {
    id: Vec<u8>,
    boots: u32,
    started: Instant,
}

impl LocalEngine {
    /// An engine with `id` that has booted `boots` times, its clock starting `now`.
    pub fn new(id: Vec<u8>, boots: u32, now: Instant) -> LocalEngine {
        LocalEngine {
            id,
            boots,
            started: now,
        }
    }

    /// An engine ID of RFC 3411's text format: the enterprise number with the high bit
    /// set, format 4, then up to 27 octets of `text`.
    ///
    /// ```
    /// use smic_snmp_proto::usm::LocalEngine;
    /// assert_eq!(LocalEngine::text_id(8072, "agent"), b"\x80\x00\x1f\x88\x04agent");
    /// ```
    pub fn text_id(enterprise: u32, text: &str) -> Vec<u8> {
        let mut id = (enterprise | 0x8000_0000).to_be_bytes().to_vec();
        id.push(4);
        id.extend(text.bytes().take(27));
        id
    }

    /// `snmpEngineID`.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// `snmpEngineBoots`.
    pub fn boots(&self) -> u32 {
        self.boots
    }

    /// `snmpEngineTime` at `now`.
    pub fn time(&self, now: Instant) -> u32 {
        let secs = now.saturating_duration_since(self.started).as_secs();
        secs.min(u64::from(MAX_BOOTS)) as u32
    }
}

/// The authoritative engine's check (RFC 3414 §3.2.7 a): whether a message claiming
/// `boots` and `time` is in the window of an engine at `local_boots` and `local_time`.
pub fn in_window(local_boots: u32, local_time: u32, boots: u32, time: u32) -> bool {
    local_boots != MAX_BOOTS && boots == local_boots && local_time.abs_diff(time) <= TIME_WINDOW
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_non_authoritative_window() {
        let t0 = Instant::now();
        let mut clock = EngineTime::new(5, 1000, t0);
        assert_eq!(clock.estimate(t0 + Duration::from_secs(10)), (5, 1010));
        // In time, ahead, and a little behind.
        assert!(clock.receive(5, 1005, t0 + Duration::from_secs(5)));
        assert!(clock.receive(5, 1100, t0 + Duration::from_secs(6)));
        assert!(clock.receive(5, 1000, t0 + Duration::from_secs(7)));
        // Older boots, or 150 s behind: out of the window.
        assert!(!clock.receive(4, 1100, t0 + Duration::from_secs(7)));
        assert!(!clock.receive(5, 900, t0 + Duration::from_secs(7)));
        // A reboot is learned.
        assert!(clock.receive(6, 3, t0 + Duration::from_secs(8)));
        assert_eq!(clock.estimate(t0 + Duration::from_secs(8)), (6, 3));
        let mut stuck = EngineTime::new(MAX_BOOTS, 0, t0);
        assert!(!stuck.receive(MAX_BOOTS, 0, t0));
    }

    #[test]
    fn the_authoritative_window() {
        assert!(in_window(3, 1000, 3, 1150));
        assert!(in_window(3, 1000, 3, 850));
        assert!(!in_window(3, 1000, 3, 1151));
        assert!(!in_window(3, 1000, 2, 1000));
        assert!(!in_window(MAX_BOOTS, 1000, MAX_BOOTS, 1000));
    }
}
