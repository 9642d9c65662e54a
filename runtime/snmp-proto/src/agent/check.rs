//! SET values checked against the MIB before a handler sees them (RFC 3416 §4.2.5):
//! type, then size, then range and enumeration.

use smic_smi::syntax::{ConstraintError, Syntax, ValueError};
use smic_smi::{ObjectType, Value};

use crate::message::ErrorStatus;

/// The error status for a constraint a value breaks.
pub(crate) fn constraint_status(error: &ConstraintError) -> ErrorStatus {
    match error {
        ConstraintError::Size { .. } => ErrorStatus::WrongLength,
        ConstraintError::Range { .. } | ConstraintError::NotEnumerated { .. } => {
            ErrorStatus::WrongValue
        }
    }
}

/// The error status for a value a syntax refused.
pub(crate) fn value_status(error: &ValueError) -> ErrorStatus {
    match error {
        ValueError::WrongType { .. } => ErrorStatus::WrongType,
        ValueError::Constraint(c) => constraint_status(c),
    }
}

/// Whether an integer is one of the enumeration's values; types that are not
/// enumerations (no `VALUES`) take any.
pub(crate) fn enumerated(values: &[(i32, &'static str)], value: &Value) -> Result<(), ErrorStatus> {
    match value {
        Value::Integer(n) if !values.is_empty() && !values.iter().any(|(v, _)| v == n) => {
            Err(ErrorStatus::WrongValue)
        }
        _ => Ok(()),
    }
}

/// Decodes a SET value for the object `T`, mapping every refusal to its status.
///
/// The type is checked before the object's own constraints: a `Gauge32` sent to a
/// ranged `Integer32` is a wrongType, not a wrongValue. Enumerations are checked here
/// because [`Syntax::from_value`] keeps unknown values (a manager must read them).
pub(crate) fn decode<T: ObjectType>(value: &Value) -> Result<T::Syntax, ErrorStatus> {
    <T::Syntax as Syntax>::from_value(value).map_err(|e| value_status(&e))?;
    enumerated(<T::Syntax as Syntax>::VALUES, value)?;
    T::decode(value).map_err(|e| value_status(&e))
}

/// [`decode`] without the result: the per-column checker a table keeps.
pub(crate) fn check<T: ObjectType>(value: &Value) -> Result<(), ErrorStatus> {
    decode::<T>(value).map(drop)
}
