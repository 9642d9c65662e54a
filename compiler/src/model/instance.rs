//! Instance OIDs: the suffix after an object's OID, decoded through the row's INDEX
//! (RFC 2578 §7.7), and written the way net-snmp writes it (`.5`, `."public"`).

use super::{IndexEncoding, Model, NodeId, NodeKind, Oid};

/// One decoded index value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexValue {
    /// An integer sub-identifier.
    Integer(u32),
    /// Octets.
    Bytes(Vec<u8>),
    /// An OID.
    Oid(Oid),
    /// An IPv4 address.
    IpAddress([u8; 4]),
}

impl IndexValue {
    fn write(&self, out: &mut String) {
        match self {
            IndexValue::Integer(n) => out.push_str(&format!(".{n}")),
            IndexValue::Bytes(bytes)
                if !bytes.is_empty()
                    && bytes.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'"') =>
            {
                out.push_str(&format!(".\"{}\"", String::from_utf8_lossy(bytes)));
            }
            IndexValue::Bytes(bytes) if bytes.is_empty() => out.push_str(".\"\""),
            IndexValue::Bytes(bytes) => {
                out.push_str(".0x");
                out.extend(bytes.iter().map(|b| format!("{b:02x}")));
            }
            IndexValue::Oid(oid) => out.push_str(&format!(".{oid}")),
            IndexValue::IpAddress([a, b, c, d]) => out.push_str(&format!(".{a}.{b}.{c}.{d}")),
        }
    }
}

/// The row whose INDEX describes instances of `id` (the row itself or a column's row).
pub fn row_of(model: &Model, id: NodeId) -> Option<NodeId> {
    let node = model.node(id);
    match node.kind {
        NodeKind::Row => Some(id),
        NodeKind::Column => {
            let parent = node.oid.prefix(node.oid.len().saturating_sub(1));
            model
                .at_oid(&parent)
                .iter()
                .copied()
                .find(|&p| model.node(p).kind == NodeKind::Row)
        }
        _ => None,
    }
}

/// Decodes `arcs` through the index of `row`; `None` if they do not fit it exactly.
pub fn decode(model: &Model, row: NodeId, arcs: &[u32]) -> Option<Vec<IndexValue>> {
    let index = &model.node(row).index;
    if index.is_empty() {
        return None;
    }
    let mut rest = arcs;
    let mut values = Vec::with_capacity(index.len());
    let byte = |a: &u32| u8::try_from(*a).ok();
    for component in index {
        let (value, used) = match component.encoding {
            IndexEncoding::Integer => (IndexValue::Integer(*rest.first()?), 1),
            IndexEncoding::FixedString(n) => {
                let n = n as usize;
                (
                    IndexValue::Bytes(rest.get(..n)?.iter().map(byte).collect::<Option<_>>()?),
                    n,
                )
            }
            IndexEncoding::String => {
                let n = *rest.first()? as usize;
                (
                    IndexValue::Bytes(
                        rest.get(1..1 + n)?
                            .iter()
                            .map(byte)
                            .collect::<Option<_>>()?,
                    ),
                    1 + n,
                )
            }
            IndexEncoding::ImpliedString => (
                IndexValue::Bytes(rest.iter().map(byte).collect::<Option<_>>()?),
                rest.len(),
            ),
            IndexEncoding::ObjectIdentifier => {
                let n = *rest.first()? as usize;
                (
                    IndexValue::Oid(Oid::new(rest.get(1..1 + n)?.to_vec())),
                    1 + n,
                )
            }
            IndexEncoding::ImpliedObjectIdentifier => {
                (IndexValue::Oid(Oid::new(rest.to_vec())), rest.len())
            }
            IndexEncoding::IpAddress => {
                let ip = rest
                    .get(..4)?
                    .iter()
                    .map(byte)
                    .collect::<Option<Vec<u8>>>()?;
                (IndexValue::IpAddress([ip[0], ip[1], ip[2], ip[3]]), 4)
            }
            IndexEncoding::NetworkAddress => {
                let ip = rest
                    .get(1..5)?
                    .iter()
                    .map(byte)
                    .collect::<Option<Vec<u8>>>()?;
                (IndexValue::IpAddress([ip[0], ip[1], ip[2], ip[3]]), 5)
            }
        };
        values.push(value);
        rest = &rest[used..];
    }
    rest.is_empty().then_some(values)
}

/// `MODULE::name` followed by the instance suffix, decoded where the row is known.
pub fn name_of(model: &Model, oid: &Oid) -> Option<String> {
    let id = model.longest_prefix(oid)?;
    let node = model.node(id);
    let suffix = &oid.arcs()[node.oid.len()..];
    let mut out = model.qualified_name(id);
    let decoded = match (node.kind, row_of(model, id)) {
        (NodeKind::Column, Some(row)) => decode(model, row, suffix),
        _ => None,
    };
    match decoded {
        Some(values) => values.iter().for_each(|v| v.write(&mut out)),
        None => suffix.iter().for_each(|a| out.push_str(&format!(".{a}"))),
    }
    Some(out)
}

/// Encodes an instance suffix written after a name: dotted numbers are taken as they
/// are; a quoted string (`"public"`) is encoded as the row's index says (length-prefixed
/// unless fixed-length or IMPLIED).
pub fn encode_suffix(model: &Model, id: NodeId, suffix: &str) -> Result<Vec<u32>, String> {
    let tokens = tokenize(suffix)?;
    let index = row_of(model, id)
        .map(|row| model.node(row).index.clone())
        .unwrap_or_default();
    let mut arcs = Vec::new();
    for (position, token) in tokens.iter().enumerate() {
        match token {
            Token::Number(n) => arcs.push(*n),
            Token::Text(text) => {
                let encoding = index.get(position).map(|c| c.encoding);
                match encoding {
                    Some(IndexEncoding::FixedString(_) | IndexEncoding::ImpliedString) => {}
                    _ => arcs.push(
                        u32::try_from(text.len())
                            .map_err(|_| "index string too long".to_string())?,
                    ),
                }
                arcs.extend(text.bytes().map(u32::from));
            }
        }
    }
    Ok(arcs)
}

enum Token {
    Number(u32),
    Text(String),
}

fn tokenize(suffix: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut rest = suffix;
    while !rest.is_empty() {
        rest = rest
            .strip_prefix('.')
            .ok_or_else(|| format!("expected `.` before `{rest}`"))?;
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').ok_or("unterminated quoted index")?;
            tokens.push(Token::Text(quoted[..end].to_string()));
            rest = &quoted[end + 1..];
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let arc = rest[..end]
                .parse()
                .map_err(|_| format!("`{}` is not an OID arc", &rest[..end]))?;
            tokens.push(Token::Number(arc));
            rest = &rest[end..];
        }
    }
    Ok(tokens)
}
