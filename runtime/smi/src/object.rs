//! What generated code says about each MIB object: the traits [`ObjectType`],
//! [`Scalar`], [`Column`], [`TableEntry`] and [`Notification`].

use crate::index::{Index, IndexError};
use crate::syntax::{Constraints, Syntax, ValueError};
use crate::{Oid, Value};

/// `MAX-ACCESS` (SMIv2) or `ACCESS` (SMIv1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MaxAccess {
    /// `not-accessible`: index columns, tables and rows.
    NotAccessible,
    /// `accessible-for-notify`: only in notifications.
    AccessibleForNotify,
    /// `read-only`.
    ReadOnly,
    /// `read-write`.
    ReadWrite,
    /// `read-create`: writable, and rows may be created.
    ReadCreate,
    /// `write-only` (SMIv1).
    WriteOnly,
}

impl MaxAccess {
    /// Whether a GET may read it.
    pub fn is_readable(self) -> bool {
        matches!(
            self,
            MaxAccess::ReadOnly | MaxAccess::ReadWrite | MaxAccess::ReadCreate
        )
    }

    /// Whether a SET may write it.
    pub fn is_writable(self) -> bool {
        matches!(
            self,
            MaxAccess::ReadWrite | MaxAccess::ReadCreate | MaxAccess::WriteOnly
        )
    }

    /// The MIB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MaxAccess::NotAccessible => "not-accessible",
            MaxAccess::AccessibleForNotify => "accessible-for-notify",
            MaxAccess::ReadOnly => "read-only",
            MaxAccess::ReadWrite => "read-write",
            MaxAccess::ReadCreate => "read-create",
            MaxAccess::WriteOnly => "write-only",
        }
    }
}

/// `STATUS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// `current`.
    Current,
    /// `deprecated`.
    Deprecated,
    /// `obsolete`.
    Obsolete,
    /// `mandatory` (SMIv1; means current).
    Mandatory,
    /// `optional` (SMIv1).
    Optional,
}

impl Status {
    /// The MIB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Deprecated => "deprecated",
            Status::Obsolete => "obsolete",
            Status::Mandatory => "mandatory",
            Status::Optional => "optional",
        }
    }
}

/// An OBJECT-TYPE: its name, OID, access and value type.
///
/// Generated for every scalar and column. The type implementing it is the object's
/// value (a newtype over [`ObjectType::Syntax`], or the enumeration itself), so an
/// agent returns `SysDescr(..)` and a manager asks for `get::<SysDescr>()`.
pub trait ObjectType {
    /// The module that defines it (`IF-MIB`).
    const MODULE: &'static str;
    /// The descriptor as the MIB spells it (`ifDescr`).
    const NAME: &'static str;
    /// The object's OID (without instance).
    const OID: &'static Oid;
    /// `MAX-ACCESS`.
    const ACCESS: MaxAccess;
    /// `STATUS`.
    const STATUS: Status;
    /// The object's own refinements of its syntax (ranges, sizes), checked on top of
    /// those of its type.
    const CONSTRAINTS: Constraints = Constraints::NONE;
    /// `UNITS`.
    const UNITS: Option<&'static str> = None;
    /// The Rust type its values travel as.
    type Syntax: Syntax;

    /// Reads and checks a wire value.
    fn decode(value: &Value) -> Result<Self::Syntax, ValueError> {
        Self::CONSTRAINTS.check_value(value)?;
        Self::Syntax::from_value(value)
    }
}

/// A scalar object: one instance, `OID.0`.
pub trait Scalar: ObjectType {
    /// The instance OID (`sysDescr.0`).
    fn instance() -> Oid {
        Self::OID.child(0)
    }
}

/// A columnar object of a table.
pub trait Column: ObjectType {
    /// The row type it belongs to.
    type Entry: TableEntry;
    /// The column's sub-identifier under the row.
    const SUB_ID: u32;

    /// The instance OID for one row.
    fn instance(index: &<Self::Entry as TableEntry>::Index) -> Oid {
        let mut arcs = Self::OID.arcs().to_vec();
        index.encode(&mut arcs);
        Oid::from_vec(arcs)
    }
}

/// A conceptual row (`ifEntry`): a struct with one optional field per accessible column
/// and the decoded index.
pub trait TableEntry: Sized {
    /// The module that defines it.
    const MODULE: &'static str;
    /// The row's descriptor (`ifEntry`).
    const NAME: &'static str;
    /// The row's OID: columns are `OID.column.index`.
    const OID: &'static Oid;
    /// The accessible columns: sub-identifier and descriptor, in order.
    const COLUMNS: &'static [(u32, &'static str)];
    /// How each INDEX component is encoded.
    const INDEX: &'static [crate::index::IndexEncoding];
    /// The decoded instance suffix.
    type Index: Index;

    /// An empty row for an index.
    fn new(index: Self::Index) -> Self;

    /// The row's index.
    fn index(&self) -> &Self::Index;

    /// Stores one column's value; `Ok(false)` when the row has no such accessible column.
    fn set_column(&mut self, sub_id: u32, value: &Value) -> Result<bool, ValueError>;

    /// One column's value, if present.
    fn column(&self, sub_id: u32) -> Option<Value>;

    /// Splits a column instance OID into column sub-identifier and decoded index.
    fn split_instance(oid: &Oid) -> Result<(u32, Self::Index), IndexError> {
        let rest = oid
            .arcs()
            .strip_prefix(Self::OID.arcs())
            .ok_or(IndexError::NotUnder)?;
        let (&column, mut suffix) = rest.split_first().ok_or(IndexError::Truncated)?;
        let index = Self::Index::decode(&mut suffix)?;
        if !suffix.is_empty() {
            return Err(IndexError::TrailingArcs(suffix.len()));
        }
        Ok((column, index))
    }
}

/// A NOTIFICATION-TYPE (or an SMIv1 TRAP-TYPE at its SNMPv2 OID).
pub trait Notification {
    /// The module that defines it.
    const MODULE: &'static str;
    /// The descriptor.
    const NAME: &'static str;
    /// `snmpTrapOID.0`'s value for it.
    const OID: &'static Oid;
    /// `STATUS`.
    const STATUS: Status;
    /// The OIDs of its `OBJECTS`, in order.
    const OBJECTS: &'static [&'static Oid];

    /// The variable bindings after `sysUpTime.0` and `snmpTrapOID.0`.
    fn varbinds(&self) -> Vec<(Oid, Value)>;
}
