//! Typed scalars: a [`ScalarSource`] hands the engine `T::Syntax` values, and the
//! engine handles the instance (`.0`), MAX-ACCESS and SET checking.

use std::marker::PhantomData;
use std::sync::RwLock;

use smic_smi::syntax::Syntax;
use smic_smi::{Oid, Scalar, Value};

use super::check;
use super::instrument::{Instrument, Undo};
use crate::message::ErrorStatus;

/// Where a scalar's value comes from, typed by the generated object `T`.
///
/// Values the engine passes to [`ScalarSource::check`] and [`ScalarSource::set`] have
/// already passed the MIB's checks: type, size, range, enumeration, and `T`'s
/// MAX-ACCESS. Any `Fn() -> T::Syntax` closure is a read-only source.
pub trait ScalarSource<T: Scalar>: Send + Sync + 'static {
    /// The current value; `None` when the instance does not exist now.
    fn get(&self) -> Option<T::Syntax>;

    /// Checks a value beyond what the MIB says (phase one of SET); refuse with
    /// [`ErrorStatus::InconsistentValue`], [`ErrorStatus::WrongValue`] or
    /// [`ErrorStatus::ResourceUnavailable`].
    fn check(&self, _value: &T::Syntax) -> Result<(), ErrorStatus> {
        Ok(())
    }

    /// Stores a value (phase two of SET, and undo). The default refuses: a source that
    /// does not override it is read-only whatever the MIB says.
    fn set(&self, _value: T::Syntax) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::NotWritable)
    }
}

impl<T, F> ScalarSource<T> for F
where
    T: Scalar,
    F: Fn() -> T::Syntax + Send + Sync + 'static,
{
    fn get(&self) -> Option<T::Syntax> {
        Some(self())
    }
}

/// A scalar held in memory: reads return it, SETs (where the MIB allows) replace it.
///
/// ```
/// use smic_snmp_proto::agent::{MemScalar, ScalarSource};
/// use smic_mibs::snmpv2_mib::SysContact;
/// let contact = MemScalar::<SysContact>::new("noc".parse().unwrap());
/// assert_eq!(contact.get().unwrap().get(), b"noc");
/// ```
pub struct MemScalar<T: Scalar> {
    value: RwLock<T::Syntax>,
}

impl<T: Scalar> MemScalar<T> {
    /// A scalar with this initial value.
    pub fn new(value: T::Syntax) -> Self {
        MemScalar {
            value: RwLock::new(value),
        }
    }
}

impl<T> ScalarSource<T> for MemScalar<T>
where
    T: Scalar + 'static,
    T::Syntax: Clone + Send + Sync + 'static,
{
    fn get(&self) -> Option<T::Syntax> {
        // A poisoned lock still holds a whole value (writers only assign).
        Some(match self.value.read() {
            Ok(v) => v.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        })
    }

    fn set(&self, value: T::Syntax) -> Result<(), ErrorStatus> {
        match self.value.write() {
            Ok(mut v) => *v = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
        Ok(())
    }
}

/// The engine's adapter from a [`ScalarSource`] to an [`Instrument`].
pub(crate) struct ScalarObject<T, S> {
    source: S,
    instance: Oid,
    // `fn() -> T`: the adapter owns no `T`, so it is Send and Sync whatever `T` is.
    object: PhantomData<fn() -> T>,
}

impl<T: Scalar, S> ScalarObject<T, S> {
    pub(crate) fn new(source: S) -> Self {
        ScalarObject {
            source,
            instance: T::instance(),
            object: PhantomData,
        }
    }
}

impl<T, S> Instrument for ScalarObject<T, S>
where
    T: Scalar + 'static,
    T::Syntax: Send + Sync + 'static,
    S: ScalarSource<T>,
{
    fn get(&self, oid: &Oid) -> Value {
        if !T::ACCESS.is_readable() {
            return Value::NoSuchObject;
        }
        if *oid != self.instance {
            return Value::NoSuchInstance;
        }
        match self.source.get() {
            Some(value) => value.to_value(),
            None => Value::NoSuchInstance,
        }
    }

    fn next(&self, after: &Oid) -> Option<(Oid, Value)> {
        if !T::ACCESS.is_readable() || *after >= self.instance {
            return None;
        }
        let value = self.source.get()?.to_value();
        Some((self.instance.clone(), value))
    }

    fn check_set(&self, oid: &Oid, value: &Value) -> Result<(), ErrorStatus> {
        if !T::ACCESS.is_writable() {
            return Err(ErrorStatus::NotWritable);
        }
        if *oid != self.instance {
            // `sysName.1` or `sysName`: no such instance could ever exist.
            return Err(ErrorStatus::NoCreation);
        }
        let typed = check::decode::<T>(value)?;
        self.source.check(&typed)
    }

    fn commit_set(&self, _oid: &Oid, value: &Value) -> Result<Undo, ErrorStatus> {
        let typed = check::decode::<T>(value)?;
        let old = self.source.get();
        self.source.set(typed)?;
        Ok(Box::new(old))
    }

    fn undo_set(&self, _oid: &Oid, undo: Undo) -> Result<(), ErrorStatus> {
        match undo.downcast::<Option<T::Syntax>>() {
            Ok(old) => match *old {
                Some(old) => self.source.set(old),
                None => Err(ErrorStatus::UndoFailed),
            },
            Err(_) => Err(ErrorStatus::UndoFailed),
        }
    }
}
