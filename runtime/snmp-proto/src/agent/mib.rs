//! [`Mib`]: every registered subtree, in OID order, and the lexicographic walk across
//! them that GETNEXT and GETBULK need.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use smic_smi::{Oid, Scalar, TableEntry, Value};

use super::instrument::Instrument;
use super::scalar::{ScalarObject, ScalarSource};
use super::table::{TableObject, TableSource};

/// A subtree that would overlap one already registered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("subtree {new} overlaps the registered subtree {existing}")]
pub struct OverlapError {
    /// The subtree being registered.
    pub new: Oid,
    /// The subtree already there.
    pub existing: Oid,
}

/// The agent's MIB: instruments keyed by the subtree they serve.
///
/// Subtrees never nest (registration refuses overlaps), so the subtree holding an OID
/// is the greatest key not after it, and a walk visits subtrees in key order: any
/// number of modules, scalars and tables interleave in one lexicographic order.
///
/// ```
/// use smic_smi::{Oid, Value, oid};
/// use smic_snmp_proto::agent::{Mib, MemScalar};
/// use smic_mibs::snmpv2_mib::{SysDescr, SysName};
/// let mut mib = Mib::new();
/// mib.scalar::<SysName, _>(MemScalar::new("b".parse().unwrap())).unwrap();
/// mib.scalar::<SysDescr, _>(MemScalar::new("a".parse().unwrap())).unwrap();
/// let first = mib.next(oid!(1, 3, 6)).unwrap();
/// assert_eq!(first.0.to_string(), "1.3.6.1.2.1.1.1.0");
/// assert_eq!(mib.get(&"1.3.6.1.2.1.1.5.0".parse::<Oid>().unwrap()), Value::OctetString(b"b".to_vec()));
/// ```
#[derive(Clone, Default)]
pub struct Mib {
    subtrees: BTreeMap<Oid, Arc<dyn Instrument>>,
}

impl Mib {
    /// An empty MIB.
    pub fn new() -> Self {
        Mib::default()
    }

    /// Serves `subtree` with a raw instrument.
    pub fn register(
        &mut self,
        subtree: Oid,
        instrument: Arc<dyn Instrument>,
    ) -> Result<(), OverlapError> {
        let before = self.subtrees.range(..=&subtree).next_back();
        let after = self
            .subtrees
            .range((Bound::Excluded(&subtree), Bound::Unbounded))
            .next();
        for (existing, _) in before.into_iter().chain(after) {
            if subtree.starts_with(existing) || existing.starts_with(&subtree) {
                return Err(OverlapError {
                    new: subtree,
                    existing: existing.clone(),
                });
            }
        }
        self.subtrees.insert(subtree, instrument);
        Ok(())
    }

    /// Serves the scalar `T` (its subtree is the object's OID, its instance `.0`) from a
    /// typed source.
    pub fn scalar<T, S>(&mut self, source: S) -> Result<(), OverlapError>
    where
        T: Scalar + 'static,
        T::Syntax: Send + Sync + 'static,
        S: ScalarSource<T>,
    {
        self.register(T::OID.clone(), Arc::new(ScalarObject::<T, S>::new(source)))
    }

    /// Serves the table whose rows are `T` (its subtree is the row's OID); see
    /// [`TableObject`] for which columns are readable and writable.
    pub fn table<T, S>(&mut self, table: TableObject<T, S>) -> Result<(), OverlapError>
    where
        T: TableEntry + Clone + Send + Sync + 'static,
        S: TableSource<T>,
    {
        self.register(T::OID.clone(), Arc::new(table))
    }

    /// The registered subtrees, in order.
    pub fn subtrees(&self) -> impl Iterator<Item = &Oid> {
        self.subtrees.keys()
    }

    /// The subtree holding `oid` and its instrument.
    pub fn find(&self, oid: &Oid) -> Option<(&Oid, &Arc<dyn Instrument>)> {
        self.subtrees
            .range(..=oid)
            .next_back()
            .filter(|(subtree, _)| oid.starts_with(subtree))
    }

    /// GET of one instance: [`Value::NoSuchObject`] outside every subtree.
    pub fn get(&self, oid: &Oid) -> Value {
        match self.find(oid) {
            Some((_, instrument)) => instrument.get(oid),
            None => Value::NoSuchObject,
        }
    }

    /// The first instance after `after`, across every subtree; `None` at the end of the
    /// MIB.
    pub fn next(&self, after: &Oid) -> Option<(Oid, Value)> {
        // The subtree holding `after` may have instances after it; every subtree that
        // starts before `after` without holding it lies wholly before it.
        let mut from = after;
        if let Some((subtree, instrument)) = self.find(after) {
            if let Some(found) = instrument.next(after) {
                return Some(found);
            }
            from = subtree;
        }
        self.subtrees
            .range((Bound::Excluded(from), Bound::Unbounded))
            .find_map(|(_, instrument)| instrument.next(after))
    }
}
