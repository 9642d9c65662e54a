//! SMI syntaxes as Rust types, and their conversion to and from wire [`Value`]s.
//!
//! Each base type of RFC 2578 has one Rust type: `Integer32` is `i32`, `Unsigned32` and
//! `Gauge32` are `u32`, `OCTET STRING` is `Vec<u8>`, `OBJECT IDENTIFIER` is [`Oid`],
//! `IpAddress` is [`Ipv4Addr`]; the types whose wire tag differs from a plain number's
//! ([`Counter32`], [`Counter64`], [`TimeTicks`], [`Opaque`]) are newtypes. Enumerations
//! travel as [`Enum`], BITS as [`BitSet`].

use std::fmt;
use std::marker::PhantomData;
use std::net::Ipv4Addr;

use crate::{Oid, Value};

/// Why a [`Value`] could not become a typed syntax.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value has another SNMP type.
    #[error("expected {expected}, got {got}")]
    WrongType {
        /// The SMI type expected.
        expected: &'static str,
        /// The value received, in net-snmp notation.
        got: String,
    },
    /// The value breaks a range or size constraint.
    #[error(transparent)]
    Constraint(#[from] ConstraintError),
}

/// A value outside the ranges or sizes its type allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// A number outside every allowed range.
    #[error("{value} is outside the allowed range{} {}", plural(.allowed.len()), ranges(.allowed))]
    Range {
        /// The value.
        value: i128,
        /// The allowed ranges.
        allowed: &'static [(i128, i128)],
    },
    /// A string or BITS of a length outside every allowed size.
    #[error("length {length} is outside the allowed size{} {}", plural(.allowed.len()), ranges(.allowed))]
    Size {
        /// The length in octets.
        length: usize,
        /// The allowed sizes.
        allowed: &'static [(i128, i128)],
    },
    /// A number that is not one of the enumeration's values.
    #[error("{value} is not a value of {type_name}")]
    NotEnumerated {
        /// The value.
        value: i32,
        /// The enumeration.
        type_name: &'static str,
    },
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn ranges(allowed: &[(i128, i128)]) -> String {
    allowed
        .iter()
        .map(|(lo, hi)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}..{hi}")
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The constraints of a type or object: value ranges and sizes, as written in the MIB
/// (empty means unconstrained).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Constraints {
    /// Allowed value ranges, inclusive.
    pub ranges: &'static [(i128, i128)],
    /// Allowed sizes in octets, inclusive.
    pub sizes: &'static [(i128, i128)],
}

impl Constraints {
    /// No constraint at all.
    pub const NONE: Constraints = Constraints {
        ranges: &[],
        sizes: &[],
    };

    /// Checks a number against the ranges.
    ///
    /// ```
    /// use smic_smi::syntax::Constraints;
    /// const C: Constraints = Constraints { ranges: &[(1, 10), (20, 20)], sizes: &[] };
    /// assert!(C.check_number(20).is_ok());
    /// assert_eq!(C.check_number(11).unwrap_err().to_string(), "11 is outside the allowed ranges 1..10 | 20");
    /// ```
    pub fn check_number(&self, value: i128) -> Result<(), ConstraintError> {
        if self.ranges.is_empty()
            || self
                .ranges
                .iter()
                .any(|&(lo, hi)| (lo..=hi).contains(&value))
        {
            Ok(())
        } else {
            Err(ConstraintError::Range {
                value,
                allowed: self.ranges,
            })
        }
    }

    /// Checks a length in octets against the sizes.
    pub fn check_size(&self, length: usize) -> Result<(), ConstraintError> {
        let n = length as i128;
        if self.sizes.is_empty() || self.sizes.iter().any(|&(lo, hi)| (lo..=hi).contains(&n)) {
            Ok(())
        } else {
            Err(ConstraintError::Size {
                length,
                allowed: self.sizes,
            })
        }
    }

    /// Checks whatever of a wire value the constraints speak about.
    pub fn check_value(&self, value: &Value) -> Result<(), ConstraintError> {
        match value {
            Value::Integer(n) => self.check_number(i128::from(*n)),
            Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
                self.check_number(i128::from(*n))
            }
            Value::Counter64(n) => self.check_number(i128::from(*n)),
            Value::OctetString(bytes) | Value::Opaque(bytes) => self.check_size(bytes.len()),
            _ => Ok(()),
        }
    }
}

/// A Rust type that an SMI syntax travels as.
///
/// ```
/// use smic_smi::{Value, syntax::{Syntax, TimeTicks}};
/// assert_eq!(TimeTicks(500).to_value(), Value::TimeTicks(500));
/// assert_eq!(<i32 as Syntax>::from_value(&Value::Integer(-3)), Ok(-3));
/// assert!(<i32 as Syntax>::from_value(&Value::Gauge32(3)).is_err());
/// ```
pub trait Syntax: Sized {
    /// The SMI name of the type (`Integer32`, `DisplayString`).
    const TYPE_NAME: &'static str;
    /// `DISPLAY-HINT`, for textual conventions that have one.
    const DISPLAY_HINT: Option<&'static str> = None;
    /// Enumeration values and labels.
    const VALUES: &'static [(i32, &'static str)] = &[];
    /// BITS positions and labels.
    const BITS: &'static [(u32, &'static str)] = &[];
    /// Whether the type is BITS.
    const IS_BITS: bool = false;

    /// Reads a wire value, checking type and constraints.
    fn from_value(value: &Value) -> Result<Self, ValueError>;

    /// The wire value.
    fn to_value(&self) -> Value;
}

fn wrong_type(expected: &'static str, got: &Value) -> ValueError {
    ValueError::WrongType {
        expected,
        got: got.to_string(),
    }
}

macro_rules! number_syntax {
    ($(#[$doc:meta] $name:literal, $ty:ty, $variant:ident, $wrap:expr, $get:expr;)*) => {$(
        #[$doc]
        impl Syntax for $ty {
            const TYPE_NAME: &'static str = $name;
            fn from_value(value: &Value) -> Result<Self, ValueError> {
                match value {
                    Value::$variant(n) => Ok($wrap(*n)),
                    other => Err(wrong_type($name, other)),
                }
            }
            fn to_value(&self) -> Value {
                Value::$variant($get(self))
            }
        }
    )*};
}

/// `Counter32`: a wrapping counter (RFC 2578 §7.1.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Counter32(pub u32);

/// `Counter64`: a wrapping 64-bit counter (RFC 2578 §7.1.10).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Counter64(pub u64);

/// `TimeTicks`: hundredths of a second (RFC 2578 §7.1.8).
///
/// ```
/// use smic_smi::syntax::TimeTicks;
/// assert_eq!(TimeTicks(8_640_123).to_string(), "(8640123) 1 day, 0:00:01.23");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeTicks(pub u32);

/// `Opaque`: the BER of another value (RFC 2578 §7.1.9).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Opaque(pub Vec<u8>);

/// `Unsigned32` and `Gauge32` share one wire type.
pub type Gauge32 = u32;
/// `Unsigned32`.
pub type Unsigned32 = u32;
/// `Integer32` and `INTEGER`.
pub type Integer32 = i32;
/// `OCTET STRING`.
pub type OctetString = Vec<u8>;
/// `OBJECT IDENTIFIER`.
pub type ObjectIdentifier = Oid;
/// `IpAddress`.
pub type IpAddress = Ipv4Addr;

number_syntax! {
    /// `Integer32`.
    "Integer32", i32, Integer, |n| n, |s: &i32| *s;
    /// `Unsigned32` / `Gauge32`.
    "Gauge32", u32, Gauge32, |n| n, |s: &u32| *s;
    /// `Counter32`.
    "Counter32", Counter32, Counter32, Counter32, |s: &Counter32| s.0;
    /// `Counter64`.
    "Counter64", Counter64, Counter64, Counter64, |s: &Counter64| s.0;
    /// `TimeTicks`.
    "TimeTicks", TimeTicks, TimeTicks, TimeTicks, |s: &TimeTicks| s.0;
}

impl Syntax for Vec<u8> {
    const TYPE_NAME: &'static str = "OCTET STRING";
    fn from_value(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::OctetString(bytes) => Ok(bytes.clone()),
            other => Err(wrong_type(Self::TYPE_NAME, other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::OctetString(self.clone())
    }
}

impl Syntax for Opaque {
    const TYPE_NAME: &'static str = "Opaque";
    fn from_value(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::Opaque(bytes) => Ok(Opaque(bytes.clone())),
            other => Err(wrong_type(Self::TYPE_NAME, other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Opaque(self.0.clone())
    }
}

impl Syntax for Oid {
    const TYPE_NAME: &'static str = "OBJECT IDENTIFIER";
    fn from_value(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::ObjectIdentifier(oid) => Ok(oid.clone()),
            other => Err(wrong_type(Self::TYPE_NAME, other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::ObjectIdentifier(self.clone())
    }
}

impl Syntax for Ipv4Addr {
    const TYPE_NAME: &'static str = "IpAddress";
    fn from_value(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::IpAddress(octets) => Ok(Ipv4Addr::from(*octets)),
            other => Err(wrong_type(Self::TYPE_NAME, other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::IpAddress(self.octets())
    }
}

impl fmt::Display for Counter32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Counter64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// net-snmp's notation: `(ticks) D days, H:MM:SS.cc`.
impl fmt::Display for TimeTicks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        let (days, rest) = (t / 8_640_000, t % 8_640_000);
        let (hours, rest) = (rest / 360_000, rest % 360_000);
        let (minutes, rest) = (rest / 6_000, rest % 6_000);
        let (seconds, centis) = (rest / 100, rest % 100);
        write!(f, "({t}) ")?;
        match days {
            0 => {}
            1 => f.write_str("1 day, ")?,
            n => write!(f, "{n} days, ")?,
        }
        write!(f, "{hours}:{minutes:02}:{seconds:02}.{centis:02}")
    }
}

/// An enumerated INTEGER: a generated `#[repr(i32)]` enum with its labels.
pub trait Enumeration: Copy + Eq + fmt::Debug + 'static {
    /// The type's SMI name.
    const TYPE_NAME: &'static str;
    /// Every `(value, label)` pair, in MIB order.
    const VALUES: &'static [(i32, &'static str)];

    /// The variant for a number, if it names one.
    fn from_i32(value: i32) -> Option<Self>;

    /// The number.
    fn to_i32(self) -> i32;

    /// The MIB label (`up`, `notInService`).
    fn label(self) -> &'static str {
        let n = self.to_i32();
        Self::VALUES
            .iter()
            .find(|(v, _)| *v == n)
            .map_or("", |(_, label)| label)
    }

    /// The variant for a MIB label.
    fn from_label(label: &str) -> Option<Self> {
        Self::VALUES
            .iter()
            .find(|(_, l)| *l == label)
            .and_then(|(v, _)| Self::from_i32(*v))
    }
}

/// An enumerated value as received: a known variant, or a number the MIB does not list
/// (agents send them; a manager must not fail on them).
///
/// ```
/// use smic_smi::{Value, syntax::{Enum, Syntax}, snmpv2_tc::TruthValue};
/// let v = Enum::<TruthValue>::from_value(&Value::Integer(1)).unwrap();
/// assert_eq!(v, TruthValue::True);
/// assert_eq!(v.to_string(), "true(1)");
/// let odd = Enum::<TruthValue>::from_value(&Value::Integer(7)).unwrap();
/// assert_eq!(odd.known(), None);
/// assert_eq!(odd.to_string(), "7");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Enum<E> {
    /// A value the MIB names.
    Known(E),
    /// Any other number.
    Unknown(i32),
}

impl<E: Enumeration> Enum<E> {
    /// The number on the wire.
    pub fn to_i32(self) -> i32 {
        match self {
            Enum::Known(e) => e.to_i32(),
            Enum::Unknown(n) => n,
        }
    }

    /// The known variant, if any.
    pub fn known(self) -> Option<E> {
        match self {
            Enum::Known(e) => Some(e),
            Enum::Unknown(_) => None,
        }
    }

    /// Classifies a number.
    pub fn from_i32(value: i32) -> Self {
        E::from_i32(value).map_or(Enum::Unknown(value), Enum::Known)
    }
}

impl<E: Enumeration> From<E> for Enum<E> {
    fn from(e: E) -> Self {
        Enum::Known(e)
    }
}

impl<E: Enumeration> PartialEq<E> for Enum<E> {
    fn eq(&self, other: &E) -> bool {
        *self == Enum::Known(*other)
    }
}

/// net-snmp's notation: `label(n)`, or the bare number when unknown.
impl<E: Enumeration> fmt::Display for Enum<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Enum::Known(e) => write!(f, "{}({})", e.label(), e.to_i32()),
            Enum::Unknown(n) => write!(f, "{n}"),
        }
    }
}

impl<E: Enumeration> Syntax for Enum<E> {
    const TYPE_NAME: &'static str = E::TYPE_NAME;
    const VALUES: &'static [(i32, &'static str)] = E::VALUES;
    fn from_value(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::Integer(n) => Ok(Enum::from_i32(*n)),
            other => Err(wrong_type(E::TYPE_NAME, other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Integer(self.to_i32())
    }
}

/// A named bit of a BITS type: a generated enum whose discriminants are bit positions.
pub trait Flag: Copy + Eq + fmt::Debug + 'static {
    /// The type's SMI name.
    const TYPE_NAME: &'static str;
    /// Every `(position, label)` pair, in MIB order.
    const BITS: &'static [(u32, &'static str)];

    /// The flag at a bit position.
    fn from_position(position: u32) -> Option<Self>;

    /// The bit position (0 is the most significant bit of the first octet).
    fn position(self) -> u32;

    /// The MIB label.
    fn label(self) -> &'static str {
        let p = self.position();
        Self::BITS
            .iter()
            .find(|(b, _)| *b == p)
            .map_or("", |(_, label)| label)
    }
}

/// A BITS value: octets on the wire (RFC 2578 §7.1.4), named positions in Rust.
/// Positions the MIB does not name are kept, so nothing received is lost.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BitSet<F> {
    octets: Vec<u8>,
    flags: PhantomData<F>,
}

impl<F: Flag> BitSet<F> {
    /// No bit set.
    pub fn new() -> Self {
        BitSet {
            octets: Vec::new(),
            flags: PhantomData,
        }
    }

    /// The set from wire octets.
    pub fn from_octets(octets: Vec<u8>) -> Self {
        BitSet {
            octets,
            flags: PhantomData,
        }
    }

    /// The wire octets.
    pub fn octets(&self) -> &[u8] {
        &self.octets
    }

    /// Whether a position is set.
    pub fn contains_position(&self, position: u32) -> bool {
        let (byte, bit) = ((position / 8) as usize, position % 8);
        self.octets
            .get(byte)
            .is_some_and(|b| b & (0x80 >> bit) != 0)
    }

    /// Whether a flag is set.
    pub fn contains(&self, flag: F) -> bool {
        self.contains_position(flag.position())
    }

    /// Sets a flag.
    pub fn insert(&mut self, flag: F) {
        let p = flag.position();
        let (byte, bit) = ((p / 8) as usize, p % 8);
        if self.octets.len() <= byte {
            self.octets.resize(byte + 1, 0);
        }
        if let Some(octet) = self.octets.get_mut(byte) {
            *octet |= 0x80 >> bit;
        }
    }

    /// Clears a flag.
    pub fn remove(&mut self, flag: F) {
        let p = flag.position();
        if let Some(b) = self.octets.get_mut((p / 8) as usize) {
            *b &= !(0x80 >> (p % 8));
        }
    }

    /// The named flags that are set, in position order.
    pub fn iter(&self) -> impl Iterator<Item = F> + '_ {
        F::BITS
            .iter()
            .filter(|(p, _)| self.contains_position(*p))
            .filter_map(|(p, _)| F::from_position(*p))
    }
}

impl<F: Flag> Default for BitSet<F> {
    fn default() -> Self {
        BitSet::new()
    }
}

impl<F: Flag> FromIterator<F> for BitSet<F> {
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        let mut set = BitSet::new();
        iter.into_iter().for_each(|f| set.insert(f));
        set
    }
}

impl<F: Flag> fmt::Debug for BitSet<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// net-snmp's notation: the hex octets, then `label(position)` for every set bit.
impl<F: Flag> fmt::Display for BitSet<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: Vec<String> = self.octets.iter().map(|b| format!("{b:02X}")).collect();
        f.write_str(&hex.join(" "))?;
        for (position, label) in F::BITS {
            if self.contains_position(*position) {
                write!(f, " {label}({position})")?;
            }
        }
        Ok(())
    }
}

impl<F: Flag> Syntax for BitSet<F> {
    const TYPE_NAME: &'static str = F::TYPE_NAME;
    const BITS: &'static [(u32, &'static str)] = F::BITS;
    const IS_BITS: bool = true;
    fn from_value(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::OctetString(bytes) => Ok(BitSet::from_octets(bytes.clone())),
            other => Err(wrong_type(F::TYPE_NAME, other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::OctetString(self.octets.clone())
    }
}
