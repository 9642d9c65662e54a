//! The User-based Security Model (RFC 3414, RFC 3826, RFC 7860, and the drafts vendors
//! use for 3DES and AES-192/256).
//!
//! - [`AuthProtocol`]: HMAC-MD5-96, HMAC-SHA-96, HMAC-SHA-2 (224 … 512);
//!   password-to-key and localization.
//! - [`PrivProtocol`]: DES, 3DES-EDE, AES-128, AES-192/256 with the Blumenthal or the
//!   Reeder (Cisco) key extension.
//! - [`AuthKey`] and [`PrivKey`]: keys localized to one engine, each of exactly its
//!   protocol's length (the constructors check), so signing and encryption cannot meet
//!   a key they cannot use; a cipher that cannot be built is an error, never plaintext.
//! - [`User`]: a user's master keys and a cache of keys localized per engine, so a
//!   password is expanded once however many agents it is used with. Keys are zeroized
//!   on drop.
//! - [`protect`], [`decode`] and [`Incoming`]: the processing steps of RFC 3414 §3,
//!   shared by the manager (non-authoritative) and the agent (authoritative);
//!   [`report`]: the Report an authoritative engine answers a refusal with.
//! - [`EngineTime`] and [`in_window`]: timeliness; [`Stats`]: the `usmStats` counters.

mod auth;
mod digest;
mod key;
mod privacy;
mod process;
mod protocol;
mod report;
mod stats;
mod time;
mod user;

pub use auth::SignError;
pub use key::{AuthKey, KeyError, MasterKey, PrivKey};
pub use privacy::{CipherError, DecryptError};
pub use process::{Incoming, ProtectError, Salt, decode, discovery_probe, protect};
pub use protocol::{AuthProtocol, MIN_PASSPHRASE_LEN, PrivProtocol, UnknownProtocol};
pub use report::{report, report_pdu};
pub use stats::{Counter, Failure, Stats};
pub use time::{EngineTime, LocalEngine, MAX_BOOTS, TIME_WINDOW, in_window};
pub use user::{EngineKeys, User};
