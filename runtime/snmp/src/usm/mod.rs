//! The User-based Security Model (RFC 3414, RFC 3826, RFC 7860, and the drafts vendors
//! use for 3DES and AES-192/256).
//!
//! - [`AuthProtocol`]: HMAC-MD5-96, HMAC-SHA-96, HMAC-SHA-2 (224 … 512);
//!   password-to-key and localization.
//! - [`PrivProtocol`]: DES, 3DES-EDE, AES-128, AES-192/256 with the Blumenthal or the
//!   Reeder (Cisco) key extension.
//! - [`User`]: a user's master keys and a cache of keys localized per engine, so a
//!   password is expanded once however many agents it is used with. Keys are zeroized
//!   on drop.
//! - [`protect`], [`decode`] and [`Incoming`]: the processing steps of RFC 3414 §3,
//!   shared by the manager (non-authoritative) and the agent (authoritative);
//!   [`report`]: the Report an authoritative engine answers a refusal with.
//! - [`EngineTime`] and [`in_window`]: timeliness; [`Stats`]: the `usmStats` counters.

mod auth;
mod key;
mod privacy;
mod process;
mod report;
mod stats;
mod time;

pub use auth::{AuthProtocol, MIN_PASSPHRASE_LEN};
pub use key::{EngineKeys, KeyError, LocalizedKey, MasterKey, User};
pub use privacy::{DecryptError, PrivProtocol};
pub use process::{Incoming, ProtectError, Salt, decode, discovery_probe, protect};
pub use report::{report, report_pdu};
pub use stats::{Counter, Failure, Stats};
pub use time::{EngineTime, LocalEngine, MAX_BOOTS, TIME_WINDOW, in_window};

pub use crate::message::v3::SecurityLevel;

/// A protocol name that is not one of net-snmp's (`-a`, `-x`); the message lists the
/// names accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} protocol {name:?} ({expected})")]
pub struct UnknownProtocol {
    what: &'static str,
    name: String,
    expected: String,
}

impl std::str::FromStr for AuthProtocol {
    type Err = UnknownProtocol;

    /// As [`AuthProtocol::from_name`], with an error that lists the names.
    fn from_str(name: &str) -> Result<AuthProtocol, UnknownProtocol> {
        AuthProtocol::from_name(name).ok_or_else(|| UnknownProtocol {
            what: "authentication",
            name: name.to_string(),
            expected: AuthProtocol::ALL.map(AuthProtocol::name).join(", "),
        })
    }
}

impl std::str::FromStr for PrivProtocol {
    type Err = UnknownProtocol;

    /// As [`PrivProtocol::from_name`], with an error that lists the names.
    fn from_str(name: &str) -> Result<PrivProtocol, UnknownProtocol> {
        PrivProtocol::from_name(name).ok_or_else(|| UnknownProtocol {
            what: "privacy",
            name: name.to_string(),
            expected: PrivProtocol::ALL.map(PrivProtocol::name).join(", "),
        })
    }
}
