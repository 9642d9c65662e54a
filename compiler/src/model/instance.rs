//! Instance OIDs: the suffix after an object's OID, decoded through the row's INDEX
//! (RFC 2578 §7.7), and written the way net-snmp writes it (`.5`, `."public"`).

pub use smic_smi::index::IndexValue;
use smic_smi::index::{IndexEncoding as RuntimeEncoding, decode_values, format_values};

use super::{BaseType, IndexEncoding, Model, NodeId, NodeKind, Oid};

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

/// Decodes `arcs` through the index of `row` with the runtime's codecs; `None` if they
/// do not fit it exactly.
pub fn decode(model: &Model, row: NodeId, arcs: &[u32]) -> Option<Vec<IndexValue>> {
    let encodings: Vec<RuntimeEncoding> = model
        .node(row)
        .index
        .iter()
        .map(|c| c.encoding.to_runtime())
        .collect();
    decode_values(&encodings, arcs)
}

/// `MODULE::name` followed by the instance suffix, decoded where the row is known.
pub fn name_of(model: &Model, oid: &Oid) -> Option<String> {
    let id = model.longest_prefix(oid)?;
    let node = model.node(id);
    let suffix = oid.arcs().get(node.oid.len()..).unwrap_or_default();
    let mut out = model.qualified_name(id);
    let decoded = match (node.kind, row_of(model, id)) {
        (NodeKind::Column, Some(row)) => decode(model, row, suffix),
        _ => None,
    };
    match decoded {
        Some(values) => out.push_str(&format_values(&values)),
        None => suffix.iter().for_each(|a| out.push_str(&format!(".{a}"))),
    }
    Some(out)
}

/// A value as net-snmp shows it: the runtime's formatting, told by the model what the
/// MIB says (enumeration and BITS labels, DISPLAY-HINT, UNITS) and naming OID values.
pub fn value_of(model: &Model, oid: &Oid, value: &smic_smi::Value) -> String {
    let node = model.longest_prefix(oid).map(|id| model.node(id));
    let syntax = node.and_then(|n| n.syntax.as_ref());
    let is_bits = syntax.is_some_and(|s| s.base == BaseType::Bits);
    let named = syntax.map_or(&[][..], |s| s.values.as_slice());
    let values: Vec<(i32, &str)> = named
        .iter()
        .filter(|_| !is_bits)
        .filter_map(|v| Some((i32::try_from(v.value).ok()?, v.label.as_str())))
        .collect();
    let bits: Vec<(u32, &str)> = named
        .iter()
        .filter(|_| is_bits)
        .filter_map(|v| Some((u32::try_from(v.value).ok()?, v.label.as_str())))
        .collect();
    let style = smic_smi::format::ValueStyle {
        display_hint: syntax
            .and_then(|s| s.named)
            .and_then(|t| model.ty(t).display_hint.as_deref()),
        values: &values,
        bits: &bits,
        units: node.and_then(|n| n.units.as_deref()),
        is_bits,
    };
    smic_smi::format::value(value, &style, &|o| {
        name_of(model, o).unwrap_or_else(|| format!(".{o}"))
    })
}

/// Encodes an instance suffix written after a name. Dotted numbers alone are taken as
/// the instance OID's arcs as they are. Otherwise each component follows the row's
/// INDEX (RFC 2578 §7.7): a number for integers, `"text"` or `0x0a0b` for strings
/// (length-prefixed unless fixed-length or IMPLIED), four numbers for IpAddress, and
/// dotted numbers for an OBJECT IDENTIFIER that ends the index.
pub fn encode_suffix(model: &Model, id: NodeId, suffix: &str) -> Result<Vec<u32>, String> {
    let tokens = tokenize(suffix)?;
    if tokens.iter().all(|t| matches!(t, Token::Number(_))) {
        return Ok(tokens
            .iter()
            .filter_map(|t| {
                if let Token::Number(n) = t {
                    Some(*n)
                } else {
                    None
                }
            })
            .collect());
    }
    let index = match row_of(model, id) {
        Some(row) if model.node(id).kind == NodeKind::Column => model.node(row).index.clone(),
        _ => {
            return Err(format!(
                "{} is not a table column: its instance is numbers only",
                model.qualified_name(id)
            ));
        }
    };
    let mut arcs = Vec::new();
    let mut rest = tokens.as_slice();
    for (position, component) in index.iter().enumerate() {
        let last = position + 1 == index.len();
        let number = |rest: &mut &[Token]| -> Result<u32, String> {
            match rest.split_first() {
                Some((Token::Number(n), tail)) => {
                    *rest = tail;
                    Ok(*n)
                }
                Some(_) => Err(format!("index `{}` takes a number here", component.name)),
                None => Err(format!("index `{}` is missing", component.name)),
            }
        };
        match component.encoding {
            IndexEncoding::Integer => arcs.push(number(&mut rest)?),
            IndexEncoding::IpAddress | IndexEncoding::NetworkAddress => {
                if component.encoding == IndexEncoding::NetworkAddress {
                    arcs.push(1);
                }
                for _ in 0..4 {
                    let octet = number(&mut rest)?;
                    if octet > 255 {
                        return Err(format!(
                            "index `{}`: {octet} is not an address octet",
                            component.name
                        ));
                    }
                    arcs.push(octet);
                }
            }
            IndexEncoding::FixedString(_)
            | IndexEncoding::String
            | IndexEncoding::ImpliedString => {
                let bytes = match rest.split_first() {
                    Some((Token::Bytes(bytes), tail)) => {
                        rest = tail;
                        bytes
                    }
                    _ => {
                        return Err(format!(
                            "index `{}` takes a quoted string or 0x… hex here",
                            component.name
                        ));
                    }
                };
                match component.encoding {
                    IndexEncoding::FixedString(n) if bytes.len() != n as usize => {
                        return Err(format!(
                            "index `{}` is exactly {n} octets, not {}",
                            component.name,
                            bytes.len()
                        ));
                    }
                    IndexEncoding::String => {
                        arcs.push(u32::try_from(bytes.len()).map_err(|_| "index string too long")?)
                    }
                    _ => {}
                }
                arcs.extend(bytes.iter().map(|&b| u32::from(b)));
            }
            IndexEncoding::ObjectIdentifier | IndexEncoding::ImpliedObjectIdentifier => {
                if !last {
                    return Err(format!(
                        "index `{}` is an OID in the middle of the index: write the whole instance as numbers",
                        component.name
                    ));
                }
                let oid: Vec<u32> = std::iter::from_fn(|| number(&mut rest).ok()).collect();
                if component.encoding == IndexEncoding::ObjectIdentifier {
                    arcs.push(u32::try_from(oid.len()).map_err(|_| "index OID too long")?);
                }
                arcs.extend(oid);
            }
        }
    }
    if !rest.is_empty() {
        return Err("more index components than the row's INDEX has".to_string());
    }
    Ok(arcs)
}

enum Token {
    Number(u32),
    Bytes(Vec<u8>),
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
            let (bytes, closed) = quoted.split_at(end);
            tokens.push(Token::Bytes(bytes.as_bytes().to_vec()));
            rest = closed.strip_prefix('"').unwrap_or(closed);
            continue;
        }
        let end = rest.find('.').unwrap_or(rest.len());
        let word = &rest[..end];
        if let Some(hex) = word.strip_prefix("0x") {
            if hex.len() % 2 != 0 {
                return Err(format!("`{word}` has an odd number of hex digits"));
            }
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| {
                    u8::from_str_radix(&hex[i..i + 2], 16)
                        .map_err(|_| format!("`{word}` is not hex"))
                })
                .collect::<Result<Vec<u8>, String>>()?;
            tokens.push(Token::Bytes(bytes));
        } else {
            let arc = word
                .parse()
                .map_err(|_| format!("`{word}` is not an OID arc"))?;
            tokens.push(Token::Number(arc));
        }
        rest = &rest[end..];
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;
    use crate::resolve::Loader;

    fn model() -> Model {
        let mut loader = Loader::new();
        loader
            .target_module("SNMP-VIEW-BASED-ACM-MIB")
            .target_module("IF-MIB")
            .target_module("IP-MIB");
        loader.load(&Policy::default()).model
    }

    fn round_trip(model: &Model, name: &str, suffix: &str, arcs: &[u32]) {
        let (module, name) = name.split_once("::").unwrap_or(("", name));
        let id = model
            .lookup(module, name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            encode_suffix(model, id, suffix).as_deref(),
            Ok(arcs),
            "{name}{suffix}"
        );
        let mut oid = model.node(id).oid.clone();
        oid.extend(arcs);
        assert_eq!(
            name_of(model, &oid),
            Some(format!("{module}::{name}{suffix}"))
        );
    }

    #[test]
    fn instances_round_trip_through_every_encoding() {
        let model = model();
        round_trip(&model, "IF-MIB::ifDescr", ".5", &[5]);
        // String then a final OID (vacmViewTreeFamilyTable: name, subtree).
        round_trip(
            &model,
            "SNMP-VIEW-BASED-ACM-MIB::vacmViewTreeFamilyStatus",
            ".\"all\".1.3",
            &[3, 97, 108, 108, 2, 1, 3],
        );
        // Empty string, non-printable bytes, integers (vacmAccessTable).
        round_trip(
            &model,
            "SNMP-VIEW-BASED-ACM-MIB::vacmAccessContextMatch",
            ".\"v3group\".\"\".3.1",
            &[7, 118, 51, 103, 114, 111, 117, 112, 0, 3, 1],
        );
        round_trip(
            &model,
            "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName",
            ".3.0x00ff",
            &[3, 2, 0, 255],
        );
    }

    #[test]
    fn rejects_suffixes_that_do_not_fit_the_index() {
        let model = model();
        let descr = model
            .lookup("IF-MIB", "ifDescr")
            .unwrap_or_else(|| panic!("ifDescr"));
        assert!(encode_suffix(&model, descr, ".\"eth0\"").is_err());
        assert!(encode_suffix(&model, descr, ".1.\"x\"").is_err());
        assert!(encode_suffix(&model, descr, ".0x0").is_err());
        let sys = model
            .lookup("IF-MIB", "ifNumber")
            .unwrap_or_else(|| panic!("ifNumber"));
        assert!(encode_suffix(&model, sys, ".\"x\"").is_err());
        assert_eq!(encode_suffix(&model, sys, ".0"), Ok(vec![0]));
    }
}
