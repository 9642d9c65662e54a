//! BER (X.690) as SNMP uses it: definite lengths, primitive INTEGER, OCTET STRING, NULL,
//! OBJECT IDENTIFIER, the SMI application types, and constructed SEQUENCEs and PDUs.

mod reader;
mod writer;

pub use reader::{MAX_DEPTH, Reader};
pub use writer::Writer;

/// Tags SNMP uses (X.690 identifier octets, all single-byte).
pub mod tag {
    /// `INTEGER`.
    pub const INTEGER: u8 = 0x02;
    /// `OCTET STRING`.
    pub const OCTET_STRING: u8 = 0x04;
    /// `NULL`.
    pub const NULL: u8 = 0x05;
    /// `OBJECT IDENTIFIER`.
    pub const OBJECT_IDENTIFIER: u8 = 0x06;
    /// `SEQUENCE`.
    pub const SEQUENCE: u8 = 0x30;
    /// `IpAddress` ([APPLICATION 0]).
    pub const IP_ADDRESS: u8 = 0x40;
    /// `Counter32` ([APPLICATION 1]).
    pub const COUNTER32: u8 = 0x41;
    /// `Gauge32` / `Unsigned32` ([APPLICATION 2]).
    pub const GAUGE32: u8 = 0x42;
    /// `TimeTicks` ([APPLICATION 3]).
    pub const TIMETICKS: u8 = 0x43;
    /// `Opaque` ([APPLICATION 4]).
    pub const OPAQUE: u8 = 0x44;
    /// `Counter64` ([APPLICATION 6]).
    pub const COUNTER64: u8 = 0x46;
    /// `noSuchObject` (`[0] IMPLICIT NULL`).
    pub const NO_SUCH_OBJECT: u8 = 0x80;
    /// `noSuchInstance` (`[1] IMPLICIT NULL`).
    pub const NO_SUCH_INSTANCE: u8 = 0x81;
    /// `endOfMibView` (`[2] IMPLICIT NULL`).
    pub const END_OF_MIB_VIEW: u8 = 0x82;
}

/// Why bytes are not valid BER for SNMP.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input ends inside an element.
    #[error("truncated: {needed} more bytes needed at offset {at}")]
    Truncated {
        /// Where.
        at: usize,
        /// How many bytes are missing.
        needed: usize,
    },
    /// A length that is indefinite, over-long or larger than what remains.
    #[error("bad length at offset {at}")]
    BadLength {
        /// Where.
        at: usize,
    },
    /// An element with another tag than expected.
    #[error("expected tag {expected:#04x}, found {found:#04x} at offset {at}")]
    UnexpectedTag {
        /// The tag wanted.
        expected: u8,
        /// The tag found.
        found: u8,
        /// Where.
        at: usize,
    },
    /// A tag SNMP does not use (multi-byte tags included).
    #[error("unknown tag {tag:#04x} at offset {at}")]
    UnknownTag {
        /// The tag.
        tag: u8,
        /// Where.
        at: usize,
    },
    /// An integer too large for its type, or encoded with zero length or padding.
    #[error("bad integer at offset {at}")]
    BadInteger {
        /// Where.
        at: usize,
    },
    /// An OBJECT IDENTIFIER that is empty, has arcs over 2^32-1, more than 128 arcs, or
    /// a sub-identifier cut short.
    #[error("bad object identifier at offset {at}")]
    BadOid {
        /// Where.
        at: usize,
    },
    /// Bytes left after the last element.
    #[error("{count} trailing bytes at offset {at}")]
    TrailingBytes {
        /// Where they start.
        at: usize,
        /// How many.
        count: usize,
    },
    /// Constructed elements nested deeper than any SNMP message.
    #[error("nesting deeper than {max} at offset {at}")]
    TooDeep {
        /// The limit.
        max: usize,
        /// Where.
        at: usize,
    },
    /// A field with a value the protocol does not define (version, PDU type, ...).
    #[error("{what} {value} is not valid at offset {at}")]
    InvalidValue {
        /// Which field.
        what: &'static str,
        /// The value found.
        value: i64,
        /// Where.
        at: usize,
    },
}

#[cfg(test)]
mod tests {
    use smic_smi::{Oid, Value};

    use super::{Reader, Writer};

    fn encoded(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut writer = Writer::new();
        write(&mut writer);
        writer.into_bytes()
    }

    #[test]
    fn integers_take_the_fewest_octets_of_twos_complement() {
        let cases: [(i64, &[u8]); 10] = [
            (0, &[0x02, 0x01, 0x00]),
            (127, &[0x02, 0x01, 0x7f]),
            (128, &[0x02, 0x02, 0x00, 0x80]),
            (256, &[0x02, 0x02, 0x01, 0x00]),
            (-1, &[0x02, 0x01, 0xff]),
            (-128, &[0x02, 0x01, 0x80]),
            (-129, &[0x02, 0x02, 0xff, 0x7f]),
            (i64::from(i32::MAX), &[0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]),
            (i64::from(i32::MIN), &[0x02, 0x04, 0x80, 0x00, 0x00, 0x00]),
            (i64::MIN, &[0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        ];
        for (n, expected) in cases {
            assert_eq!(encoded(|w| w.integer(n)), expected, "{n}");
        }
    }

    #[test]
    fn unsigned_values_are_padded_when_their_top_bit_is_set() {
        let cases: [(Value, &[u8]); 4] = [
            (Value::Counter32(0), &[0x41, 0x01, 0x00]),
            (Value::Counter32(0x80), &[0x41, 0x02, 0x00, 0x80]),
            (
                Value::Counter32(u32::MAX),
                &[0x41, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff],
            ),
            (
                Value::Counter64(u64::MAX),
                &[
                    0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                ],
            ),
        ];
        for (value, expected) in cases {
            let bytes = encoded(|w| w.value(&value));
            assert_eq!(bytes, expected, "{value:?}");
            assert_eq!(Reader::new(&bytes).value(), Ok(value));
        }
    }

    #[test]
    fn subidentifiers_are_base_128_with_continuation_bits() {
        let oid = Oid::from_vec(vec![1, 3, 0, 127, 128, 16_383, 16_384, u32::MAX]);
        let bytes = encoded(|w| w.oid(&oid));
        let content: &[u8] = &[
            0x2b, 0x00, 0x7f, 0x81, 0x00, 0xff, 0x7f, 0x81, 0x80, 0x00, 0x8f, 0xff, 0xff, 0xff,
            0x7f,
        ];
        assert_eq!(bytes.get(2..), Some(content));
        assert_eq!(Reader::new(&bytes).oid(), Ok(oid));
    }

    #[test]
    fn lengths_past_127_use_the_long_form() {
        for (len, header) in [
            (127, &[0x04, 0x7f][..]),
            (128, &[0x04, 0x81, 0x80]),
            (256, &[0x04, 0x82, 0x01, 0x00]),
        ] {
            let content = vec![0xaa; len];
            let bytes = encoded(|w| w.octets(&content));
            assert_eq!(bytes.get(..header.len()), Some(header), "{len}");
            assert_eq!(Reader::new(&bytes).octets(), Ok(&content[..]));
        }
        let nested = encoded(|w| w.sequence(|w| w.octets(&[0; 200])));
        assert_eq!(nested.get(..3), Some(&[0x30, 0x81, 0xcb][..]));
        let mut reader = Reader::new(&nested);
        assert_eq!(
            reader
                .sequence()
                .and_then(|mut s| s.octets().map(<[u8]>::len)),
            Ok(200)
        );
    }
}
