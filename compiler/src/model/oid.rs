//! Object identifiers.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// An object identifier: a sequence of unsigned 32-bit arcs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(Vec<u32>);

impl Oid {
    /// An OID from its arcs.
    pub fn new(arcs: Vec<u32>) -> Self {
        Oid(arcs)
    }

    /// The arcs.
    pub fn arcs(&self) -> &[u32] {
        &self.0
    }

    /// Number of arcs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no arcs (an unresolved OID).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// This OID with `arc` appended.
    pub fn child(&self, arc: u32) -> Oid {
        let mut arcs = Vec::with_capacity(self.0.len() + 1);
        arcs.extend_from_slice(&self.0);
        arcs.push(arc);
        Oid(arcs)
    }

    /// The first `n` arcs.
    pub fn prefix(&self, n: usize) -> Oid {
        Oid(self.0[..n.min(self.0.len())].to_vec())
    }

    /// Whether `prefix` is a prefix of this OID (or equal).
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Appends arcs.
    pub fn extend(&mut self, arcs: &[u32]) {
        self.0.extend_from_slice(arcs);
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

/// Dotted decimal, with an optional leading dot (`.1.3.6.1`).
impl FromStr for Oid {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.strip_prefix('.').unwrap_or(s);
        if s.is_empty() {
            return Err("empty OID".into());
        }
        s.split('.')
            .map(|arc| {
                arc.parse::<u32>()
                    .map_err(|_| format!("`{arc}` is not an OID arc (0..4294967295)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Oid)
    }
}

impl Serialize for Oid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_dotted_form() {
        let oid: Oid = ".1.3.6.1.2.1".parse().unwrap_or_default();
        assert_eq!(oid.arcs(), [1, 3, 6, 1, 2, 1]);
        assert_eq!(oid.to_string(), "1.3.6.1.2.1");
        assert!("1.3.x".parse::<Oid>().is_err());
        assert!("1.99999999999".parse::<Oid>().is_err());
        assert!(oid.child(2).starts_with(&oid));
    }
}
