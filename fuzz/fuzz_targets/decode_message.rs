//! Arbitrary datagrams through the SNMPv1/v2c message decoder. Nothing may panic or
//! allocate without bound, and whatever decodes must survive a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smic_snmp_proto::Message;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = Message::decode(data) {
        let again = Message::decode(&message.encode());
        assert_eq!(again.as_ref(), Ok(&message));
    }
});
