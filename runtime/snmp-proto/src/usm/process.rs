//! USM message processing (RFC 3414 §3): protecting an outgoing message and checking
//! an incoming one, step by step, for either role. Which engine is authoritative and
//! which users exist is the caller's business; the steps here are the same for both.

use std::sync::atomic::{AtomicU64, Ordering};

use super::auth::SignError;
use super::privacy::CipherError;
use super::stats::Failure;
use super::user::EngineKeys;
use crate::message::v3::{
    Flags, Header, MAX_SIZE, MessageV3, ScopedPdu, ScopedPduData, USM, UsmParams, auth_params_range,
};
use crate::message::{Pdu, PduType, SecurityLevel};

/// The sender's salt counter (RFC 3414 §8.1.1.1, RFC 3826 §3.1.2.1): starts at a random
/// value and never repeats a salt within 2^64 messages, so no IV is used twice with a key.
#[derive(Debug)]
pub struct Salt(AtomicU64);

impl Salt {
    /// A counter starting at a random value.
    pub fn new() -> Salt {
        let mut seed = [0u8; 8];
        // Without an OS random source, a clock-derived start still differs between
        // runs; the counter, not the start, is what prevents reuse.
        if getrandom::fill(&mut seed).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            seed = (nanos ^ u64::from(std::process::id()).rotate_left(32)).to_be_bytes();
        }
        Salt(AtomicU64::new(u64::from_be_bytes(seed)))
    }

    /// The next salt.
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

impl Default for Salt {
    fn default() -> Self {
        Salt::new()
    }
}

/// Why an outgoing message cannot be protected. Nothing is sent in any of these
/// cases: protection fails closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtectError {
    /// The level asks for a key the user does not have.
    #[error("the user has no key for {0}")]
    MissingKey(SecurityLevel),
    /// The header's flags ask for privacy without authentication.
    #[error("msgFlags ask for privacy without authentication")]
    InvalidFlags,
    /// The scopedPDU could not be encrypted.
    #[error(transparent)]
    Cipher(#[from] CipherError),
    /// The message could not be signed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The encoded message has no place for its MAC (cannot happen for a message
    /// encoded here; refused rather than sent unsigned).
    #[error("the encoded message has no msgAuthenticationParameters to sign")]
    NoAuthParams,
}

/// Builds and protects an outgoing USM message (RFC 3414 §3.1): encrypts the scopedPDU
/// when the header's flags ask for privacy, then signs the whole message when they ask
/// for authentication. `params` gives the engine ID, boots, time and user name; its
/// authentication and privacy parameters are filled in here.
pub fn protect(
    header: Header,
    mut params: UsmParams,
    keys: &EngineKeys,
    scoped: &ScopedPdu,
    salt: &Salt,
) -> Result<Vec<u8>, ProtectError> {
    let level = header.flags.level().ok_or(ProtectError::InvalidFlags)?;
    let auth = match level {
        SecurityLevel::NoAuthNoPriv => None,
        _ => Some(keys.auth.as_ref().ok_or(ProtectError::MissingKey(level))?),
    };
    let data = if level == SecurityLevel::AuthPriv {
        let key = keys
            .privacy
            .as_ref()
            .ok_or(ProtectError::MissingKey(level))?;
        let plaintext = zeroize::Zeroizing::new(scoped.encode());
        let (ciphertext, salt) = key.encrypt(params.boots, params.time, salt.next(), &plaintext)?;
        params.priv_params = salt.to_vec();
        ScopedPduData::Encrypted(ciphertext)
    } else {
        params.priv_params = Vec::new();
        ScopedPduData::Plaintext(scoped.clone())
    };
    params.auth_params = auth.map_or_else(Vec::new, |key| vec![0; key.protocol().mac_len()]);
    let mut bytes = MessageV3 {
        header,
        security_parameters: params.encode(),
        data,
    }
    .encode();
    if let Some(key) = auth {
        let mac = key.sign(&bytes)?;
        let field = auth_params_range(&bytes)
            .ok()
            .and_then(|range| bytes.get_mut(range))
            .filter(|field| field.len() == mac.len())
            .ok_or(ProtectError::NoAuthParams)?;
        field.copy_from_slice(&mac);
    }
    Ok(bytes)
}

/// The discovery probe of RFC 3414 §4: an unauthenticated, reportable, empty GET with
/// no engine ID and no user, which an authoritative engine answers with a
/// `usmStatsUnknownEngineIDs` Report carrying its engine ID, boots and time.
pub fn discovery_probe(msg_id: i32) -> Vec<u8> {
    let header = Header {
        msg_id,
        max_size: MAX_SIZE,
        flags: Flags::new(SecurityLevel::NoAuthNoPriv, true),
        security_model: USM,
    };
    let scoped = ScopedPdu {
        context_engine_id: Vec::new(),
        context_name: Vec::new(),
        pdu: Pdu {
            kind: PduType::Get,
            request_id: msg_id,
            error_status: 0,
            error_index: 0,
            varbinds: Vec::new(),
        },
    };
    // noAuthNoPriv: nothing is signed or encrypted, so protecting cannot fail and the
    // salt is never drawn on.
    protect(
        header,
        UsmParams::default(),
        &EngineKeys::none(),
        &scoped,
        &Salt::new(),
    )
    .unwrap_or_default()
}

/// An incoming USM message, decoded but not yet checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// The message.
    pub message: MessageV3,
    /// Its security parameters.
    pub params: UsmParams,
    /// The level its flags claim.
    pub level: SecurityLevel,
}

/// Decodes an SNMPv3 message and its USM parameters (RFC 3412 §7.2 steps 1–4,
/// RFC 3414 §3.2 step 1).
pub fn decode(bytes: &[u8]) -> Result<Incoming, Failure> {
    let message = MessageV3::decode(bytes)?;
    if message.header.security_model != USM {
        return Err(Failure::UnknownSecurityModel(message.header.security_model));
    }
    let level = message
        .header
        .flags
        .level()
        .ok_or(Failure::Invalid("privFlag without authFlag"))?;
    let encrypted = matches!(message.data, ScopedPduData::Encrypted(_));
    if encrypted != (level == SecurityLevel::AuthPriv) {
        return Err(Failure::Invalid(
            "privFlag and the encryption of msgData disagree",
        ));
    }
    let params = UsmParams::decode(&message.security_parameters)?;
    Ok(Incoming {
        message,
        params,
        level,
    })
}

impl Incoming {
    /// The request-id, when the scopedPDU is in the clear (0 when it is encrypted):
    /// what a Report sent before decryption can echo.
    pub fn request_id(&self) -> i32 {
        match &self.message.data {
            ScopedPduData::Plaintext(scoped) => scoped.pdu.request_id,
            ScopedPduData::Encrypted(_) => 0,
        }
    }

    /// Checks the user can have this level and the digest (RFC 3414 §3.2 steps 5–6):
    /// `keys` are the user's keys at the message's authoritative engine.
    pub fn authenticate(&self, bytes: &[u8], keys: &EngineKeys) -> Result<(), Failure> {
        match self.level {
            SecurityLevel::NoAuthNoPriv => return Ok(()),
            SecurityLevel::AuthNoPriv if keys.auth.is_none() => {
                return Err(Failure::UnsupportedSecLevel);
            }
            SecurityLevel::AuthPriv if keys.auth.is_none() || keys.privacy.is_none() => {
                return Err(Failure::UnsupportedSecLevel);
            }
            _ => {}
        }
        let Some(key) = &keys.auth else {
            return Err(Failure::UnsupportedSecLevel);
        };
        if self.params.auth_params.len() != key.protocol().mac_len() {
            return Err(Failure::WrongDigest);
        }
        let range = auth_params_range(bytes)?;
        let mut zeroed = bytes.to_vec();
        zeroed.get_mut(range).ok_or(Failure::WrongDigest)?.fill(0);
        if key.verify(&zeroed, &self.params.auth_params) {
            Ok(())
        } else {
            Err(Failure::WrongDigest)
        }
    }

    /// The scopedPDU, decrypted when the message is encrypted (RFC 3414 §3.2 step 8).
    /// Call after [`Incoming::authenticate`] and the caller's timeliness check.
    pub fn scoped_pdu(&self, keys: &EngineKeys) -> Result<ScopedPdu, Failure> {
        match &self.message.data {
            ScopedPduData::Plaintext(scoped) => Ok(scoped.clone()),
            ScopedPduData::Encrypted(ciphertext) => {
                let key = keys.privacy.as_ref().ok_or(Failure::UnsupportedSecLevel)?;
                let plaintext = key
                    .decrypt(
                        self.params.boots,
                        self.params.time,
                        &self.params.priv_params,
                        ciphertext,
                    )
                    .map_err(|_| Failure::DecryptionError)?;
                // Garbage after decryption means the wrong key or a damaged message.
                ScopedPdu::decode_padded(&plaintext).map_err(|_| Failure::DecryptionError)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use smic_smi::oid;

    use super::*;
    use crate::message::v3::{Flags, MAX_SIZE};
    use crate::usm::{AuthProtocol, PrivProtocol, User};
    use crate::{Pdu, PduType, VarBind};

    const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x80smic";

    fn scoped() -> ScopedPdu {
        ScopedPdu {
            context_engine_id: ENGINE.to_vec(),
            context_name: Vec::new(),
            pdu: Pdu {
                kind: PduType::Get,
                request_id: 9,
                error_status: 0,
                error_index: 0,
                varbinds: vec![VarBind::null(oid!(1, 3, 6, 1, 2, 1, 1, 5, 0).clone())],
            },
        }
    }

    fn user() -> User {
        User::new("admin")
            .with_auth(AuthProtocol::Sha1, b"authpassword")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"privpassword"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn message(level: SecurityLevel, user: &User, salt: &Salt) -> Vec<u8> {
        let header = Header {
            msg_id: 9,
            max_size: MAX_SIZE,
            flags: Flags::new(level, true),
            security_model: USM,
        };
        let params = UsmParams {
            engine_id: ENGINE.to_vec(),
            boots: 1,
            time: 100,
            user_name: user.name().to_vec(),
            ..UsmParams::default()
        };
        protect(header, params, &user.keys(ENGINE), &scoped(), salt)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_level_round_trips() {
        let user = user();
        let salt = Salt::new();
        for level in [
            SecurityLevel::NoAuthNoPriv,
            SecurityLevel::AuthNoPriv,
            SecurityLevel::AuthPriv,
        ] {
            let bytes = message(level, &user, &salt);
            let incoming = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(incoming.level, level);
            let keys = user.keys(ENGINE);
            assert_eq!(incoming.authenticate(&bytes, &keys), Ok(()));
            assert_eq!(incoming.scoped_pdu(&keys), Ok(scoped()));
        }
    }

    #[test]
    fn tampering_wrong_keys_and_truncation_are_refused() {
        let user = user();
        let salt = Salt::new();
        let bytes = message(SecurityLevel::AuthPriv, &user, &salt);
        // Any flipped bit of the encrypted payload breaks the digest.
        let mut tampered = bytes.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        let incoming = decode(&tampered).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            incoming.authenticate(&tampered, &user.keys(ENGINE)),
            Err(Failure::WrongDigest)
        );
        // Another password: wrong digest; right auth but wrong privacy key: decryption error.
        let other = User::new("admin")
            .with_auth(AuthProtocol::Sha1, b"otherpassword")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"privpassword"))
            .unwrap_or_else(|e| panic!("{e}"));
        let incoming = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            incoming.authenticate(&bytes, &other.keys(ENGINE)),
            Err(Failure::WrongDigest)
        );
        let wrong_priv = User::new("admin")
            .with_auth(AuthProtocol::Sha1, b"authpassword")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"otherpassword"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            incoming.scoped_pdu(&wrong_priv.keys(ENGINE)),
            Err(Failure::DecryptionError)
        );
        // A user without privacy keys cannot receive authPriv.
        let auth_only = User::new("admin")
            .with_auth(AuthProtocol::Sha1, b"authpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            incoming.authenticate(&bytes, &auth_only.keys(ENGINE)),
            Err(Failure::UnsupportedSecLevel)
        );
        // Every truncation fails cleanly.
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "truncated to {len}");
        }
    }

    #[test]
    fn salts_never_repeat() {
        let user = user();
        let salt = Salt::new();
        let a = decode(&message(SecurityLevel::AuthPriv, &user, &salt))
            .unwrap_or_else(|e| panic!("{e}"));
        let b = decode(&message(SecurityLevel::AuthPriv, &user, &salt))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(a.params.priv_params, b.params.priv_params);
        assert_ne!(a.message.data, b.message.data);
    }
}
