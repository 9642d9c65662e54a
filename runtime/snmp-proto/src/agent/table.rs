//! Typed tables: a [`TableSource`] hands the engine rows (`T: TableEntry`, the
//! generated row struct with its decoded index); the engine encodes instance OIDs,
//! orders GETNEXT column by column, and checks SET values and access from the MIB.
//!
//! Tables whose row has a RowStatus column (RFC 2579) get row creation and deletion:
//! the engine finds the column from the MIB metadata and runs RFC 2579's state
//! machine over every binding a SET makes to one row; the source only creates,
//! writes and destroys whole rows.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::ops::Bound;
use std::sync::RwLock;

use smic_smi::index::Index;
use smic_smi::registry::Registry;
use smic_smi::snmpv2_tc::RowStatus;
use smic_smi::syntax::{Enumeration, Syntax};
use smic_smi::{Column, MaxAccess, Oid, TableEntry, Value};

use super::check;
use super::instrument::{Instrument, Undo};
use crate::message::ErrorStatus;
use crate::message::VarBind;

/// Where a table's rows come from.
///
/// Rows are ordered by their encoded index (the instance suffix), as SNMP orders them;
/// [`TableSource::next_row`] must follow that order. Rows handed to
/// [`TableSource::check_row`], [`TableSource::write_row`] and
/// [`TableSource::create_row`] carry values that passed the MIB's checks for every
/// column the SET touched.
///
/// In a table with a RowStatus column, the engine sets the status column itself
/// (`createAndGo` stores `active`, `createAndWait` stores `notInService` or
/// `notReady`): the source sees only `active`, `notInService` and `notReady` there.
pub trait TableSource<T: TableEntry>: Send + Sync + 'static {
    /// The row with this index.
    fn row(&self, index: &T::Index) -> Option<T>;

    /// The first row whose encoded index is greater than `after` (the first row when
    /// `after` is `None`). `after` may be any arcs, not only a whole index.
    fn next_row(&self, after: Option<&[u32]>) -> Option<T>;

    /// Checks a row as a SET would leave it (phase one); refuse with
    /// [`ErrorStatus::InconsistentValue`] and the like.
    ///
    /// A row that [`TableSource::row`] does not know is one the SET would create: a
    /// source that cannot create rows should refuse it here
    /// ([`ErrorStatus::NoCreation`]), or the SET fails later, at commit
    /// (commitFailed). Rows a SET destroys are not checked.
    fn check_row(&self, _row: &T) -> Result<(), ErrorStatus> {
        Ok(())
    }

    /// Stores a changed row (phase two of SET, and undo). The default refuses.
    fn write_row(&self, _row: T) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::NotWritable)
    }

    /// Whether a row has every column it needs to be `active` (RFC 2579: a row that
    /// has not is `notReady`). Asked of rows a SET leaves behind in a table with a
    /// RowStatus column; the status column's value in `row` is not yet the final one.
    /// The default finds every row ready.
    fn is_ready(&self, _row: &T) -> bool {
        true
    }

    /// Stores a new row (RowStatus `createAndGo` or `createAndWait`, and the undo of
    /// `destroy`). The default refuses.
    fn create_row(&self, _row: T) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::NoCreation)
    }

    /// Deletes a row (RowStatus `destroy`, and the undo of a creation). The default
    /// refuses.
    fn destroy_row(&self, _index: &T::Index) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::NotWritable)
    }
}

/// A table held in memory, ordered by encoded index; SETs to writable columns of
/// existing rows update it, and RowStatus SETs create and destroy its rows.
pub struct MemTable<T> {
    rows: RwLock<BTreeMap<Vec<u32>, T>>,
    /// The columns a row needs to be ready (RowStatus `active`).
    required: Vec<u32>,
}

impl<T: TableEntry + Clone> MemTable<T> {
    /// An empty table.
    pub fn new() -> Self {
        MemTable {
            rows: RwLock::new(BTreeMap::new()),
            required: Vec::new(),
        }
    }

    /// The same table, finding a row ready ([`TableSource::is_ready`]) only when it
    /// has a value for every one of these columns (sub-identifiers). Without, every
    /// row is ready: a created row holds the columns its SET gave, no DEFVALs.
    pub fn require_columns(mut self, columns: &[u32]) -> Self {
        self.required = columns.to_vec();
        self
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

    /// Replaces every row at once (readers see the old rows or the new, never a mix).
    pub fn replace(&self, rows: impl IntoIterator<Item = T>) {
        let fresh: BTreeMap<Vec<u32>, T> = rows
            .into_iter()
            .map(|row| (row.index().to_arcs(), row))
            .collect();
        *self.write() = fresh;
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

    fn is_ready(&self, row: &T) -> bool {
        self.required.iter().all(|&c| row.column(c).is_some())
    }

    fn create_row(&self, row: T) -> Result<(), ErrorStatus> {
        let key = row.index().to_arcs();
        let mut rows = self.write();
        // The engine creates only rows it did not find; one that appeared since is
        // not overwritten.
        if rows.contains_key(&key) {
            return Err(ErrorStatus::InconsistentValue);
        }
        rows.insert(key, row);
        Ok(())
    }

    fn destroy_row(&self, index: &T::Index) -> Result<(), ErrorStatus> {
        self.remove(index);
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

    fn is_ready(&self, row: &T) -> bool {
        (**self).is_ready(row)
    }

    fn create_row(&self, row: T) -> Result<(), ErrorStatus> {
        (**self).create_row(row)
    }

    fn destroy_row(&self, index: &T::Index) -> Result<(), ErrorStatus> {
        (**self).destroy_row(index)
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

/// RFC 2579's RowStatus values, as they travel.
const ACTIVE: i32 = RowStatus::Active as i32;
const NOT_IN_SERVICE: i32 = RowStatus::NotInService as i32;
const NOT_READY: i32 = RowStatus::NotReady as i32;
const CREATE_AND_GO: i32 = RowStatus::CreateAndGo as i32;
const CREATE_AND_WAIT: i32 = RowStatus::CreateAndWait as i32;
const DESTROY: i32 = RowStatus::Destroy as i32;

/// Whether a syntax is SNMPv2-TC's RowStatus. The name alone could be a module's own
/// homonym; the values make it the convention whose state machine the engine runs.
fn is_row_status(type_name: &str, values: &[(i32, &'static str)]) -> bool {
    type_name == <RowStatus as Enumeration>::TYPE_NAME
        && values == <RowStatus as Enumeration>::VALUES
}

/// What undoes a committed row of a RowStatus table.
enum RowUndo<T> {
    /// Another binding of the same row did the work (or there was none to do).
    Nothing,
    /// The row was created: destroy it (its encoded index).
    Created(Vec<u32>),
    /// The row was changed: write it back.
    Changed(T),
    /// The row was destroyed: create it again.
    Destroyed(T),
}

/// One binding of a SET on a row: its position in the request, column and value.
type RowBinding<'r> = (usize, u32, &'r Value);

/// A table served from a [`TableSource`], with what the MIB says of each column.
///
/// Columns start as the row type's accessible columns, all read-only; their real
/// MAX-ACCESS comes from the generated metadata, either all at once from a
/// [`Registry`] ([`TableObject::access_from`]) or column by column from the generated
/// column types ([`TableObject::column`], which also checks SET values with the
/// column's own type). A column the engine knows nothing more of stays read-only.
///
/// A column whose syntax is RowStatus, found the same way, makes the table one whose
/// rows SETs create and destroy (RFC 2579). Every binding a SET makes to one row is
/// judged together, so that one request can create a row with its other columns:
/// - `createAndGo` creates a row that does not exist from the SET's values; it must be
///   ready ([`TableSource::is_ready`]) or the SET is refused with inconsistentValue;
///   the row is stored `active`;
/// - `createAndWait` creates it `notInService` when ready, else `notReady`;
/// - either on an existing row is inconsistentValue; creating needs the status
///   column to be read-create (noCreation otherwise);
/// - `active` and `notInService` change an existing row's status (inconsistentValue
///   for a row that does not exist, or is not ready);
/// - `destroy` deletes the row (noError, and nothing, when there is none; but
///   inconsistentName when the SET also sets other columns of that missing row);
/// - `notReady` is never settable (wrongValue);
/// - other columns of a missing row, without a status that creates it, are
///   inconsistentName (noCreation when the column is not read-create); a `notReady`
///   row that a SET makes ready becomes `notInService`.
///
/// Row-level refusals are reported at the status binding. A created row holds only
/// what the SET gave (generated code carries no DEFVALs). If a later binding of the
/// SET fails at commit, a created row is destroyed, a destroyed one re-created and a
/// changed one written back.
pub struct TableObject<T, S> {
    source: S,
    columns: Vec<ColumnMeta>,
    /// The RowStatus column's sub-identifier, when the row has one.
    status: Option<u32>,
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
            status: None,
            rows: PhantomData,
        }
    }

    /// Takes every column's MAX-ACCESS and enumeration from the registry (where the
    /// generated module registered its objects), and finds a RowStatus column.
    pub fn access_from(mut self, registry: &Registry) -> Self {
        for column in &mut self.columns {
            if let Some(info) = registry.at(&T::OID.child(column.sub_id)) {
                if let Some(access) = info.access {
                    column.access = access;
                }
                if let Some(syntax) = info.syntax {
                    column.values = syntax.values;
                    if is_row_status(syntax.type_name, syntax.values) {
                        self.status = Some(column.sub_id);
                    }
                }
            }
        }
        self
    }

    /// Takes one column's MAX-ACCESS and value checks from its generated type (and
    /// makes it the table's status column if its syntax is RowStatus).
    pub fn column<C>(mut self) -> Self
    where
        C: Column<Entry = T>,
    {
        if let Some(column) = self.columns.iter_mut().find(|c| c.sub_id == C::SUB_ID) {
            column.access = C::ACCESS;
            column.check = Some(check::check::<C>);
            if is_row_status(
                <C::Syntax as Syntax>::TYPE_NAME,
                <C::Syntax as Syntax>::VALUES,
            ) {
                self.status = Some(C::SUB_ID);
            }
        }
        self
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// The RowStatus column's sub-identifier, when the table has one.
    pub fn status_column(&self) -> Option<u32> {
        self.status
    }

    fn meta(&self, sub_id: u32) -> Option<&ColumnMeta> {
        self.columns.iter().find(|c| c.sub_id == sub_id)
    }

    /// The column and index arcs of an instance OID under the row.
    fn split_arcs(oid: &Oid) -> Option<(u32, &[u32])> {
        let rest = oid.arcs().strip_prefix(T::OID.arcs())?;
        let (&column, suffix) = rest.split_first()?;
        Some((column, suffix))
    }

    /// The column and decoded index of an instance OID under the row.
    fn split(&self, oid: &Oid) -> Option<(u32, Result<T::Index, ()>)> {
        let (column, suffix) = Self::split_arcs(oid)?;
        Some((column, T::Index::from_arcs(suffix).map_err(drop)))
    }

    /// The instance OID of a row's column.
    fn instance(sub_id: u32, row: &T) -> Oid {
        let mut arcs = T::OID.arcs().to_vec();
        arcs.push(sub_id);
        row.index().encode(&mut arcs);
        Oid::from_vec(arcs)
    }

    /// Checks a SET binding's column: that it is writable, and its value.
    fn writable(&self, sub_id: u32, value: &Value) -> Result<&ColumnMeta, ErrorStatus> {
        let meta = self.meta(sub_id).ok_or(ErrorStatus::NotWritable)?;
        if !meta.access.is_writable() {
            return Err(ErrorStatus::NotWritable);
        }
        if let Some(check) = meta.check {
            check(value)?;
        }
        check::enumerated(meta.values, value)?;
        Ok(meta)
    }

    /// Stores a binding's value in a row, mapping refusals to their status.
    fn apply(row: &mut T, sub_id: u32, value: &Value) -> Result<(), ErrorStatus> {
        // Without the column's type, the row's current value tells its wire type: a
        // wrong type must not be reported as a range error.
        if let Some(current) = row.column(sub_id) {
            if std::mem::discriminant(&current) != std::mem::discriminant(value) {
                return Err(ErrorStatus::WrongType);
            }
        }
        match row.set_column(sub_id, value) {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorStatus::NotWritable),
            Err(e) => Err(check::value_status(&e)),
        }
    }

    /// Checks a SET binding, returning the row as it would be after it (tables
    /// without RowStatus: only existing rows change).
    fn changed_row(&self, oid: &Oid, value: &Value) -> Result<T, ErrorStatus> {
        let Some((sub_id, index)) = self.split(oid) else {
            return Err(ErrorStatus::NotWritable);
        };
        self.writable(sub_id, value)?;
        let index = index.map_err(|()| ErrorStatus::NoCreation)?;
        let mut row = self.source.row(&index).ok_or(ErrorStatus::NoCreation)?;
        Self::apply(&mut row, sub_id, value)?;
        Ok(row)
    }

    /// Checks one binding of a RowStatus table on its own (column, access, value,
    /// index), returning its column and index arcs.
    fn check_alone<'o>(
        &self,
        status: u32,
        oid: &'o Oid,
        value: &Value,
    ) -> Result<(u32, &'o [u32]), ErrorStatus> {
        let (sub_id, arcs) = Self::split_arcs(oid).ok_or(ErrorStatus::NotWritable)?;
        self.writable(sub_id, value)?;
        // RFC 2579: notReady is only ever reported, never set.
        if sub_id == status && *value == Value::Integer(NOT_READY) {
            return Err(ErrorStatus::WrongValue);
        }
        let index = T::Index::from_arcs(arcs).map_err(|_| ErrorStatus::NoCreation)?;
        // The value must fit the column, whether or not the row exists yet.
        let mut row = self.source.row(&index).unwrap_or_else(|| T::new(index));
        Self::apply(&mut row, sub_id, value)?;
        Ok((sub_id, arcs))
    }

    /// Every binding of `request` on the row with index `arcs`, in request order.
    fn row_bindings<'r>(request: &'r [VarBind], arcs: &[u32]) -> Vec<RowBinding<'r>> {
        request
            .iter()
            .enumerate()
            .filter_map(|(at, vb)| match Self::split_arcs(&vb.oid) {
                Some((column, suffix)) if suffix == arcs => Some((at, column, &vb.value)),
                _ => None,
            })
            .collect()
    }

    /// The row as a SET leaves it (`None`: absent) from the row before and every
    /// binding the SET makes to it, by RFC 2579's state machine.
    fn transition(
        &self,
        status: u32,
        before: Option<T>,
        arcs: &[u32],
        bindings: &[RowBinding<'_>],
    ) -> Result<Option<T>, ErrorStatus> {
        // A status set twice in one SET: the last one wins, as for any column.
        let asked = bindings
            .iter()
            .rev()
            .find(|&&(_, column, _)| column == status)
            .map(|&(_, _, value)| match value {
                Value::Integer(n) => *n,
                // Refused at its own binding (wrongType); never a valid status here.
                _ => 0,
            });
        let with_columns = |mut row: T| -> Result<T, ErrorStatus> {
            for &(_, column, value) in bindings.iter().filter(|b| b.1 != status) {
                Self::apply(&mut row, column, value)?;
            }
            Ok(row)
        };
        let with_status = |mut row: T, value: i32| -> Result<Option<T>, ErrorStatus> {
            Self::apply(&mut row, status, &Value::Integer(value))?;
            Ok(Some(row))
        };
        match (before, asked) {
            // Columns of a row that does not exist and will not: nothing to set them in.
            (None, Some(DESTROY)) if bindings.iter().any(|b| b.1 != status) => {
                Err(ErrorStatus::InconsistentName)
            }
            (_, Some(DESTROY)) => Ok(None),
            (Some(_), Some(CREATE_AND_GO | CREATE_AND_WAIT)) => Err(ErrorStatus::InconsistentValue),
            (None, Some(asked @ (CREATE_AND_GO | CREATE_AND_WAIT))) => {
                if self.meta(status).map(|m| m.access) != Some(MaxAccess::ReadCreate) {
                    return Err(ErrorStatus::NoCreation);
                }
                let index = T::Index::from_arcs(arcs).map_err(|_| ErrorStatus::NoCreation)?;
                let row = with_columns(T::new(index))?;
                let ready = self.source.is_ready(&row);
                let value = match (asked, ready) {
                    (CREATE_AND_GO, true) => ACTIVE,
                    (CREATE_AND_GO, false) => return Err(ErrorStatus::InconsistentValue),
                    (_, true) => NOT_IN_SERVICE,
                    (_, false) => NOT_READY,
                };
                with_status(row, value)
            }
            (None, Some(ACTIVE | NOT_IN_SERVICE)) => Err(ErrorStatus::InconsistentValue),
            (None, _) => Err(ErrorStatus::InconsistentName),
            (Some(row), Some(asked @ (ACTIVE | NOT_IN_SERVICE))) => {
                let row = with_columns(row)?;
                if !self.source.is_ready(&row) {
                    return Err(ErrorStatus::InconsistentValue);
                }
                with_status(row, asked)
            }
            (Some(row), None) => {
                let row = with_columns(row)?;
                // RFC 2579 (1): a notReady row given what it lacked is notInService.
                if row.column(status) == Some(Value::Integer(NOT_READY))
                    && self.source.is_ready(&row)
                {
                    return with_status(row, NOT_IN_SERVICE);
                }
                Ok(Some(row))
            }
            // notReady, and values outside the enumeration: refused at their binding.
            (Some(_), Some(_)) => Err(ErrorStatus::WrongValue),
        }
    }

    /// Phase one for one binding of a RowStatus table.
    fn check_row_binding(
        &self,
        status: u32,
        request: &[VarBind],
        at: usize,
    ) -> Result<(), ErrorStatus> {
        let vb = request.get(at).ok_or(ErrorStatus::GenErr)?;
        let (sub_id, arcs) = self.check_alone(status, &vb.oid, &vb.value)?;
        let bindings = Self::row_bindings(request, arcs);
        let status_at = bindings
            .iter()
            .rev()
            .find(|&&(_, column, _)| column == status)
            .map(|&(at, _, _)| at);
        let index = T::Index::from_arcs(arcs).map_err(|_| ErrorStatus::NoCreation)?;
        let before = self.source.row(&index);
        match status_at {
            // The status binding judges the row: refusals point at it.
            Some(p) if p == at => {
                if let Some(after) = self.transition(status, before, arcs, &bindings)? {
                    self.source.check_row(&after)?;
                }
                Ok(())
            }
            // Another binding sets the status, and will judge the row.
            Some(_) => Ok(()),
            None => match before {
                None => match self.meta(sub_id).map(|m| m.access) {
                    Some(MaxAccess::ReadCreate) => Err(ErrorStatus::InconsistentName),
                    _ => Err(ErrorStatus::NoCreation),
                },
                Some(row) => match self.transition(status, Some(row), arcs, &bindings)? {
                    Some(after) => self.source.check_row(&after),
                    None => Ok(()),
                },
            },
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
        if self.status.is_some() {
            let request = [VarBind {
                oid: oid.clone(),
                value: value.clone(),
            }];
            return self.check_binding(&request, 0);
        }
        let row = self.changed_row(oid, value)?;
        self.source.check_row(&row)
    }

    fn commit_set(&self, oid: &Oid, value: &Value) -> Result<Undo, ErrorStatus> {
        if self.status.is_some() {
            let request = [VarBind {
                oid: oid.clone(),
                value: value.clone(),
            }];
            return self.commit_binding(&request, 0);
        }
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
        // The undo carries all it needs, whichever way the binding was committed.
        let undo = match undo.downcast::<RowUndo<T>>() {
            Ok(row) => return self.undo_row(*row),
            Err(undo) => undo,
        };
        match undo.downcast::<T>() {
            Ok(old) => self.source.write_row(*old),
            Err(_) => Err(ErrorStatus::UndoFailed),
        }
    }

    fn check_binding(&self, request: &[VarBind], at: usize) -> Result<(), ErrorStatus> {
        match self.status {
            Some(status) => self.check_row_binding(status, request, at),
            None => {
                let vb = request.get(at).ok_or(ErrorStatus::GenErr)?;
                self.check_set(&vb.oid, &vb.value)
            }
        }
    }

    fn commit_binding(&self, request: &[VarBind], at: usize) -> Result<Undo, ErrorStatus> {
        match self.status {
            Some(status) => {
                let undo = self.commit_row_binding(status, request, at)?;
                Ok(Box::new(undo))
            }
            None => {
                let vb = request.get(at).ok_or(ErrorStatus::CommitFailed)?;
                self.commit_set(&vb.oid, &vb.value)
            }
        }
    }
}

impl<T, S> TableObject<T, S>
where
    T: TableEntry + Clone + Send + Sync + 'static,
    S: TableSource<T>,
{
    /// Phase two for one binding of a RowStatus table: the row's first binding writes
    /// the whole row, the others have nothing left to do.
    fn commit_row_binding(
        &self,
        status: u32,
        request: &[VarBind],
        at: usize,
    ) -> Result<RowUndo<T>, ErrorStatus> {
        let vb = request.get(at).ok_or(ErrorStatus::CommitFailed)?;
        let (_, arcs) = Self::split_arcs(&vb.oid).ok_or(ErrorStatus::CommitFailed)?;
        let bindings = Self::row_bindings(request, arcs);
        if bindings.first().map(|b| b.0) != Some(at) {
            return Ok(RowUndo::Nothing);
        }
        let index = T::Index::from_arcs(arcs).map_err(|_| ErrorStatus::CommitFailed)?;
        let before = self.source.row(&index);
        let after = self.transition(status, before.clone(), arcs, &bindings)?;
        match (before, after) {
            (None, None) => Ok(RowUndo::Nothing),
            (None, Some(row)) => {
                self.source.create_row(row)?;
                Ok(RowUndo::Created(arcs.to_vec()))
            }
            (Some(old), Some(row)) => {
                self.source.write_row(row)?;
                Ok(RowUndo::Changed(old))
            }
            (Some(old), None) => {
                self.source.destroy_row(&index)?;
                Ok(RowUndo::Destroyed(old))
            }
        }
    }

    /// Reverts one committed row of a RowStatus table.
    fn undo_row(&self, undo: RowUndo<T>) -> Result<(), ErrorStatus> {
        match undo {
            RowUndo::Nothing => Ok(()),
            RowUndo::Created(arcs) => {
                let index = T::Index::from_arcs(&arcs).map_err(|_| ErrorStatus::UndoFailed)?;
                self.source.destroy_row(&index)
            }
            RowUndo::Changed(old) => self.source.write_row(old),
            RowUndo::Destroyed(old) => self.source.create_row(old),
        }
    }
}
