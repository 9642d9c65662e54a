//! Writing BER into one growing buffer.

use smic_smi::{Oid, Value};

use super::tag;

/// Writes BER. Constructed elements are written content-first: [`Writer::constructed`]
/// reserves the header, runs the closure, then fills the length in (moving the contents
/// only when the length needs more than one byte).
///
/// ```
/// use smic_snmp_proto::ber::{Reader, Writer};
/// let mut w = Writer::new();
/// w.sequence(|w| w.integer(5));
/// assert_eq!(w.into_bytes(), [0x30, 0x03, 0x02, 0x01, 0x05]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Writer::default()
    }

    /// The encoded bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn header(&mut self, tag: u8, len: usize) {
        self.buf.push(tag);
        push_length(&mut self.buf, len);
    }

    /// A constructed element whose contents `f` writes.
    pub fn constructed(&mut self, tag: u8, f: impl FnOnce(&mut Writer)) {
        self.buf.push(tag);
        let length_at = self.buf.len();
        self.buf.push(0);
        f(self);
        let len = self.buf.len() - length_at - 1;
        if let (Ok(short @ 0..0x80), Some(placeholder)) =
            (u8::try_from(len), self.buf.get_mut(length_at))
        {
            *placeholder = short;
        } else {
            let mut header = Vec::with_capacity(5);
            push_length(&mut header, len);
            self.buf.splice(length_at..=length_at, header);
        }
    }

    /// A SEQUENCE.
    pub fn sequence(&mut self, f: impl FnOnce(&mut Writer)) {
        self.constructed(tag::SEQUENCE, f);
    }

    /// An INTEGER.
    pub fn integer(&mut self, n: i64) {
        self.signed(tag::INTEGER, n);
    }

    fn signed(&mut self, tag: u8, n: i64) {
        let bytes = n.to_be_bytes();
        // Drop leading bytes that only repeat the sign.
        let start = bytes
            .windows(2)
            .take_while(|pair| {
                matches!(pair, [0x00, next] if next & 0x80 == 0)
                    || matches!(pair, [0xff, next] if next & 0x80 != 0)
            })
            .count();
        let content = bytes.get(start..).unwrap_or(&bytes);
        self.header(tag, content.len());
        self.buf.extend_from_slice(content);
    }

    fn unsigned(&mut self, tag: u8, n: u64) {
        let bytes = n.to_be_bytes();
        let content = significant(&bytes);
        // A set top bit needs a 0x00 in front, or the value would read as negative.
        let pad = content.first().is_some_and(|b| b & 0x80 != 0);
        self.header(tag, content.len() + usize::from(pad));
        if pad {
            self.buf.push(0);
        }
        self.buf.extend_from_slice(content);
    }

    /// An OCTET STRING.
    pub fn octets(&mut self, bytes: &[u8]) {
        self.tagged_octets(tag::OCTET_STRING, bytes);
    }

    fn tagged_octets(&mut self, tag: u8, bytes: &[u8]) {
        self.header(tag, bytes.len());
        self.buf.extend_from_slice(bytes);
    }

    /// A NULL.
    pub fn null(&mut self) {
        self.header(tag::NULL, 0);
    }

    /// An OBJECT IDENTIFIER. OIDs shorter than two arcs are written as `0.0`-style pairs
    /// (`x` alone as `x.0`), the form agents use for such values.
    pub fn oid(&mut self, oid: &Oid) {
        let arcs = oid.arcs();
        let mut content = Vec::with_capacity(arcs.len() + 4);
        let first = arcs.first().copied().unwrap_or(0).min(2);
        let second = arcs.get(1).copied().unwrap_or(0);
        push_subidentifier(&mut content, u64::from(first) * 40 + u64::from(second));
        for &arc in arcs.iter().skip(2) {
            push_subidentifier(&mut content, u64::from(arc));
        }
        self.tagged_octets(tag::OBJECT_IDENTIFIER, &content);
    }

    /// Any variable-binding value.
    pub fn value(&mut self, value: &Value) {
        match value {
            Value::Integer(n) => self.integer(i64::from(*n)),
            Value::OctetString(bytes) => self.octets(bytes),
            Value::Null => self.null(),
            Value::ObjectIdentifier(oid) => self.oid(oid),
            Value::IpAddress(ip) => self.tagged_octets(tag::IP_ADDRESS, ip),
            Value::Counter32(n) => self.unsigned(tag::COUNTER32, u64::from(*n)),
            Value::Gauge32(n) => self.unsigned(tag::GAUGE32, u64::from(*n)),
            Value::TimeTicks(n) => self.unsigned(tag::TIMETICKS, u64::from(*n)),
            Value::Opaque(bytes) => self.tagged_octets(tag::OPAQUE, bytes),
            Value::Counter64(n) => self.unsigned(tag::COUNTER64, *n),
            Value::NoSuchObject => self.header(tag::NO_SUCH_OBJECT, 0),
            Value::NoSuchInstance => self.header(tag::NO_SUCH_INSTANCE, 0),
            Value::EndOfMibView => self.header(tag::END_OF_MIB_VIEW, 0),
        }
    }
}

fn push_length(buf: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        buf.push(len as u8);
        return;
    }
    let bytes = (len as u64).to_be_bytes();
    let content = significant(&bytes);
    buf.push(0x80 | content.len() as u8);
    buf.extend_from_slice(content);
}

/// The big-endian bytes of an unsigned number without its leading zeros (one byte for 0).
fn significant(bytes: &[u8; 8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(7);
    bytes.get(start..).unwrap_or(bytes)
}

fn push_subidentifier(buf: &mut Vec<u8>, value: u64) {
    // Base-128 digits, most significant first; all but the last carry the high bit.
    let digits = (64 - value.leading_zeros()).div_ceil(7).max(1);
    for i in (0..digits).rev() {
        let group = ((value >> (7 * i)) & 0x7f) as u8;
        buf.push(group | if i > 0 { 0x80 } else { 0 });
    }
}
