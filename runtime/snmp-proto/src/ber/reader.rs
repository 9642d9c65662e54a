//! Reading BER without copying: every element is a slice of the input.

use smic_smi::{Oid, Value};

use super::{Error, tag};

/// The deepest nesting of constructed elements accepted. An SNMP message nests four
/// deep (message, PDU, varbind list, varbind); the margin covers v3's security wrapper.
pub const MAX_DEPTH: usize = 8;

/// A cursor over BER bytes. Sub-readers for constructed elements share the input and
/// know where they stand in it, so errors carry absolute offsets.
///
/// ```
/// use smic_snmp_proto::ber::Reader;
/// let bytes = [0x30, 0x03, 0x02, 0x01, 0x05];
/// let mut outer = Reader::new(&bytes);
/// let mut seq = outer.sequence().unwrap();
/// assert_eq!(seq.integer().unwrap(), 5);
/// seq.finish().unwrap();
/// outer.finish().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    /// Offset of `bytes[0]` in the whole input.
    base: usize,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole message.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            base: 0,
            pos: 0,
            depth: 0,
        }
    }

    /// Absolute offset of the cursor.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The tag of the next element, without consuming it.
    pub fn peek_tag(&self) -> Result<u8, Error> {
        self.bytes.get(self.pos).copied().ok_or(Error::Truncated {
            at: self.offset(),
            needed: 1,
        })
    }

    /// Rejects anything left over.
    pub fn finish(&self) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingBytes {
                at: self.offset(),
                count: self.bytes.len() - self.pos,
            })
        }
    }

    /// The next element: its tag and contents.
    pub fn element(&mut self) -> Result<(u8, &'a [u8], usize), Error> {
        let start = self.offset();
        let tag = self.peek_tag()?;
        if tag & 0x1f == 0x1f {
            return Err(Error::UnknownTag { tag, at: start });
        }
        let mut pos = self.pos + 1;
        let first = *self.bytes.get(pos).ok_or(Error::Truncated {
            at: self.base + pos,
            needed: 1,
        })?;
        pos += 1;
        let length = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            // 0x80 is the indefinite form (not allowed); lengths beyond 4 bytes exceed any datagram.
            if count == 0 || count > 4 {
                return Err(Error::BadLength { at: start });
            }
            let digits = self.bytes.get(pos..pos + count).ok_or(Error::Truncated {
                at: self.base + pos,
                needed: count,
            })?;
            pos += count;
            digits
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b))
        };
        let remaining = self.bytes.len().saturating_sub(pos);
        let content = self
            .bytes
            .get(pos..)
            .and_then(|rest| rest.get(..length))
            .ok_or(Error::Truncated {
                at: self.base + pos,
                needed: length.saturating_sub(remaining),
            })?;
        let content_at = self.base + pos;
        self.pos = pos + length;
        Ok((tag, content, content_at))
    }

    /// The next element, which must have `expected` as its tag.
    pub fn expect(&mut self, expected: u8) -> Result<(&'a [u8], usize), Error> {
        let at = self.offset();
        let found = self.peek_tag()?;
        if found != expected {
            return Err(Error::UnexpectedTag {
                expected,
                found,
                at,
            });
        }
        let (_, content, content_at) = self.element()?;
        Ok((content, content_at))
    }

    /// A reader over the contents of the next element, a constructed one tagged `expected`.
    pub fn constructed(&mut self, expected: u8) -> Result<Reader<'a>, Error> {
        if self.depth + 1 > MAX_DEPTH {
            return Err(Error::TooDeep {
                max: MAX_DEPTH,
                at: self.offset(),
            });
        }
        let (content, content_at) = self.expect(expected)?;
        Ok(Reader {
            bytes: content,
            base: content_at,
            pos: 0,
            depth: self.depth + 1,
        })
    }

    /// A reader over the next SEQUENCE.
    pub fn sequence(&mut self) -> Result<Reader<'a>, Error> {
        self.constructed(tag::SEQUENCE)
    }

    /// An INTEGER that fits 32 signed bits.
    pub fn integer(&mut self) -> Result<i32, Error> {
        let (content, at) = self.expect(tag::INTEGER)?;
        let n = signed(content, at)?;
        i32::try_from(n).map_err(|_| Error::BadInteger { at })
    }

    /// An OCTET STRING.
    pub fn octets(&mut self) -> Result<&'a [u8], Error> {
        Ok(self.expect(tag::OCTET_STRING)?.0)
    }

    /// A NULL.
    pub fn null(&mut self) -> Result<(), Error> {
        let (content, at) = self.expect(tag::NULL)?;
        if content.is_empty() {
            Ok(())
        } else {
            Err(Error::BadLength { at })
        }
    }

    /// An OBJECT IDENTIFIER.
    pub fn oid(&mut self) -> Result<Oid, Error> {
        let (content, at) = self.expect(tag::OBJECT_IDENTIFIER)?;
        decode_oid(content, at)
    }

    /// Any value a variable binding may carry.
    pub fn value(&mut self) -> Result<Value, Error> {
        let (tag, content, at) = self.element()?;
        let unsigned32 = |content: &[u8]| -> Result<u32, Error> {
            u32::try_from(unsigned(content, at, 5)?).map_err(|_| Error::BadInteger { at })
        };
        let empty = |value: Value| {
            if content.is_empty() {
                Ok(value)
            } else {
                Err(Error::BadLength { at })
            }
        };
        match tag {
            tag::INTEGER => i32::try_from(signed(content, at)?)
                .map(Value::Integer)
                .map_err(|_| Error::BadInteger { at }),
            tag::OCTET_STRING => Ok(Value::OctetString(content.to_vec())),
            tag::NULL => empty(Value::Null),
            tag::OBJECT_IDENTIFIER => decode_oid(content, at).map(Value::ObjectIdentifier),
            tag::IP_ADDRESS => <[u8; 4]>::try_from(content)
                .map(Value::IpAddress)
                .map_err(|_| Error::BadLength { at }),
            tag::COUNTER32 => unsigned32(content).map(Value::Counter32),
            tag::GAUGE32 => unsigned32(content).map(Value::Gauge32),
            tag::TIMETICKS => unsigned32(content).map(Value::TimeTicks),
            tag::OPAQUE => Ok(Value::Opaque(content.to_vec())),
            tag::COUNTER64 => unsigned(content, at, 9).map(Value::Counter64),
            tag::NO_SUCH_OBJECT => empty(Value::NoSuchObject),
            tag::NO_SUCH_INSTANCE => empty(Value::NoSuchInstance),
            tag::END_OF_MIB_VIEW => empty(Value::EndOfMibView),
            _ => Err(Error::UnknownTag {
                tag,
                at: at.saturating_sub(2),
            }),
        }
    }
}

/// A two's-complement INTEGER of at most 8 content bytes.
fn signed(content: &[u8], at: usize) -> Result<i64, Error> {
    let Some(&first) = content.first().filter(|_| content.len() <= 8) else {
        return Err(Error::BadInteger { at });
    };
    let negative = first & 0x80 != 0;
    let start: i64 = if negative { -1 } else { 0 };
    Ok(content.iter().fold(start, |n, &b| (n << 8) | i64::from(b)))
}

/// An unsigned value of at most `max_len` content bytes (a leading 0x00 pads a set top
/// bit); a negative encoding is refused.
fn unsigned(content: &[u8], at: usize, max_len: usize) -> Result<u64, Error> {
    let Some((&first, rest)) = content.split_first() else {
        return Err(Error::BadInteger { at });
    };
    if content.len() > max_len || first & 0x80 != 0 {
        return Err(Error::BadInteger { at });
    }
    let digits = if content.len() == max_len {
        if first != 0 {
            return Err(Error::BadInteger { at });
        }
        rest
    } else {
        content
    };
    Ok(digits.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))
}

fn decode_oid(content: &[u8], at: usize) -> Result<Oid, Error> {
    let bad = Error::BadOid { at };
    let mut arcs = Vec::with_capacity(content.len().min(Oid::MAX_ARCS) + 1);
    let mut value: u64 = 0;
    let mut in_arc = false;
    for &byte in content {
        if !in_arc && byte == 0x80 {
            return Err(bad); // a sub-identifier may not start with a padding 0x80
        }
        value = (value << 7) | u64::from(byte & 0x7f);
        if value > u64::from(u32::MAX) + 80 {
            return Err(bad);
        }
        in_arc = byte & 0x80 != 0;
        if in_arc {
            continue;
        }
        if arcs.is_empty() {
            // The first sub-identifier packs the first two arcs: 40 * x + y.
            let (x, y) = match value {
                0..=39 => (0, value),
                40..=79 => (1, value - 40),
                _ => (2, value - 80),
            };
            arcs.push(x as u32);
            arcs.push(u32::try_from(y).map_err(|_| bad.clone())?);
        } else {
            arcs.push(u32::try_from(value).map_err(|_| bad.clone())?);
        }
        if arcs.len() > Oid::MAX_ARCS {
            return Err(bad);
        }
        value = 0;
    }
    if in_arc || arcs.is_empty() {
        return Err(bad);
    }
    Ok(Oid::from_vec(arcs))
}
