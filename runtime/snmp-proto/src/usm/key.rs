//! Keys: a user's master key (from the password, expensive) and the keys localized to
//! one engine (cheap), typed by protocol. An [`AuthKey`] or [`PrivKey`] always has its
//! protocol's length — the constructors check it — so signing and encryption never
//! meet a key they cannot use. Every key is zeroized on drop and never printed.

use std::fmt;

use zeroize::Zeroizing;

use super::digest;
use super::protocol::{AuthProtocol, Extension, MIN_PASSPHRASE_LEN, PrivProtocol};

/// Why a key cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// RFC 3414 §11.2 and net-snmp want at least 8 characters.
    #[error(
        "passphrase of {len} characters: USM needs at least {MIN_PASSPHRASE_LEN} (RFC 3414 §11.2)"
    )]
    PassphraseTooShort {
        /// Its length.
        len: usize,
    },
    /// A key given directly (not from a password) of the wrong length.
    #[error("a {protocol} key has {expected} octets, not {len}")]
    WrongLength {
        /// The protocol.
        protocol: &'static str,
        /// The length it needs.
        expected: usize,
        /// The length given.
        len: usize,
    },
    /// Privacy without authentication: RFC 3414 has no such level.
    #[error("privacy needs authentication (there is no noAuthPriv level)")]
    PrivacyWithoutAuth,
}

fn checked(
    protocol: &'static str,
    expected: usize,
    bytes: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if bytes.len() == expected {
        Ok(Zeroizing::new(bytes.to_vec()))
    } else {
        Err(KeyError::WrongLength {
            protocol,
            expected,
            len: bytes.len(),
        })
    }
}

impl AuthProtocol {
    /// The password-to-key algorithm (RFC 3414 §A.2): the hash of one megabyte of the
    /// password repeated. Slow by design; do it once per user, not per agent.
    pub fn password_to_key(self, password: &[u8]) -> Result<MasterKey, KeyError> {
        if password.len() < MIN_PASSPHRASE_LEN {
            return Err(KeyError::PassphraseTooShort {
                len: password.len(),
            });
        }
        Ok(MasterKey {
            protocol: self,
            bytes: digest::expand(self, password),
        })
    }
}

/// `Ku`: a user's key derived from a password with an authentication protocol's hash,
/// the same for every engine.
#[derive(Clone)]
pub struct MasterKey {
    protocol: AuthProtocol,
    bytes: Zeroizing<Vec<u8>>,
}

impl MasterKey {
    /// A master key given as bytes (net-snmp's `-3m`), checked for length.
    pub fn from_bytes(protocol: AuthProtocol, bytes: &[u8]) -> Result<MasterKey, KeyError> {
        Ok(MasterKey {
            protocol,
            bytes: checked(protocol.name(), protocol.key_len(), bytes)?,
        })
    }

    /// The hash it was made with.
    pub fn protocol(&self) -> AuthProtocol {
        self.protocol
    }

    /// The key itself.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// `Kul`: this key localized to one authoritative engine (RFC 3414 §A.2.2), as an
    /// authentication key.
    pub fn localize(&self, engine_id: &[u8]) -> AuthKey {
        AuthKey {
            protocol: self.protocol,
            bytes: digest::localize(self.protocol, &self.bytes, engine_id),
        }
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey({}, ..)", self.protocol)
    }
}

/// `Kul` for authentication: a key localized to one engine, of exactly its
/// protocol's length.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey {
    protocol: AuthProtocol,
    bytes: Zeroizing<Vec<u8>>,
}

impl AuthKey {
    /// A localized key given as bytes (net-snmp's `-3k`), checked for length.
    ///
    /// ```
    /// use smic_snmp_proto::usm::{AuthKey, AuthProtocol, KeyError};
    /// assert!(AuthKey::from_bytes(AuthProtocol::Sha1, &[0; 20]).is_ok());
    /// assert!(matches!(
    ///     AuthKey::from_bytes(AuthProtocol::Sha1, &[0; 16]),
    ///     Err(KeyError::WrongLength { expected: 20, len: 16, .. })
    /// ));
    /// ```
    pub fn from_bytes(protocol: AuthProtocol, bytes: &[u8]) -> Result<AuthKey, KeyError> {
        Ok(AuthKey {
            protocol,
            bytes: checked(protocol.name(), protocol.key_len(), bytes)?,
        })
    }

    /// The protocol it authenticates with.
    pub fn protocol(&self) -> AuthProtocol {
        self.protocol
    }

    /// The key itself.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthKey({}, ..)", self.protocol)
    }
}

/// `Kul` for privacy: a key localized to one engine and extended to exactly its
/// cipher's [`PrivProtocol::key_len`] (cipher key, plus the pre-IV for DES and 3DES).
#[derive(Clone, PartialEq, Eq)]
pub struct PrivKey {
    protocol: PrivProtocol,
    bytes: Zeroizing<Vec<u8>>,
}

impl PrivKey {
    /// A localized privacy key given as bytes (net-snmp's `-3K`), checked for length.
    ///
    /// ```
    /// use smic_snmp_proto::usm::{KeyError, PrivKey, PrivProtocol};
    /// assert!(PrivKey::from_bytes(PrivProtocol::Aes128, &[0; 16]).is_ok());
    /// assert!(matches!(
    ///     PrivKey::from_bytes(PrivProtocol::Aes128, &[0; 8]),
    ///     Err(KeyError::WrongLength { expected: 16, len: 8, .. })
    /// ));
    /// ```
    pub fn from_bytes(protocol: PrivProtocol, bytes: &[u8]) -> Result<PrivKey, KeyError> {
        Ok(PrivKey {
            protocol,
            bytes: checked(protocol.name(), protocol.key_len(), bytes)?,
        })
    }

    /// The cipher it encrypts with.
    pub fn protocol(&self) -> PrivProtocol {
        self.protocol
    }

    /// The key itself.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for PrivKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivKey({}, ..)", self.protocol)
    }
}

impl PrivProtocol {
    /// The privacy key at one engine: the master key localized with the
    /// authentication hash, extended to [`PrivProtocol::key_len`] and cut to it.
    pub fn localize(self, master: &MasterKey, engine_id: &[u8]) -> PrivKey {
        let hash = master.protocol();
        let mut key = digest::localize(hash, master.bytes(), engine_id);
        while key.len() < self.key_len() {
            let more = match self.extension() {
                Extension::Blumenthal => digest::hash(hash, &key),
                // The key so far is at least 16 octets, so the passphrase check cannot
                // fail; the fallback keeps the loop finite regardless.
                Extension::Reeder => match hash.password_to_key(&key) {
                    Ok(ku) => digest::localize(hash, ku.bytes(), engine_id),
                    Err(_) => digest::hash(hash, &key),
                },
            };
            key.extend_from_slice(&more);
        }
        key.truncate(self.key_len());
        PrivKey {
            protocol: self,
            bytes: key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// RFC 3414 §A.3.1 and §A.3.2: password "maplesyrup", engine ID 00…02.
    #[test]
    fn rfc3414_a3_vectors() {
        let engine = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
        let md5 = AuthProtocol::Md5
            .password_to_key(b"maplesyrup")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hex(md5.bytes()), "9faf3283884e92834ebc9847d8edd963");
        assert_eq!(
            hex(md5.localize(&engine).bytes()),
            "526f5eed9fcce26f8964c2930787d82b"
        );
        let sha = AuthProtocol::Sha1
            .password_to_key(b"maplesyrup")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hex(sha.bytes()), "9fb5cc0381497b3793528939ff788d5d79145211");
        assert_eq!(
            hex(sha.localize(&engine).bytes()),
            "6695febc9288e36282235fc7151f128497b38f3f"
        );
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(matches!(
            AuthProtocol::Sha256.password_to_key(b"short"),
            Err(KeyError::PassphraseTooShort { len: 5 })
        ));
    }

    #[test]
    fn keys_of_the_wrong_length_are_refused_for_every_protocol() {
        for protocol in AuthProtocol::ALL {
            let right = protocol.key_len();
            for len in [0, 1, right - 1, right + 1, 2 * right] {
                let bytes = vec![7; len];
                let expected = Err(KeyError::WrongLength {
                    protocol: protocol.name(),
                    expected: right,
                    len,
                });
                assert_eq!(AuthKey::from_bytes(protocol, &bytes), expected);
                assert_eq!(
                    MasterKey::from_bytes(protocol, &bytes).map(|k| k.bytes().len()),
                    expected.map(|_: AuthKey| 0)
                );
            }
            assert!(AuthKey::from_bytes(protocol, &vec![7; right]).is_ok());
        }
        for protocol in PrivProtocol::ALL {
            let right = protocol.key_len();
            for len in [0, 8, right - 1, right + 1, 64] {
                assert_eq!(
                    PrivKey::from_bytes(protocol, &vec![7; len]),
                    Err(KeyError::WrongLength {
                        protocol: protocol.name(),
                        expected: right,
                        len,
                    }),
                    "{protocol}/{len}"
                );
            }
            assert!(PrivKey::from_bytes(protocol, &vec![7; right]).is_ok());
        }
    }

    #[test]
    fn the_two_extensions_differ_only_past_the_hash() {
        let master = AuthProtocol::Md5
            .password_to_key(b"privpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        let blumenthal = PrivProtocol::Aes256.localize(&master, b"engine");
        let reeder = PrivProtocol::Aes256Cisco.localize(&master, b"engine");
        assert_eq!(blumenthal.bytes().get(..16), reeder.bytes().get(..16));
        assert_ne!(blumenthal.bytes().get(16..), reeder.bytes().get(16..));
        // With SHA-256 the localized key is already 32 octets: nothing to extend.
        let master = AuthProtocol::Sha256
            .password_to_key(b"privpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            PrivProtocol::Aes256.localize(&master, b"engine").bytes(),
            PrivProtocol::Aes256Cisco
                .localize(&master, b"engine")
                .bytes()
        );
        for protocol in PrivProtocol::ALL {
            assert_eq!(PrivProtocol::from_name(protocol.name()), Some(protocol));
            assert_eq!(
                protocol.localize(&master, b"e").bytes().len(),
                protocol.key_len()
            );
        }
    }
}
