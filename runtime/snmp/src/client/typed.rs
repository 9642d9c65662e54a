//! Typed reads: scalars, single cells and whole tables as the Rust types smic generates
//! from MIBs, instead of raw OIDs and [`Value`]s.
//!
//! Everything here is generic over the traits of [`smic_smi::object`]; the generated
//! crate (`smic-mibs`, or a `build.rs` of your own) supplies the types.

use std::collections::BTreeMap;

use smic_smi::index::IndexError;
use smic_smi::syntax::ValueError;
use smic_smi::{Column, Oid, Scalar, TableEntry, Value};

use super::{Client, Error};
use crate::message::VarBind;

/// A variable binding that does not fit the object it answers for.
///
/// A typed read ([`Client::get_scalar`], [`Client::get_column`], [`Client::table`])
/// fails with it inside [`Error::Binding`]; [`Client::table_partial`] collects them
/// beside the rows that did decode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    /// An SNMPv2 exception where the value should be: the agent does not implement the
    /// object (`noSuchObject`) or has no such instance (`noSuchInstance`).
    #[error("{object} ({oid}): {value}")]
    Exception {
        /// The object's descriptor (`sysDescr`).
        object: &'static str,
        /// The instance asked for.
        oid: Oid,
        /// The exception.
        value: Value,
    },
    /// A value of another SNMP type than the object's, or outside its ranges or sizes.
    #[error("{object} ({oid}): {source}")]
    Value {
        /// The object's descriptor (`ifDescr`).
        object: &'static str,
        /// The instance.
        oid: Oid,
        /// What is wrong with the value.
        source: ValueError,
    },
    /// An instance whose suffix is not a valid INDEX of the row.
    #[error("{row} ({oid}): {source}")]
    Index {
        /// The row's descriptor (`ifEntry`).
        row: &'static str,
        /// The instance.
        oid: Oid,
        /// What is wrong with the suffix.
        source: IndexError,
    },
}

impl BindingError {
    /// The instance OID of the binding at fault.
    pub fn oid(&self) -> &Oid {
        match self {
            BindingError::Exception { oid, .. }
            | BindingError::Value { oid, .. }
            | BindingError::Index { oid, .. } => oid,
        }
    }
}

/// A table as [`Client::table_partial`] read it: every row whose index decoded, and
/// every binding that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialTable<E> {
    /// The rows, in index order (the order of their instance suffixes, as the agent
    /// sorts them). A column whose value was refused is left empty (`None`) in its row,
    /// and the refusal is in [`PartialTable::rejected`].
    pub rows: Vec<E>,
    /// The bindings that were refused, in the order received: values of the wrong type
    /// or out of range ([`BindingError::Value`]) and instances whose suffix is not a
    /// valid index ([`BindingError::Index`]; no row is made for them, since their
    /// index is unknown).
    pub rejected: Vec<BindingError>,
}

impl<E: TableEntry> PartialTable<E> {
    /// Sorts bindings from a walk of the row's OID into rows.
    ///
    /// Columns the row type does not have (not accessible, or added by a later
    /// revision of the MIB than the one the type was generated from) are skipped;
    /// bindings outside the row's subtree are refused as [`BindingError::Index`].
    ///
    /// ```
    /// use smic_mibs::if_mib::IfEntry;
    /// use smic_smi::{Oid, Value};
    /// use smic_snmp::VarBind;
    /// use smic_snmp::client::{BindingError, PartialTable};
    ///
    /// let at = |s: &str| s.parse::<Oid>().unwrap();
    /// let table = PartialTable::<IfEntry>::from_bindings(vec![
    ///     VarBind { oid: at("1.3.6.1.2.1.2.2.1.2.7"), value: Value::OctetString(b"eth1".to_vec()) },
    ///     VarBind { oid: at("1.3.6.1.2.1.2.2.1.2.2"), value: Value::OctetString(b"eth0".to_vec()) },
    ///     VarBind { oid: at("1.3.6.1.2.1.2.2.1.4.2"), value: Value::OctetString(b"x".to_vec()) },
    ///     VarBind { oid: at("1.3.6.1.2.1.2.2.1.2.0"), value: Value::OctetString(b"bad".to_vec()) },
    /// ]);
    /// let names: Vec<_> = table.rows.iter().map(|r| r.if_descr.as_ref().unwrap().to_string()).collect();
    /// assert_eq!(names, ["eth0", "eth1"]);
    /// assert_eq!(table.rows[0].if_mtu, None);
    /// assert!(matches!(table.rejected[0], BindingError::Value { object: "ifMtu", .. }));
    /// assert!(matches!(table.rejected[1], BindingError::Index { row: "ifEntry", .. }));
    /// ```
    pub fn from_bindings(bindings: impl IntoIterator<Item = VarBind>) -> Self {
        let mut rows: BTreeMap<Vec<u32>, E> = BTreeMap::new();
        let mut rejected = Vec::new();
        for VarBind { oid, value } in bindings {
            let (column, index) = match E::split_instance(&oid) {
                Ok(split) => split,
                Err(source) => {
                    rejected.push(BindingError::Index {
                        row: E::NAME,
                        oid,
                        source,
                    });
                    continue;
                }
            };
            // `split_instance` checked that the row's OID and a column arc come first.
            let suffix = oid.arcs().get(E::OID.len() + 1..).unwrap_or_default();
            let row = rows.entry(suffix.to_vec()).or_insert_with(|| E::new(index));
            if let Err(source) = row.set_column(column, &value) {
                let object = E::COLUMNS
                    .iter()
                    .find(|(sub_id, _)| *sub_id == column)
                    .map_or(E::NAME, |(_, name)| name);
                rejected.push(BindingError::Value {
                    object,
                    oid,
                    source,
                });
            }
        }
        PartialTable {
            rows: rows.into_values().collect(),
            rejected,
        }
    }
}

impl Client {
    /// `GetRequest` for a scalar's instance (`OID.0`), its value decoded to the
    /// object's Rust type and checked against the MIB's ranges and sizes.
    ///
    /// An SNMPv2 exception (the agent lacks the object or the instance) is
    /// [`BindingError::Exception`], a value of another type or out of range
    /// [`BindingError::Value`], both inside [`Error::Binding`]. An SNMPv1 agent says
    /// `noSuchName` instead: [`Error::Agent`] with status 2.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), smic_snmp::client::Error> {
    /// use smic_mibs::snmpv2_mib::{SysDescr, SysUpTime};
    /// use smic_snmp::client::{Client, Config};
    ///
    /// let client = Client::connect("127.0.0.1:161".parse().unwrap(), Config::default()).await?;
    /// let descr = client.get_scalar::<SysDescr>().await?; // a DisplayString
    /// let uptime = client.get_scalar::<SysUpTime>().await?; // TimeTicks
    /// println!("{descr}, up {uptime}");
    /// # Ok(()) }
    /// ```
    pub async fn get_scalar<T: Scalar>(&self) -> Result<T::Syntax, Error> {
        self.get_decoded::<T>(T::instance()).await
    }

    /// `GetRequest` for one cell of a table: the column's value in the row at `index`,
    /// decoded like [`Client::get_scalar`]'s.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use smic_mibs::if_mib::{IfDescr, IfEntryIndex, InterfaceIndex};
    /// use smic_snmp::client::{Client, Config};
    ///
    /// let client = Client::connect("127.0.0.1:161".parse()?, Config::default()).await?;
    /// let first = IfEntryIndex { if_index: InterfaceIndex::new(1)? };
    /// println!("{}", client.get_column::<IfDescr>(&first).await?);
    /// # Ok(()) }
    /// ```
    pub async fn get_column<C: Column>(
        &self,
        index: &<C::Entry as TableEntry>::Index,
    ) -> Result<C::Syntax, Error> {
        self.get_decoded::<C>(C::instance(index)).await
    }

    async fn get_decoded<T: smic_smi::ObjectType>(
        &self,
        instance: Oid,
    ) -> Result<T::Syntax, Error> {
        let mut answer = self.get(std::slice::from_ref(&instance)).await?;
        let binding = answer.pop().ok_or(Error::Malformed(
            "the response has another number of bindings",
        ))?;
        if binding.oid != instance {
            return Err(Error::Malformed("the response names another instance"));
        }
        if binding.value.is_exception() {
            return Err(BindingError::Exception {
                object: T::NAME,
                oid: instance,
                value: binding.value,
            }
            .into());
        }
        T::decode(&binding.value).map_err(|source| {
            BindingError::Value {
                object: T::NAME,
                oid: instance,
                source,
            }
            .into()
        })
    }

    /// Every row of a table, with decoded indexes and typed columns, in index order:
    /// a walk of the row's OID ([`Client::walk`]: GetBulk with SNMPv2c, GetNext with
    /// SNMPv1).
    ///
    /// Strict: the first binding that does not fit (a value of the wrong type or out
    /// of range, an instance suffix that is not a valid index) fails the whole read
    /// with [`Error::Binding`]. [`Client::table_partial`] keeps the rest instead.
    /// Columns the row type does not have are skipped.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), smic_snmp::client::Error> {
    /// use smic_mibs::if_mib::{IfEntry, IfOperStatus};
    /// use smic_snmp::client::{Client, Config};
    ///
    /// let client = Client::connect("127.0.0.1:161".parse().unwrap(), Config::default()).await?;
    /// for row in client.table::<IfEntry>().await? {
    ///     let up = row.if_oper_status == Some(IfOperStatus::Up.into());
    ///     println!("{} {:?} up={up}", row.index.if_index, row.if_descr);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn table<E: TableEntry>(&self) -> Result<Vec<E>, Error> {
        let table = self.table_partial::<E>().await?;
        match table.rejected.into_iter().next() {
            None => Ok(table.rows),
            Some(first) => Err(first.into()),
        }
    }

    /// Every row of a table, like [`Client::table`], but bindings that do not fit are
    /// collected in [`PartialTable::rejected`] rather than failing the read: one bad
    /// value from an agent does not hide the rest of its table.
    ///
    /// Fails only when the walk itself does (timeouts, agent errors).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), smic_snmp::client::Error> {
    /// use smic_mibs::if_mib::IfEntry;
    /// use smic_snmp::client::{Client, Config};
    ///
    /// let client = Client::connect("127.0.0.1:161".parse().unwrap(), Config::default()).await?;
    /// let table = client.table_partial::<IfEntry>().await?;
    /// for problem in &table.rejected {
    ///     eprintln!("skipped: {problem}");
    /// }
    /// println!("{} interfaces", table.rows.len());
    /// # Ok(()) }
    /// ```
    pub async fn table_partial<E: TableEntry>(&self) -> Result<PartialTable<E>, Error> {
        let mut walk = self.walk(E::OID.clone());
        let mut bindings = Vec::new();
        while let Some(binding) = walk.next().await {
            bindings.push(binding?);
        }
        Ok(PartialTable::from_bindings(bindings))
    }
}

#[cfg(test)]
mod tests {
    use smic_mibs::if_mib::{IfAdminStatus, IfEntry, InterfaceIndex};
    use smic_mibs::snmpv2_mib::SysOREntry;
    use smic_smi::index::Index;

    use super::*;

    fn at(text: &str) -> Oid {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn bind(oid: &str, value: Value) -> VarBind {
        VarBind {
            oid: at(oid),
            value,
        }
    }

    #[test]
    fn rows_are_sorted_by_index_and_columns_land_in_their_fields() {
        // A walk goes column by column; rows come out whole, in index order.
        let table = PartialTable::<IfEntry>::from_bindings(vec![
            bind("1.3.6.1.2.1.2.2.1.1.10", Value::Integer(10)),
            bind("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2)),
            bind(
                "1.3.6.1.2.1.2.2.1.2.10",
                Value::OctetString(b"ten".to_vec()),
            ),
            bind("1.3.6.1.2.1.2.2.1.2.2", Value::OctetString(b"two".to_vec())),
            bind("1.3.6.1.2.1.2.2.1.7.2", Value::Integer(2)),
            bind("1.3.6.1.2.1.2.2.1.7.10", Value::Integer(9)),
            // A column this revision of IF-MIB does not have.
            bind("1.3.6.1.2.1.2.2.1.99.2", Value::Integer(0)),
        ]);
        assert!(table.rejected.is_empty(), "{:?}", table.rejected);
        let indexes: Vec<i32> = table
            .rows
            .iter()
            .map(|r| r.index.if_index.into_inner())
            .collect();
        assert_eq!(indexes, [2, 10]);
        let two = &table.rows[0];
        assert_eq!(two.if_index.map(InterfaceIndex::into_inner), Some(2));
        assert_eq!(
            two.if_descr.as_ref().map(ToString::to_string).as_deref(),
            Some("two")
        );
        assert_eq!(two.if_admin_status, Some(IfAdminStatus::Down.into()));
        // A number the enumeration does not list is kept, not refused.
        assert_eq!(table.rows[1].if_admin_status.map(|s| s.to_i32()), Some(9));
        assert_eq!(two.if_mtu, None);
    }

    #[test]
    fn bad_values_and_bad_indexes_are_rejected_not_dropped() {
        let table = PartialTable::<IfEntry>::from_bindings(vec![
            // ifDescr is a DisplayString: an integer is the wrong type.
            bind("1.3.6.1.2.1.2.2.1.2.1", Value::Integer(5)),
            // DisplayString is at most 255 octets.
            bind("1.3.6.1.2.1.2.2.1.2.2", Value::OctetString(vec![b'x'; 256])),
            // InterfaceIndex is 1..2147483647: 0 is not an index.
            bind(
                "1.3.6.1.2.1.2.2.1.2.0",
                Value::OctetString(b"zero".to_vec()),
            ),
            // Two arcs where the index has one.
            bind("1.3.6.1.2.1.2.2.1.2.3.4", Value::OctetString(b"x".to_vec())),
            bind("1.3.6.1.2.1.2.2.1.4.1", Value::Integer(1500)),
        ]);
        let kinds: Vec<String> = table.rejected.iter().map(ToString::to_string).collect();
        assert_eq!(
            kinds,
            [
                "ifDescr (1.3.6.1.2.1.2.2.1.2.1): expected OCTET STRING, got INTEGER: 5",
                "ifDescr (1.3.6.1.2.1.2.2.1.2.2): length 256 is outside the allowed size 0..255",
                "ifEntry (1.3.6.1.2.1.2.2.1.2.0): 0 is outside the allowed range 1..2147483647",
                "ifEntry (1.3.6.1.2.1.2.2.1.2.3.4): 1 sub-identifier(s) left after the index",
            ]
        );
        assert_eq!(table.rejected[3].oid(), &at("1.3.6.1.2.1.2.2.1.2.3.4"));
        // Rows 1 and 2 exist (their indexes decoded); the refused cells stay empty.
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].if_descr, None);
        assert_eq!(table.rows[0].if_mtu, Some(1500));
        assert_eq!(table.rows[1].if_descr, None);
    }

    #[test]
    fn rows_of_other_tables_keep_their_index() {
        let table = PartialTable::<SysOREntry>::from_bindings(vec![
            bind(
                "1.3.6.1.2.1.1.9.1.3.4",
                Value::OctetString(b"four".to_vec()),
            ),
            bind("1.3.6.1.2.1.1.9.1.3.1", Value::OctetString(b"one".to_vec())),
        ]);
        assert!(table.rejected.is_empty());
        let suffixes: Vec<Vec<u32>> = table.rows.iter().map(|r| r.index().to_arcs()).collect();
        assert_eq!(suffixes, [vec![1], vec![4]]);
    }
}
