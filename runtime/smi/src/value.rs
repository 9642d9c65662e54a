//! SNMP values: the SMI base types as they travel, and the SNMPv2 exceptions.

use std::fmt;

use crate::Oid;

/// A variable binding's value (RFC 3416 §3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// `INTEGER` / `Integer32`.
    Integer(i32),
    /// `OCTET STRING`.
    OctetString(Vec<u8>),
    /// `NULL` (the value of a request's variable bindings).
    Null,
    /// `OBJECT IDENTIFIER`.
    ObjectIdentifier(Oid),
    /// `IpAddress`.
    IpAddress([u8; 4]),
    /// `Counter32`.
    Counter32(u32),
    /// `Gauge32` / `Unsigned32`.
    Gauge32(u32),
    /// `TimeTicks`, hundredths of a second.
    TimeTicks(u32),
    /// `Opaque`: BER of another value, wrapped.
    Opaque(Vec<u8>),
    /// `Counter64`.
    Counter64(u64),
    /// SNMPv2 exception: no such object.
    NoSuchObject,
    /// SNMPv2 exception: no such instance.
    NoSuchInstance,
    /// SNMPv2 exception: end of the MIB view (walks stop here).
    EndOfMibView,
}

impl Value {
    /// Whether this is one of the SNMPv2 exceptions.
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }
}

/// net-snmp's `snmpwalk -On` notation: `STRING: "x"`, `INTEGER: 5`, `Timeticks: (5) ...`.
///
/// ```
/// use smic_smi::Value;
/// let quoted = Value::OctetString(br#"say "hi" \o/"#.to_vec());
/// assert_eq!(quoted.to_string(), r#"STRING: "say \"hi\" \\o/""#);
/// assert_eq!(Value::OctetString(Vec::new()).to_string(), r#""""#);
/// // As net-snmp: a space after every byte, a line break after every sixteenth.
/// assert_eq!(Value::OctetString(vec![0, 1]).to_string(), "Hex-STRING: 00 01 ");
/// let long = Value::OctetString((0..17).collect()).to_string();
/// assert!(long.ends_with("0E 0F \n10 "), "{long}");
/// ```
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(n) => write!(f, "INTEGER: {n}"),
            // net-snmp prints an empty string without its type, and escapes quotes and
            // backslashes inside a quoted one.
            Value::OctetString(bytes) if bytes.is_empty() => f.write_str("\"\""),
            Value::OctetString(bytes) => match std::str::from_utf8(bytes) {
                Ok(text)
                    if !text
                        .chars()
                        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) =>
                {
                    f.write_str("STRING: \"")?;
                    for c in text.chars() {
                        if matches!(c, '"' | '\\') {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                    f.write_str("\"")
                }
                _ => {
                    f.write_str("Hex-STRING: ")?;
                    for (i, b) in bytes.iter().enumerate() {
                        if i > 0 && i % 16 == 0 {
                            f.write_str("\n")?;
                        }
                        write!(f, "{b:02X} ")?;
                    }
                    Ok(())
                }
            },
            Value::Null => f.write_str("NULL"),
            Value::ObjectIdentifier(oid) => write!(f, "OID: .{oid}"),
            Value::IpAddress([a, b, c, d]) => write!(f, "IpAddress: {a}.{b}.{c}.{d}"),
            Value::Counter32(n) => write!(f, "Counter32: {n}"),
            Value::Gauge32(n) => write!(f, "Gauge32: {n}"),
            Value::TimeTicks(n) => write!(f, "Timeticks: ({n})"),
            Value::Opaque(bytes) => {
                f.write_str("Opaque:")?;
                bytes.iter().try_for_each(|b| write!(f, " {b:02X}"))
            }
            Value::Counter64(n) => write!(f, "Counter64: {n}"),
            Value::NoSuchObject => {
                f.write_str("No Such Object available on this agent at this OID")
            }
            Value::NoSuchInstance => f.write_str("No Such Instance currently exists at this OID"),
            Value::EndOfMibView => f.write_str("No more variables left in this MIB View"),
        }
    }
}
