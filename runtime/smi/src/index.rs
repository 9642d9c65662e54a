//! Index codecs: how a row's INDEX values become the sub-identifiers after a column's
//! OID, and back (RFC 2578 §7.7).
//!
//! Generated `Index` structs chain one [`IndexPart`] per component, each told its
//! [`IndexEncoding`] by the MIB (fixed-size strings and IMPLIED change the encoding,
//! not the Rust type). [`decode_values`] does the same without generated code, for
//! formatting instance OIDs through the [`Registry`](crate::Registry).

use std::fmt::{self, Write as _};
use std::net::Ipv4Addr;

use crate::Oid;
use crate::syntax::{BitSet, Counter32, Enum, Enumeration, Flag, TimeTicks};

/// How one INDEX component is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexEncoding {
    /// One sub-identifier (integers, enumerations).
    Integer,
    /// A string of fixed size: that many sub-identifiers, no length.
    FixedString(u32),
    /// A length sub-identifier, then one per octet.
    String,
    /// `IMPLIED`: one sub-identifier per octet, to the end.
    ImpliedString,
    /// A length sub-identifier, then the arcs.
    ObjectIdentifier,
    /// `IMPLIED`: the arcs, to the end.
    ImpliedObjectIdentifier,
    /// Four sub-identifiers.
    IpAddress,
    /// `NetworkAddress` (SMIv1): `1` (internet), then four sub-identifiers.
    NetworkAddress,
}

/// Why an instance suffix does not fit a row's index.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The OID is not under the row.
    #[error("the OID is not under this table's row")]
    NotUnder,
    /// Sub-identifiers ran out.
    #[error("the instance suffix is too short for the index")]
    Truncated,
    /// Sub-identifiers were left over.
    #[error("{0} sub-identifier(s) left after the index")]
    TrailingArcs(usize),
    /// A sub-identifier does not fit the component (an octet over 255, a negative
    /// integer, a length over the OID limit).
    #[error("sub-identifier {0} does not fit the index component")]
    BadArc(u32),
    /// The value breaks its type's constraints.
    #[error(transparent)]
    Constraint(#[from] crate::syntax::ConstraintError),
}

/// A row's whole index: encodes to and decodes from an instance suffix.
pub trait Index: Sized {
    /// Appends the sub-identifiers.
    fn encode(&self, out: &mut Vec<u32>);

    /// Takes this index's sub-identifiers from the front of `arcs`.
    fn decode(arcs: &mut &[u32]) -> Result<Self, IndexError>;

    /// The instance suffix alone.
    fn to_arcs(&self) -> Vec<u32> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// Decodes a whole suffix; leftovers are an error.
    fn from_arcs(mut arcs: &[u32]) -> Result<Self, IndexError> {
        let index = Self::decode(&mut arcs)?;
        match arcs.len() {
            0 => Ok(index),
            n => Err(IndexError::TrailingArcs(n)),
        }
    }
}

/// One component type of an index.
pub trait IndexPart: Sized {
    /// Appends the component.
    fn encode_part(&self, encoding: IndexEncoding, out: &mut Vec<u32>);

    /// Takes the component from the front of `arcs`.
    fn decode_part(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Self, IndexError>;
}

fn take<'a>(arcs: &mut &'a [u32], n: usize) -> Result<&'a [u32], IndexError> {
    if arcs.len() < n {
        return Err(IndexError::Truncated);
    }
    let (head, tail) = arcs.split_at(n);
    *arcs = tail;
    Ok(head)
}

fn take_one(arcs: &mut &[u32]) -> Result<u32, IndexError> {
    let (&first, tail) = arcs.split_first().ok_or(IndexError::Truncated)?;
    *arcs = tail;
    Ok(first)
}

fn octets(arcs: &[u32]) -> Result<Vec<u8>, IndexError> {
    arcs.iter()
        .map(|&a| u8::try_from(a).map_err(|_| IndexError::BadArc(a)))
        .collect()
}

fn length(arcs: &mut &[u32]) -> Result<usize, IndexError> {
    let n = take_one(arcs)?;
    // A length longer than what is left cannot be right; checking here also keeps a
    // hostile length from sizing an allocation.
    if n as usize > arcs.len() {
        return Err(IndexError::Truncated);
    }
    Ok(n as usize)
}

/// Encodes octets as a string component.
pub fn encode_octets(bytes: &[u8], encoding: IndexEncoding, out: &mut Vec<u32>) {
    if !matches!(
        encoding,
        IndexEncoding::FixedString(_) | IndexEncoding::ImpliedString
    ) {
        out.push(bytes.len() as u32);
    }
    out.extend(bytes.iter().map(|&b| u32::from(b)));
}

/// Decodes a string component.
pub fn decode_octets(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Vec<u8>, IndexError> {
    let n = match encoding {
        IndexEncoding::FixedString(n) => n as usize,
        IndexEncoding::ImpliedString => arcs.len(),
        _ => length(arcs)?,
    };
    octets(take(arcs, n)?)
}

impl IndexPart for Vec<u8> {
    fn encode_part(&self, encoding: IndexEncoding, out: &mut Vec<u32>) {
        encode_octets(self, encoding, out);
    }
    fn decode_part(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Self, IndexError> {
        decode_octets(arcs, encoding)
    }
}

impl IndexPart for u32 {
    fn encode_part(&self, _: IndexEncoding, out: &mut Vec<u32>) {
        out.push(*self);
    }
    fn decode_part(arcs: &mut &[u32], _: IndexEncoding) -> Result<Self, IndexError> {
        take_one(arcs)
    }
}

/// Integer indexes are non-negative (RFC 2578 §7.7); a negative value is written as
/// its two's complement, as net-snmp does, and read back the same way.
impl IndexPart for i32 {
    fn encode_part(&self, _: IndexEncoding, out: &mut Vec<u32>) {
        out.push(*self as u32);
    }
    fn decode_part(arcs: &mut &[u32], _: IndexEncoding) -> Result<Self, IndexError> {
        Ok(take_one(arcs)? as i32)
    }
}

impl IndexPart for Counter32 {
    fn encode_part(&self, _: IndexEncoding, out: &mut Vec<u32>) {
        out.push(self.0);
    }
    fn decode_part(arcs: &mut &[u32], _: IndexEncoding) -> Result<Self, IndexError> {
        take_one(arcs).map(Counter32)
    }
}

impl IndexPart for TimeTicks {
    fn encode_part(&self, _: IndexEncoding, out: &mut Vec<u32>) {
        out.push(self.0);
    }
    fn decode_part(arcs: &mut &[u32], _: IndexEncoding) -> Result<Self, IndexError> {
        take_one(arcs).map(TimeTicks)
    }
}

/// A 64-bit counter as an index (no MIB should, some do): one sub-identifier, so values
/// over 2^32 - 1 cannot be written and are saturated.
impl IndexPart for crate::syntax::Counter64 {
    fn encode_part(&self, _: IndexEncoding, out: &mut Vec<u32>) {
        out.push(u32::try_from(self.0).unwrap_or(u32::MAX));
    }
    fn decode_part(arcs: &mut &[u32], _: IndexEncoding) -> Result<Self, IndexError> {
        take_one(arcs).map(|n| crate::syntax::Counter64(u64::from(n)))
    }
}

impl IndexPart for crate::syntax::Opaque {
    fn encode_part(&self, encoding: IndexEncoding, out: &mut Vec<u32>) {
        encode_octets(&self.0, encoding, out);
    }
    fn decode_part(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Self, IndexError> {
        decode_octets(arcs, encoding).map(crate::syntax::Opaque)
    }
}

impl IndexPart for Oid {
    fn encode_part(&self, encoding: IndexEncoding, out: &mut Vec<u32>) {
        if encoding != IndexEncoding::ImpliedObjectIdentifier {
            out.push(self.len() as u32);
        }
        out.extend_from_slice(self.arcs());
    }
    fn decode_part(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Self, IndexError> {
        let n = match encoding {
            IndexEncoding::ImpliedObjectIdentifier => arcs.len(),
            _ => length(arcs)?,
        };
        if n > Oid::MAX_ARCS {
            return Err(IndexError::BadArc(n as u32));
        }
        Ok(Oid::from_vec(take(arcs, n)?.to_vec()))
    }
}

impl IndexPart for Ipv4Addr {
    fn encode_part(&self, encoding: IndexEncoding, out: &mut Vec<u32>) {
        if encoding == IndexEncoding::NetworkAddress {
            out.push(1);
        }
        out.extend(self.octets().iter().map(|&b| u32::from(b)));
    }
    fn decode_part(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Self, IndexError> {
        if encoding == IndexEncoding::NetworkAddress {
            match take_one(arcs)? {
                1 => {}
                other => return Err(IndexError::BadArc(other)),
            }
        }
        let o: [u8; 4] = octets(take(arcs, 4)?)?
            .try_into()
            .map_err(|_| IndexError::Truncated)?;
        Ok(Ipv4Addr::from(o))
    }
}

impl<E: Enumeration> IndexPart for Enum<E> {
    fn encode_part(&self, _: IndexEncoding, out: &mut Vec<u32>) {
        out.push(self.to_i32() as u32);
    }
    fn decode_part(arcs: &mut &[u32], _: IndexEncoding) -> Result<Self, IndexError> {
        Ok(Enum::from_i32(take_one(arcs)? as i32))
    }
}

impl<F: Flag> IndexPart for BitSet<F> {
    fn encode_part(&self, encoding: IndexEncoding, out: &mut Vec<u32>) {
        encode_octets(self.octets(), encoding, out);
    }
    fn decode_part(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Self, IndexError> {
        decode_octets(arcs, encoding).map(BitSet::from_octets)
    }
}

/// One index component decoded without generated code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexValue {
    /// An integer sub-identifier.
    Integer(u32),
    /// Octets.
    Bytes(Vec<u8>),
    /// An OID.
    Oid(Oid),
    /// An IPv4 address.
    IpAddress(Ipv4Addr),
}

/// Decodes a whole suffix through a list of encodings; `None` if it does not fit exactly.
///
/// ```
/// use smic_smi::index::{IndexEncoding as E, IndexValue, decode_values, format_values};
/// let values = decode_values(&[E::String, E::Integer], &[6, 112, 117, 98, 108, 105, 99, 7]).unwrap();
/// assert_eq!(values[1], IndexValue::Integer(7));
/// assert_eq!(format_values(&values), ".\"public\".7");
/// ```
pub fn decode_values(encodings: &[IndexEncoding], mut arcs: &[u32]) -> Option<Vec<IndexValue>> {
    let mut values = Vec::with_capacity(encodings.len());
    for &encoding in encodings {
        let value = match encoding {
            IndexEncoding::Integer => {
                IndexValue::Integer(u32::decode_part(&mut arcs, encoding).ok()?)
            }
            IndexEncoding::FixedString(_)
            | IndexEncoding::String
            | IndexEncoding::ImpliedString => {
                IndexValue::Bytes(decode_octets(&mut arcs, encoding).ok()?)
            }
            IndexEncoding::ObjectIdentifier | IndexEncoding::ImpliedObjectIdentifier => {
                IndexValue::Oid(Oid::decode_part(&mut arcs, encoding).ok()?)
            }
            IndexEncoding::IpAddress | IndexEncoding::NetworkAddress => {
                IndexValue::IpAddress(Ipv4Addr::decode_part(&mut arcs, encoding).ok()?)
            }
        };
        values.push(value);
    }
    (arcs.is_empty() && !encodings.is_empty()).then_some(values)
}

/// Writes decoded index values the way net-snmp does: `.5`, `."public"`, `.10.0.0.1`,
/// and hex for octets that are not printable (`.0x001b21`).
pub fn format_values(values: &[IndexValue]) -> String {
    let mut out = String::new();
    for value in values {
        // Writing to a String cannot fail.
        let _ = match value {
            IndexValue::Integer(n) => write!(out, ".{n}"),
            IndexValue::Bytes(bytes)
                if bytes.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'"') =>
            {
                write!(out, ".\"{}\"", String::from_utf8_lossy(bytes))
            }
            IndexValue::Bytes(bytes) => {
                out.push_str(".0x");
                bytes.iter().try_for_each(|b| write!(out, "{b:02x}"))
            }
            IndexValue::Oid(oid) => write!(out, ".{oid}"),
            IndexValue::IpAddress(ip) => write!(out, ".{ip}"),
        };
    }
    out
}

impl fmt::Display for IndexValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_values(std::slice::from_ref(self)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_hostile_suffixes() {
        let mut arcs: &[u32] = &[u32::MAX, 1, 2];
        assert_eq!(
            Vec::<u8>::decode_part(&mut arcs, IndexEncoding::String),
            Err(IndexError::Truncated)
        );
        let mut arcs: &[u32] = &[2, 300, 1];
        assert_eq!(
            Vec::<u8>::decode_part(&mut arcs, IndexEncoding::String),
            Err(IndexError::BadArc(300))
        );
        let mut arcs: &[u32] = &[2, 10, 0, 0, 1];
        assert_eq!(
            Ipv4Addr::decode_part(&mut arcs, IndexEncoding::NetworkAddress),
            Err(IndexError::BadArc(2))
        );
        assert_eq!(decode_values(&[IndexEncoding::Integer], &[1, 2]), None);
        assert_eq!(decode_values(&[], &[]), None);
    }

    #[test]
    fn round_trips_every_encoding() {
        let mut out = Vec::new();
        b"ab".to_vec().encode_part(IndexEncoding::String, &mut out);
        b"cd"
            .to_vec()
            .encode_part(IndexEncoding::FixedString(2), &mut out);
        Oid::from_vec(vec![1, 3]).encode_part(IndexEncoding::ObjectIdentifier, &mut out);
        Ipv4Addr::new(10, 0, 0, 1).encode_part(IndexEncoding::NetworkAddress, &mut out);
        b"e".to_vec()
            .encode_part(IndexEncoding::ImpliedString, &mut out);
        assert_eq!(out, [2, 97, 98, 99, 100, 2, 1, 3, 1, 10, 0, 0, 1, 101]);
        let mut arcs = out.as_slice();
        assert_eq!(
            Vec::<u8>::decode_part(&mut arcs, IndexEncoding::String),
            Ok(b"ab".to_vec())
        );
        assert_eq!(
            Vec::<u8>::decode_part(&mut arcs, IndexEncoding::FixedString(2)),
            Ok(b"cd".to_vec())
        );
        assert_eq!(
            Oid::decode_part(&mut arcs, IndexEncoding::ObjectIdentifier),
            Ok(Oid::from_vec(vec![1, 3]))
        );
        assert_eq!(
            Ipv4Addr::decode_part(&mut arcs, IndexEncoding::NetworkAddress),
            Ok(Ipv4Addr::new(10, 0, 0, 1))
        );
        assert_eq!(
            Vec::<u8>::decode_part(&mut arcs, IndexEncoding::ImpliedString),
            Ok(b"e".to_vec())
        );
        assert!(arcs.is_empty());
    }
}
