//! The stream framer (SNMP over TCP and Unix sockets, RFC 3430): arbitrary bytes
//! pushed in arbitrary pieces. Nothing may panic; what it holds never exceeds the
//! bytes pushed; every message it yields is a whole BER SEQUENCE of at most the
//! maximum, and cutting the same bytes differently yields the same messages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smic_snmp_proto::stream::Framer;

const MAX: usize = 2048;

/// The messages of `data` pushed in pieces of `step` bytes, and whether it failed.
fn frame(data: &[u8], step: usize) -> (Vec<Vec<u8>>, bool) {
    let mut framer = Framer::new(MAX);
    let mut out = Vec::new();
    for piece in data.chunks(step.max(1)) {
        framer.push(piece);
        loop {
            match framer.next_message() {
                Ok(Some(message)) => {
                    assert!(message.len() <= MAX);
                    assert_eq!(message.first(), Some(&0x30));
                    out.push(message);
                }
                Ok(None) => break,
                Err(_) => return (out, true),
            }
        }
        assert!(framer.buffered() <= data.len());
    }
    (out, false)
}

fuzz_target!(|input: (u8, &[u8])| {
    let (step, data) = input;
    let whole = frame(data, data.len());
    let pieces = frame(data, usize::from(step));
    assert_eq!(whole, pieces, "cut differently, framed differently");
    let consumed: usize = whole.0.iter().map(Vec::len).sum();
    assert!(consumed <= data.len());
});
