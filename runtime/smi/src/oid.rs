//! Object identifiers.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// An object identifier: up to 128 arcs of 32 bits (RFC 2578 §3.5).
///
/// Static OIDs cost nothing to build (`oid!` in a `const`); owned ones are built from
/// the wire or from text.
///
/// ```
/// use smic_smi::{Oid, oid};
/// const SYS_DESCR: &Oid = oid!(1, 3, 6, 1, 2, 1, 1, 1);
/// let instance = SYS_DESCR.child(0);
/// assert_eq!(instance.to_string(), "1.3.6.1.2.1.1.1.0");
/// assert!(instance.starts_with(SYS_DESCR));
/// assert_eq!("1.3.6.1.2.1.1.1.0".parse::<Oid>().unwrap(), instance);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(Cow<'static, [u32]>);

/// Builds a `&'static Oid` from arcs, usable in `const` items.
#[macro_export]
macro_rules! oid {
    ($($arc:expr),* $(,)?) => {
        &$crate::Oid::from_static(&[$($arc),*])
    };
}

impl Oid {
    /// The most arcs an OID may have (RFC 2578 §3.5).
    pub const MAX_ARCS: usize = 128;

    /// An OID over static arcs, in `const` context.
    pub const fn from_static(arcs: &'static [u32]) -> Self {
        Oid(Cow::Borrowed(arcs))
    }

    /// An OID that owns its arcs.
    pub fn from_vec(arcs: Vec<u32>) -> Self {
        Oid(Cow::Owned(arcs))
    }

    /// The arcs.
    pub fn arcs(&self) -> &[u32] {
        &self.0
    }

    /// Number of arcs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no arcs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// This OID with one more arc.
    pub fn child(&self, arc: u32) -> Oid {
        let mut arcs = self.0.to_vec();
        arcs.push(arc);
        Oid::from_vec(arcs)
    }

    /// Whether `prefix` is a prefix of (or equal to) this OID.
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The first `n` arcs (all of them if there are fewer).
    pub fn prefix(&self, n: usize) -> Oid {
        Oid::from_vec(self.0.iter().take(n).copied().collect())
    }

    /// Appends arcs.
    pub fn extend(&mut self, arcs: &[u32]) {
        self.0.to_mut().extend_from_slice(arcs);
    }
}

/// The empty OID (what an unresolved name has).
impl Default for Oid {
    fn default() -> Self {
        Oid::from_static(&[])
    }
}

/// Dotted decimal, as in JSON documents and indexes.
#[cfg(feature = "serde")]
impl serde::Serialize for Oid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arc) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{arc}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

/// Why text is not an OID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseOidError(String);

impl fmt::Display for ParseOidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseOidError {}

/// Dotted decimal, with an optional leading dot.
impl FromStr for Oid {
    type Err = ParseOidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.strip_prefix('.').unwrap_or(s);
        if s.is_empty() {
            return Err(ParseOidError("empty OID".into()));
        }
        let arcs = s
            .split('.')
            .map(|arc| {
                arc.parse::<u32>()
                    .map_err(|_| ParseOidError(format!("`{arc}` is not an arc (0..4294967295)")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if arcs.len() > Oid::MAX_ARCS {
            return Err(ParseOidError(format!(
                "{} arcs; at most {} are allowed",
                arcs.len(),
                Oid::MAX_ARCS
            )));
        }
        Ok(Oid::from_vec(arcs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prints_and_slices() {
        let oid: Oid = ".1.3.6.1.2.1".parse().unwrap_or_default();
        assert_eq!(oid.arcs(), [1, 3, 6, 1, 2, 1]);
        assert_eq!(oid.to_string(), "1.3.6.1.2.1");
        assert_eq!(oid.prefix(3).arcs(), [1, 3, 6]);
        assert_eq!(oid.prefix(99), oid);
        let mut longer = oid.clone();
        longer.extend(&[2, 1]);
        assert!(longer.starts_with(&oid) && !oid.starts_with(&longer));
        assert!(Oid::default().is_empty());
    }

    #[test]
    fn rejects_bad_text() {
        for bad in ["", ".", "1.3.x", "1..3", "1.99999999999", "-1"] {
            assert!(bad.parse::<Oid>().is_err(), "{bad}");
        }
        let long = vec!["1"; 129].join(".");
        assert!(long.parse::<Oid>().is_err());
        assert_eq!(
            vec!["1"; 128].join(".").parse::<Oid>().map(|o| o.len()),
            Ok(128)
        );
    }
}
