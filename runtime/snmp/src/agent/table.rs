//! Typed tables: a [`TableSource`] hands the engine rows (`T: TableEntry`, the
//! generated row struct with its decoded index); the engine encodes instance OIDs,
//! orders GETNEXT column by column, and checks SET values and access from the MIB.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::ops::Bound;
use std::sync::RwLock;

use smic_smi::index::Index;
use smic_smi::registry::Registry;
use smic_smi::{Column, MaxAccess, Oid, TableEntry, Value};

use super::ErrorStatus;
use super::check;
use super::instrument::{Instrument, Undo};

/// Where a table's rows come from.
///
/// Rows are ordered by their encoded index (the instance suffix), as SNMP orders them;
/// [`TableSource::next_row`] must follow that order. Rows handed to
/// [`TableSource::check_row`] and [`TableSource::write_row`] carry values that passed
/// the MIB's checks for every column the SET touched.
pub trait TableSource<T: TableEntry>: Send + Sync + 'static {
    /// The row with this index.
    fn row(&self, index: &T::Index) -> Option<T>;

    /// The first row whose encoded index is greater than `after` (the first row when
    /// `after` is `None`). `after` may be any arcs, not only a whole index.
    fn next_row(&self, after: Option<&[u32]>) -> Option<T>;

    /// Checks a row as a SET would leave it (phase one); refuse with
    /// [`ErrorStatus::InconsistentValue`] and the like.
    fn check_row(&self, _row: &T) -> Result<(), ErrorStatus> {
        Ok(())
    }

    /// Stores a changed row (phase two of SET, and undo). The default refuses.
    fn write_row(&self, _row: T) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::NotWritable)
    }
}

/// A table held in memory, ordered by encoded index; SETs to writable columns of
/// existing rows update it.
pub struct MemTable<T> {
    rows: RwLock<BTreeMap<Vec<u32>, T>>,
}

impl<T: TableEntry + Clone> MemTable<T> {
    /// An empty table.
    pub fn new() -> Self {
        MemTable {
            rows: RwLock::new(BTreeMap::new()),
        }
    }

    /// A table holding these rows.
    pub fn from_rows(rows: impl IntoIterator<Item = T>) -> Self {
        let table = MemTable::new();
        for row in rows {
            table.insert(row);
        }
        table
    }

    /// Adds or replaces the row with `row`'s index.
    pub fn insert(&self, row: T) {
        let key = row.index().to_arcs();
        self.write().insert(key, row);
    }

    /// Removes a row, returning it.
    pub fn remove(&self, index: &T::Index) -> Option<T> {
        self.write().remove(&index.to_arcs())
    }

    /// Every row, in index order.
    pub fn rows(&self) -> Vec<T> {
        self.read().values().cloned().collect()
    }

    // A poisoned lock still holds whole rows: writers only insert and remove.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<Vec<u32>, T>> {
        self.rows.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<Vec<u32>, T>> {
        self.rows.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl<T: TableEntry + Clone> Default for MemTable<T> {
    fn default() -> Self {
        MemTable::new()
    }
}

impl<T> TableSource<T> for MemTable<T>
where
    T: TableEntry + Clone + Send + Sync + 'static,
{
    fn row(&self, index: &T::Index) -> Option<T> {
        self.read().get(&index.to_arcs()).cloned()
    }

    fn next_row(&self, after: Option<&[u32]>) -> Option<T> {
        let rows = self.read();
        match after {
            None => rows.values().next().cloned(),
            Some(after) => rows
                .range::<[u32], _>((Bound::Excluded(after), Bound::Unbounded))
                .next()
                .map(|(_, row)| row.clone()),
        }
    }

    fn write_row(&self, row: T) -> Result<(), ErrorStatus> {
        self.insert(row);
        Ok(())
    }
}

/// A shared source serves as well: the agent reads it while its owner updates it.
impl<T: TableEntry, S: TableSource<T>> TableSource<T> for std::sync::Arc<S> {
    fn row(&self, index: &T::Index) -> Option<T> {
        (**self).row(index)
    }

    fn next_row(&self, after: Option<&[u32]>) -> Option<T> {
        (**self).next_row(after)
    }

    fn check_row(&self, row: &T) -> Result<(), ErrorStatus> {
        (**self).check_row(row)
    }

    fn write_row(&self, row: T) -> Result<(), ErrorStatus> {
        (**self).write_row(row)
    }
}

/// A generated column's own check of a SET value.
type ValueCheck = fn(&Value) -> Result<(), ErrorStatus>;

/// What the engine knows of one column.
#[derive(Clone, Copy)]
struct ColumnMeta {
    sub_id: u32,
    access: MaxAccess,
    /// Enumeration values, when known from the registry.
    values: &'static [(i32, &'static str)],
    /// The generated column's own checker, when registered through
    /// [`TableObject::column`].
    check: Option<ValueCheck>,
}

/// A table served from a [`TableSource`], with what the MIB says of each column.
///
/// Columns start as the row type's accessible columns, all read-only; their real
/// MAX-ACCESS comes from the generated metadata, either all at once from a
/// [`Registry`] ([`TableObject::access_from`]) or column by column from the generated
/// column types ([`TableObject::column`], which also checks SET values with the
/// column's own type). A column the engine knows nothing more of stays read-only.
pub struct TableObject<T, S> {
    source: S,
    columns: Vec<ColumnMeta>,
    rows: PhantomData<fn() -> T>,
}

impl<T: TableEntry, S: TableSource<T>> TableObject<T, S> {
    /// A table over `source`, every accessible column read-only until told otherwise.
    pub fn new(source: S) -> Self {
        let mut columns: Vec<ColumnMeta> = T::COLUMNS
            .iter()
            .map(|&(sub_id, _)| ColumnMeta {
                sub_id,
                access: MaxAccess::ReadOnly,
                values: &[],
                check: None,
            })
            .collect();
        columns.sort_by_key(|c| c.sub_id);
        TableObject {
            source,
            columns,
            rows: PhantomData,
        }
    }

    /// Takes every column's MAX-ACCESS and enumeration from the registry (where the
    /// generated module registered its objects).
    pub fn access_from(mut self, registry: &Registry) -> Self {
        for column in &mut self.columns {
            if let Some(info) = registry.at(&T::OID.child(column.sub_id)) {
                if let Some(access) = info.access {
                    column.access = access;
                }
                if let Some(syntax) = info.syntax {
                    column.values = syntax.values;
                }
            }
        }
        self
    }

    /// Takes one column's MAX-ACCESS and value checks from its generated type.
    pub fn column<C>(mut self) -> Self
    where
        C: Column<Entry = T>,
    {
        if let Some(column) = self.columns.iter_mut().find(|c| c.sub_id == C::SUB_ID) {
            column.access = C::ACCESS;
            column.check = Some(check::check::<C>);
        }
        self
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    fn meta(&self, sub_id: u32) -> Option<&ColumnMeta> {
        self.columns.iter().find(|c| c.sub_id == sub_id)
    }

    /// The column and decoded index of an instance OID under the row.
    fn split(&self, oid: &Oid) -> Option<(u32, Result<T::Index, ()>)> {
        let rest = oid.arcs().strip_prefix(T::OID.arcs())?;
        let (&column, suffix) = rest.split_first()?;
        Some((column, T::Index::from_arcs(suffix).map_err(drop)))
    }

    /// The instance OID of a row's column.
    fn instance(sub_id: u32, row: &T) -> Oid {
        let mut arcs = T::OID.arcs().to_vec();
        arcs.push(sub_id);
        row.index().encode(&mut arcs);
        Oid::from_vec(arcs)
    }

    /// Checks a SET binding, returning the row as it would be after it.
    fn changed_row(&self, oid: &Oid, value: &Value) -> Result<T, ErrorStatus> {
        let Some((sub_id, index)) = self.split(oid) else {
            return Err(ErrorStatus::NotWritable);
        };
        let meta = self.meta(sub_id).ok_or(ErrorStatus::NotWritable)?;
        if !meta.access.is_writable() {
            return Err(ErrorStatus::NotWritable);
        }
        if let Some(check) = meta.check {
            check(value)?;
        }
        check::enumerated(meta.values, value)?;
        // Creating rows needs RowStatus; until then, only existing rows change.
        let index = index.map_err(|()| ErrorStatus::NoCreation)?;
        let mut row = self.source.row(&index).ok_or(ErrorStatus::NoCreation)?;
        // Without the column's type, the row's current value tells its wire type: a
        // wrong type must not be reported as a range error.
        if let Some(current) = row.column(sub_id) {
            if std::mem::discriminant(&current) != std::mem::discriminant(value) {
                return Err(ErrorStatus::WrongType);
            }
        }
        match row.set_column(sub_id, value) {
            Ok(true) => Ok(row),
            Ok(false) => Err(ErrorStatus::NotWritable),
            Err(e) => Err(check::value_status(&e)),
        }
    }
}

impl<T, S> Instrument for TableObject<T, S>
where
    T: TableEntry + Clone + Send + Sync + 'static,
    S: TableSource<T>,
{
    fn get(&self, oid: &Oid) -> Value {
        let Some((sub_id, index)) = self.split(oid) else {
            return Value::NoSuchObject;
        };
        match self.meta(sub_id) {
            Some(meta) if meta.access.is_readable() => {}
            _ => return Value::NoSuchObject,
        }
        index
            .ok()
            .and_then(|index| self.source.row(&index))
            .and_then(|row| row.column(sub_id))
            .unwrap_or(Value::NoSuchInstance)
    }

    fn next(&self, after: &Oid) -> Option<(Oid, Value)> {
        // Where in the table `after` points: (column, index arcs after which to look).
        let (start_column, start_after): (u32, Option<&[u32]>) =
            match after.arcs().strip_prefix(T::OID.arcs()) {
                Some([]) => (0, None),
                Some([column, suffix @ ..]) => (*column, (!suffix.is_empty()).then_some(suffix)),
                None if after < T::OID => (0, None),
                None => return None,
            };
        for meta in self.columns.iter().filter(|m| m.access.is_readable()) {
            if meta.sub_id < start_column {
                continue;
            }
            let mut cursor: Option<Vec<u32>> = if meta.sub_id == start_column {
                start_after.map(<[u32]>::to_vec)
            } else {
                None
            };
            // Rows without this column are skipped: the walk goes on to the next row.
            while let Some(row) = self.source.next_row(cursor.as_deref()) {
                if let Some(value) = row.column(meta.sub_id) {
                    return Some((Self::instance(meta.sub_id, &row), value));
                }
                let index = row.index().to_arcs();
                // A source that does not move forward would loop forever.
                if cursor.as_deref().is_some_and(|c| index.as_slice() <= c) {
                    break;
                }
                cursor = Some(index);
            }
        }
        None
    }

    fn check_set(&self, oid: &Oid, value: &Value) -> Result<(), ErrorStatus> {
        let row = self.changed_row(oid, value)?;
        self.source.check_row(&row)
    }

    fn commit_set(&self, oid: &Oid, value: &Value) -> Result<Undo, ErrorStatus> {
        let (_, index) = self.split(oid).ok_or(ErrorStatus::CommitFailed)?;
        let index = index.map_err(|()| ErrorStatus::CommitFailed)?;
        let old = self.source.row(&index).ok_or(ErrorStatus::CommitFailed)?;
        // Re-applied on the current row: earlier bindings of this SET may have changed
        // other columns of it.
        let row = self.changed_row(oid, value)?;
        self.source.write_row(row)?;
        Ok(Box::new(old))
    }

    fn undo_set(&self, _oid: &Oid, undo: Undo) -> Result<(), ErrorStatus> {
        match undo.downcast::<T>() {
            Ok(old) => self.source.write_row(*old),
            Err(_) => Err(ErrorStatus::UndoFailed),
        }
    }
}
