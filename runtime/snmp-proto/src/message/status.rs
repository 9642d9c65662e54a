//! The error statuses a Response-PDU carries (RFC 3416 §3), and how SNMPv1 sees them
//! (RFC 3584 §4.4).

/// `error-status` of a Response-PDU.
///
/// Handlers return these from SET checks; the engine sets the error index and, for
/// SNMPv1, translates with [`ErrorStatus::for_v1`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorStatus {
    /// `noError(0)`.
    NoError,
    /// `tooBig(1)`: the response would not fit.
    TooBig,
    /// `noSuchName(2)` (SNMPv1 only).
    NoSuchName,
    /// `badValue(3)` (SNMPv1 only).
    BadValue,
    /// `readOnly(4)` (SNMPv1 only; never sent, see [`ErrorStatus::for_v1`]).
    ReadOnly,
    /// `genErr(5)`.
    GenErr,
    /// `noAccess(6)`: outside the write view.
    NoAccess,
    /// `wrongType(7)`: the value's type is not the object's.
    WrongType,
    /// `wrongLength(8)`: a string or BITS of a size the object refuses.
    WrongLength,
    /// `wrongEncoding(9)`.
    WrongEncoding,
    /// `wrongValue(10)`: a value outside the object's ranges or enumeration.
    WrongValue,
    /// `noCreation(11)`: the instance does not exist and never could.
    NoCreation,
    /// `inconsistentValue(12)`: a value the object refuses now.
    InconsistentValue,
    /// `resourceUnavailable(13)`.
    ResourceUnavailable,
    /// `commitFailed(14)`: a commit failed and every earlier one was undone.
    CommitFailed,
    /// `undoFailed(15)`: a commit failed and an undo failed too.
    UndoFailed,
    /// `authorizationError(16)`: access control refused the request.
    AuthorizationError,
    /// `notWritable(17)`: the object cannot be written, whatever the value.
    NotWritable,
    /// `inconsistentName(18)`: the instance cannot be created now.
    InconsistentName,
}

impl ErrorStatus {
    /// The wire value.
    pub fn code(self) -> i32 {
        match self {
            ErrorStatus::NoError => 0,
            ErrorStatus::TooBig => 1,
            ErrorStatus::NoSuchName => 2,
            ErrorStatus::BadValue => 3,
            ErrorStatus::ReadOnly => 4,
            ErrorStatus::GenErr => 5,
            ErrorStatus::NoAccess => 6,
            ErrorStatus::WrongType => 7,
            ErrorStatus::WrongLength => 8,
            ErrorStatus::WrongEncoding => 9,
            ErrorStatus::WrongValue => 10,
            ErrorStatus::NoCreation => 11,
            ErrorStatus::InconsistentValue => 12,
            ErrorStatus::ResourceUnavailable => 13,
            ErrorStatus::CommitFailed => 14,
            ErrorStatus::UndoFailed => 15,
            ErrorStatus::AuthorizationError => 16,
            ErrorStatus::NotWritable => 17,
            ErrorStatus::InconsistentName => 18,
        }
    }

    /// The status an SNMPv1 manager gets (RFC 3584 §4.4): value errors become
    /// `badValue`, access and naming errors `noSuchName` (so `notWritable` is
    /// `noSuchName`, not `readOnly`: RFC 3584 keeps `readOnly` unused), failures `genErr`.
    ///
    /// ```
    /// use smic_snmp_proto::message::ErrorStatus;
    /// assert_eq!(ErrorStatus::WrongType.for_v1(), ErrorStatus::BadValue);
    /// assert_eq!(ErrorStatus::NotWritable.for_v1(), ErrorStatus::NoSuchName);
    /// assert_eq!(ErrorStatus::CommitFailed.for_v1(), ErrorStatus::GenErr);
    /// ```
    pub fn for_v1(self) -> ErrorStatus {
        match self {
            ErrorStatus::WrongValue
            | ErrorStatus::WrongEncoding
            | ErrorStatus::WrongType
            | ErrorStatus::WrongLength
            | ErrorStatus::InconsistentValue => ErrorStatus::BadValue,
            ErrorStatus::NoAccess
            | ErrorStatus::NotWritable
            | ErrorStatus::NoCreation
            | ErrorStatus::InconsistentName
            | ErrorStatus::AuthorizationError => ErrorStatus::NoSuchName,
            ErrorStatus::ResourceUnavailable
            | ErrorStatus::CommitFailed
            | ErrorStatus::UndoFailed => ErrorStatus::GenErr,
            other => other,
        }
    }

    /// Every status, in the order of its code (`ALL[code]`).
    pub const ALL: [ErrorStatus; 19] = [
        ErrorStatus::NoError,
        ErrorStatus::TooBig,
        ErrorStatus::NoSuchName,
        ErrorStatus::BadValue,
        ErrorStatus::ReadOnly,
        ErrorStatus::GenErr,
        ErrorStatus::NoAccess,
        ErrorStatus::WrongType,
        ErrorStatus::WrongLength,
        ErrorStatus::WrongEncoding,
        ErrorStatus::WrongValue,
        ErrorStatus::NoCreation,
        ErrorStatus::InconsistentValue,
        ErrorStatus::ResourceUnavailable,
        ErrorStatus::CommitFailed,
        ErrorStatus::UndoFailed,
        ErrorStatus::AuthorizationError,
        ErrorStatus::NotWritable,
        ErrorStatus::InconsistentName,
    ];

    /// The status with this code, if RFC 3416 defines one.
    ///
    /// ```
    /// use smic_snmp_proto::message::ErrorStatus;
    /// assert_eq!(ErrorStatus::from_code(17), Some(ErrorStatus::NotWritable));
    /// assert_eq!(ErrorStatus::from_code(19), None);
    /// ```
    pub fn from_code(code: i32) -> Option<ErrorStatus> {
        usize::try_from(code)
            .ok()
            .and_then(|i| ErrorStatus::ALL.get(i).copied())
    }

    /// RFC 3416's name (`noSuchName`, `notWritable` …), as net-snmp prints it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorStatus::NoError => "noError",
            ErrorStatus::TooBig => "tooBig",
            ErrorStatus::NoSuchName => "noSuchName",
            ErrorStatus::BadValue => "badValue",
            ErrorStatus::ReadOnly => "readOnly",
            ErrorStatus::GenErr => "genErr",
            ErrorStatus::NoAccess => "noAccess",
            ErrorStatus::WrongType => "wrongType",
            ErrorStatus::WrongLength => "wrongLength",
            ErrorStatus::WrongEncoding => "wrongEncoding",
            ErrorStatus::WrongValue => "wrongValue",
            ErrorStatus::NoCreation => "noCreation",
            ErrorStatus::InconsistentValue => "inconsistentValue",
            ErrorStatus::ResourceUnavailable => "resourceUnavailable",
            ErrorStatus::CommitFailed => "commitFailed",
            ErrorStatus::UndoFailed => "undoFailed",
            ErrorStatus::AuthorizationError => "authorizationError",
            ErrorStatus::NotWritable => "notWritable",
            ErrorStatus::InconsistentName => "inconsistentName",
        }
    }
}

impl std::fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use crate::message::ErrorStatus;

    #[test]
    fn codes_and_the_table_agree() {
        for (code, status) in ErrorStatus::ALL.iter().enumerate() {
            assert_eq!(usize::try_from(status.code()).ok(), Some(code));
            assert_eq!(ErrorStatus::from_code(status.code()), Some(*status));
        }
        assert_eq!(ErrorStatus::from_code(-1), None);
    }
}
