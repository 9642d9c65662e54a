//! The AgentX decoder: arbitrary bytes as one PDU and as a stream cut by the framer.
//! Nothing may panic or allocate without bound; whatever decodes must encode again and
//! decode to the same PDU.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smic_agentx::wire::{Framer, Pdu};

fn round_trip(pdu: &Pdu) {
    let bytes = pdu.encode().expect("a decoded PDU encodes");
    assert_eq!(Pdu::decode(&bytes).as_ref(), Ok(pdu), "re-decoded differently");
}

fuzz_target!(|data: &[u8]| {
    if let Ok(pdu) = Pdu::decode(data) {
        round_trip(&pdu);
    }
    // The same bytes as a stream, pushed in two pieces.
    let mut framer = Framer::new(4096);
    let (a, b) = data.split_at(data.len() / 2);
    for piece in [a, b] {
        framer.push(piece);
        while let Ok(Some(frame)) = framer.next_frame() {
            if let Ok(pdu) = frame.decode() {
                round_trip(&pdu);
            }
        }
    }
    assert!(framer.buffered() <= data.len());
});
