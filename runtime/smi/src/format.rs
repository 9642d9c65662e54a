//! Values shown the way net-snmp's tools show them with MIBs loaded: enumeration
//! labels, DISPLAY-HINTs, BITS names, UNITS, and OIDs by name.

use std::fmt::Write as _;

use crate::display_hint::{format_integer, format_octets};
use crate::syntax::TimeTicks;
use crate::{Oid, Value};

/// What the MIB says about how an object's values are shown.
#[derive(Clone, Copy, Debug, Default)]
pub struct ValueStyle<'a> {
    /// `DISPLAY-HINT` of the object's textual convention.
    pub display_hint: Option<&'a str>,
    /// Enumeration labels.
    pub values: &'a [(i32, &'a str)],
    /// BITS labels, by position.
    pub bits: &'a [(u32, &'a str)],
    /// `UNITS`.
    pub units: Option<&'a str>,
    /// Whether the syntax is BITS (an OCTET STRING on the wire).
    pub is_bits: bool,
}

/// Formats a value like `snmpget` does: `INTEGER: up(1)`, `STRING: eth0`,
/// `Timeticks: (100) 0:00:01.00`, `OID: SNMPv2-SMI::zeroDotZero`.
///
/// `name_of` names OID values; pass `|oid| format!(".{oid}")` to keep them numeric.
///
/// ```
/// use smic_smi::{Value, format::{ValueStyle, value}};
/// let status = ValueStyle { values: &[(1, "up"), (2, "down")], ..ValueStyle::default() };
/// assert_eq!(value(&Value::Integer(2), &status, &|o| o.to_string()), "INTEGER: down(2)");
/// let mac = ValueStyle { display_hint: Some("1x:"), ..ValueStyle::default() };
/// let bytes = Value::OctetString(vec![0, 0x1b, 0x21, 0xa, 0xb, 0xc]);
/// assert_eq!(value(&bytes, &mac, &|o| o.to_string()), "STRING: 0:1b:21:a:b:c");
/// ```
pub fn value(value: &Value, style: &ValueStyle<'_>, name_of: &dyn Fn(&Oid) -> String) -> String {
    let mut out = match value {
        Value::Integer(n) => match style.values.iter().find(|(v, _)| v == n) {
            Some((_, label)) => format!("INTEGER: {label}({n})"),
            None => format!(
                "INTEGER: {}",
                style
                    .display_hint
                    .and_then(|h| format_integer(h, i64::from(*n)))
                    .unwrap_or_else(|| n.to_string())
            ),
        },
        Value::OctetString(bytes) if style.is_bits => {
            let mut text = String::from("BITS:");
            bytes.iter().for_each(|b| {
                let _ = write!(text, " {b:02X}");
            });
            for (position, label) in style.bits {
                let (byte, bit) = ((position / 8) as usize, position % 8);
                if bytes.get(byte).is_some_and(|b| b & (0x80 >> bit) != 0) {
                    let _ = write!(text, " {label}({position})");
                }
            }
            text
        }
        Value::OctetString(bytes) => {
            match style.display_hint.and_then(|h| format_octets(h, bytes)) {
                Some(text) => format!("STRING: {text}"),
                None => value.to_string(),
            }
        }
        Value::ObjectIdentifier(oid) => format!("OID: {}", name_of(oid)),
        Value::TimeTicks(t) => format!("Timeticks: {}", TimeTicks(*t)),
        Value::Gauge32(n) if style.display_hint.is_some() => format!(
            "Gauge32: {}",
            style
                .display_hint
                .and_then(|h| format_integer(h, i64::from(*n)))
                .unwrap_or_else(|| n.to_string())
        ),
        _ => value.to_string(),
    };
    if let (Some(units), false) = (style.units, value.is_exception()) {
        out.push(' ');
        out.push_str(units);
    }
    out
}
