//! Textual conventions: generated newtypes over a base syntax, with the convention's
//! constraints checked on the way in and its DISPLAY-HINT used on the way out.
//!
//! Generated code implements [`TextualConvention`] (four constants and two
//! functions); [`Syntax`], [`IndexPart`] and the text conversions follow from it here.

use std::fmt;
use std::net::Ipv4Addr;

use crate::display_hint::{format_octets, parse_integer, parse_octets};
use crate::format::{ValueStyle, value as format_value};
use crate::index::{IndexEncoding, IndexError, IndexPart};
use crate::syntax::{
    ConstraintError, Constraints, Counter32, Counter64, Opaque, Syntax, TimeTicks, ValueError,
};
use crate::{Oid, Value};

/// A textual convention (or a named type) generated from a MIB.
///
/// ```
/// use smic_smi::{snmpv2_tc::DisplayString, syntax::Syntax, Value};
/// let name = DisplayString::new(b"eth0".to_vec()).unwrap();
/// assert_eq!(name.to_string(), "eth0");
/// assert_eq!(name.to_value(), Value::OctetString(b"eth0".to_vec()));
/// assert!(DisplayString::new(vec![b'x'; 256]).is_err());
/// assert_eq!("eth0".parse::<DisplayString>(), Ok(name));
/// ```
pub trait TextualConvention: Sized {
    /// The base syntax it refines.
    type Base: Syntax + IndexPart + FromText + Clone;
    /// The convention's name.
    const NAME: &'static str;
    /// Its ranges and sizes.
    const CONSTRAINTS: Constraints;
    /// Its `DISPLAY-HINT`.
    const DISPLAY_HINT: Option<&'static str>;

    /// Wraps a value already checked against [`Self::CONSTRAINTS`].
    fn from_base_unchecked(base: Self::Base) -> Self;

    /// The base value.
    fn base(&self) -> &Self::Base;

    /// Wraps a value, checking the constraints.
    fn from_base(base: Self::Base) -> Result<Self, ConstraintError> {
        Self::CONSTRAINTS.check_value(&base.to_value())?;
        Ok(Self::from_base_unchecked(base))
    }
}

impl<T: TextualConvention> Syntax for T {
    const TYPE_NAME: &'static str = T::NAME;
    const DISPLAY_HINT: Option<&'static str> = T::DISPLAY_HINT;

    fn from_value(value: &Value) -> Result<Self, ValueError> {
        Ok(T::from_base(T::Base::from_value(value)?)?)
    }

    fn to_value(&self) -> Value {
        self.base().to_value()
    }
}

impl<T: TextualConvention> IndexPart for T {
    fn encode_part(&self, encoding: IndexEncoding, out: &mut Vec<u32>) {
        self.base().encode_part(encoding, out);
    }

    fn decode_part(arcs: &mut &[u32], encoding: IndexEncoding) -> Result<Self, IndexError> {
        Ok(T::from_base(T::Base::decode_part(arcs, encoding)?)?)
    }
}

/// Shows a convention's value through its DISPLAY-HINT (or plainly without one); what
/// generated `Display` impls call.
pub fn fmt_convention<T: TextualConvention>(tc: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let value = tc.base().to_value();
    match (&value, T::DISPLAY_HINT) {
        (Value::OctetString(bytes), Some(hint)) => match format_octets(hint, bytes) {
            Some(text) => f.write_str(&text),
            None => tc.base().fmt_text(f),
        },
        (Value::OctetString(_), None) => tc.base().fmt_text(f),
        _ => {
            let style = ValueStyle {
                display_hint: T::DISPLAY_HINT,
                ..ValueStyle::default()
            };
            let text = format_value(&value, &style, &|o| o.to_string());
            // Drop net-snmp's type tag (`INTEGER: `): the type is known here.
            f.write_str(text.split_once(": ").map_or(text.as_str(), |(_, v)| v))
        }
    }
}

/// Reads a convention's value from text written per its DISPLAY-HINT (or plainly);
/// what generated `FromStr` impls call.
pub fn parse_convention<T: TextualConvention>(text: &str) -> Result<T, ParseError> {
    let base = T::Base::from_text(text, T::DISPLAY_HINT)?;
    Ok(T::from_base(base)?)
}

/// Why text could not become a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text does not follow the type's notation or hint.
    #[error("`{text}` is not a valid {expected}")]
    Syntax {
        /// The text.
        text: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The value breaks the type's constraints.
    #[error(transparent)]
    Constraint(#[from] ConstraintError),
}

/// Base syntaxes written as text: plainly, or through a DISPLAY-HINT.
pub trait FromText: Sized {
    /// Reads the text.
    fn from_text(text: &str, hint: Option<&str>) -> Result<Self, ParseError>;

    /// Writes the value plainly.
    fn fmt_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

fn bad(text: &str, expected: &'static str) -> ParseError {
    ParseError::Syntax {
        text: text.to_string(),
        expected,
    }
}

macro_rules! integer_text {
    ($($ty:ty, $wrap:expr, $get:expr, $name:literal;)*) => {$(
        impl FromText for $ty {
            fn from_text(text: &str, hint: Option<&str>) -> Result<Self, ParseError> {
                let n = match hint {
                    Some(h) => parse_integer(h, text).map(i128::from),
                    None => text.parse::<i128>().ok(),
                };
                n.and_then(|n| n.try_into().ok()).map($wrap).ok_or_else(|| bad(text, $name))
            }
            fn fmt_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", $get(self))
            }
        }
    )*};
}

integer_text! {
    i32, |n| n, |s: &i32| *s, "integer";
    u32, |n| n, |s: &u32| *s, "unsigned integer";
    Counter32, Counter32, |s: &Counter32| s.0, "Counter32";
    Counter64, Counter64, |s: &Counter64| s.0, "Counter64";
    TimeTicks, TimeTicks, |s: &TimeTicks| s.0, "TimeTicks";
}

/// Octets: through the hint, else as text (`0x` followed by hex digits for binary).
impl FromText for Vec<u8> {
    fn from_text(text: &str, hint: Option<&str>) -> Result<Self, ParseError> {
        match hint {
            Some(h) => {
                parse_octets(h, text).ok_or_else(|| bad(text, "string for its DISPLAY-HINT"))
            }
            None => match text.strip_prefix("0x") {
                Some(hex) if hex.len() % 2 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
                    Ok((0..hex.len())
                        .step_by(2)
                        .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
                        .collect())
                }
                _ => Ok(text.as_bytes().to_vec()),
            },
        }
    }

    fn fmt_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(self) {
            Ok(text) if !text.chars().any(char::is_control) => f.write_str(text),
            _ => {
                f.write_str("0x")?;
                self.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
        }
    }
}

impl FromText for Opaque {
    fn from_text(text: &str, hint: Option<&str>) -> Result<Self, ParseError> {
        Vec::<u8>::from_text(text, hint).map(Opaque)
    }

    fn fmt_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_text(f)
    }
}

impl FromText for Oid {
    fn from_text(text: &str, _: Option<&str>) -> Result<Self, ParseError> {
        text.parse().map_err(|_| bad(text, "OBJECT IDENTIFIER"))
    }

    fn fmt_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromText for Ipv4Addr {
    fn from_text(text: &str, _: Option<&str>) -> Result<Self, ParseError> {
        text.parse().map_err(|_| bad(text, "IpAddress"))
    }

    fn fmt_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
