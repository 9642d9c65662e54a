//! Authentication protocols (RFC 3414 §6–7, RFC 7860): password-to-key, key
//! localization and the truncated HMAC that protects a message.

use hmac::digest::{Digest, KeyInit};
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha224, Sha256, Sha384, Sha512};
use smic_smi::Oid;
use zeroize::Zeroizing;

use super::key::{KeyError, LocalizedKey, MasterKey};

/// How many octets of repeated password are hashed into a key (RFC 3414 §A.2).
const EXPANDED_PASSWORD_LEN: usize = 1_048_576;

/// The shortest passphrase accepted, as net-snmp and RFC 3414 §11.2 recommend.
pub const MIN_PASSPHRASE_LEN: usize = 8;

/// An authentication protocol: HMAC over one hash, truncated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthProtocol {
    /// `usmHMACMD5AuthProtocol` (RFC 3414): HMAC-MD5-96.
    Md5,
    /// `usmHMACSHAAuthProtocol` (RFC 3414): HMAC-SHA-96.
    Sha1,
    /// `usmHMAC128SHA224AuthProtocol` (RFC 7860).
    Sha224,
    /// `usmHMAC192SHA256AuthProtocol` (RFC 7860).
    Sha256,
    /// `usmHMAC256SHA384AuthProtocol` (RFC 7860).
    Sha384,
    /// `usmHMAC384SHA512AuthProtocol` (RFC 7860).
    Sha512,
}

impl AuthProtocol {
    /// Every protocol, weakest first.
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// The name net-snmp's `-a` takes (`MD5`, `SHA`, `SHA-224` … `SHA-512`).
    pub fn name(self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
        }
    }

    /// Parses a name as net-snmp's `-a` does (case-insensitive; `SHA1` and `SHA-1` too).
    pub fn from_name(name: &str) -> Option<AuthProtocol> {
        let upper = name.to_ascii_uppercase();
        Some(match upper.as_str() {
            "MD5" => AuthProtocol::Md5,
            "SHA" | "SHA1" | "SHA-1" => AuthProtocol::Sha1,
            "SHA-224" | "SHA224" => AuthProtocol::Sha224,
            "SHA-256" | "SHA256" => AuthProtocol::Sha256,
            "SHA-384" | "SHA384" => AuthProtocol::Sha384,
            "SHA-512" | "SHA512" => AuthProtocol::Sha512,
            _ => return None,
        })
    }

    /// The protocol's OBJECT IDENTIFIER (`usmUserAuthProtocol` values).
    pub fn oid(self) -> Oid {
        let last = match self {
            AuthProtocol::Md5 => 2,
            AuthProtocol::Sha1 => 3,
            AuthProtocol::Sha224 => 4,
            AuthProtocol::Sha256 => 5,
            AuthProtocol::Sha384 => 6,
            AuthProtocol::Sha512 => 7,
        };
        Oid::from_vec(vec![1, 3, 6, 1, 6, 3, 10, 1, 1, last])
    }

    /// The hash's output length: the length of keys derived with it.
    pub fn key_len(self) -> usize {
        match self {
            AuthProtocol::Md5 => 16,
            AuthProtocol::Sha1 => 20,
            AuthProtocol::Sha224 => 28,
            AuthProtocol::Sha256 => 32,
            AuthProtocol::Sha384 => 48,
            AuthProtocol::Sha512 => 64,
        }
    }

    /// The length of `msgAuthenticationParameters`: the truncated HMAC.
    pub fn mac_len(self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
        }
    }

    /// The password-to-key algorithm (RFC 3414 §A.2): the hash of one megabyte of the
    /// password repeated. Slow by design; do it once per user, not per agent.
    pub fn password_to_key(self, password: &[u8]) -> Result<MasterKey, KeyError> {
        if password.len() < MIN_PASSPHRASE_LEN {
            return Err(KeyError::PassphraseTooShort {
                len: password.len(),
            });
        }
        let key = match self {
            AuthProtocol::Md5 => expand::<Md5>(password),
            AuthProtocol::Sha1 => expand::<Sha1>(password),
            AuthProtocol::Sha224 => expand::<Sha224>(password),
            AuthProtocol::Sha256 => expand::<Sha256>(password),
            AuthProtocol::Sha384 => expand::<Sha384>(password),
            AuthProtocol::Sha512 => expand::<Sha512>(password),
        };
        Ok(MasterKey::new(self, key))
    }

    /// Key localization (RFC 3414 §A.2.2): `H(Ku || engineID || Ku)`, the key one
    /// authoritative engine knows the user by.
    pub(crate) fn localize_bytes(self, master: &[u8], engine_id: &[u8]) -> Zeroizing<Vec<u8>> {
        match self {
            AuthProtocol::Md5 => localize::<Md5>(master, engine_id),
            AuthProtocol::Sha1 => localize::<Sha1>(master, engine_id),
            AuthProtocol::Sha224 => localize::<Sha224>(master, engine_id),
            AuthProtocol::Sha256 => localize::<Sha256>(master, engine_id),
            AuthProtocol::Sha384 => localize::<Sha384>(master, engine_id),
            AuthProtocol::Sha512 => localize::<Sha512>(master, engine_id),
        }
    }

    /// The hash of `data` (the Blumenthal key extension uses it).
    pub(crate) fn hash(self, data: &[u8]) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match self {
            AuthProtocol::Md5 => Md5::digest(data).to_vec(),
            AuthProtocol::Sha1 => Sha1::digest(data).to_vec(),
            AuthProtocol::Sha224 => Sha224::digest(data).to_vec(),
            AuthProtocol::Sha256 => Sha256::digest(data).to_vec(),
            AuthProtocol::Sha384 => Sha384::digest(data).to_vec(),
            AuthProtocol::Sha512 => Sha512::digest(data).to_vec(),
        })
    }

    /// The truncated HMAC of a whole message whose authentication parameters are
    /// zeroed (RFC 3414 §6.3.1, RFC 7860 §4.2.1).
    pub fn sign(self, key: &LocalizedKey, message: &[u8]) -> Vec<u8> {
        let mut full = match self {
            AuthProtocol::Md5 => hmac::<Hmac<Md5>>(key.bytes(), message),
            AuthProtocol::Sha1 => hmac::<Hmac<Sha1>>(key.bytes(), message),
            AuthProtocol::Sha224 => hmac::<Hmac<Sha224>>(key.bytes(), message),
            AuthProtocol::Sha256 => hmac::<Hmac<Sha256>>(key.bytes(), message),
            AuthProtocol::Sha384 => hmac::<Hmac<Sha384>>(key.bytes(), message),
            AuthProtocol::Sha512 => hmac::<Hmac<Sha512>>(key.bytes(), message),
        };
        full.truncate(self.mac_len());
        full
    }

    /// Whether `mac` authenticates `message` (zeroed parameters), compared in
    /// constant time.
    pub fn verify(self, key: &LocalizedKey, message: &[u8], mac: &[u8]) -> bool {
        if mac.len() != self.mac_len() {
            return false;
        }
        let expected = self.sign(key, message);
        // Constant time: every byte is looked at whatever the first difference.
        expected
            .iter()
            .zip(mac)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl std::fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn expand<D: Digest>(password: &[u8]) -> Zeroizing<Vec<u8>> {
    // One 64-octet block at a time, continuing the password cycle across blocks.
    let mut hasher = D::new();
    let mut block = Zeroizing::new([0u8; 64]);
    let mut index = 0;
    for _ in 0..EXPANDED_PASSWORD_LEN / 64 {
        for byte in block.iter_mut() {
            *byte = password[index % password.len()];
            index += 1;
        }
        hasher.update(&block[..]);
    }
    Zeroizing::new(hasher.finalize().to_vec())
}

fn localize<D: Digest>(master: &[u8], engine_id: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut hasher = D::new();
    hasher.update(master);
    hasher.update(engine_id);
    hasher.update(master);
    Zeroizing::new(hasher.finalize().to_vec())
}

fn hmac<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
        return Vec::new();
    };
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
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
    fn macs_have_the_protocol_lengths_and_verify() {
        for protocol in AuthProtocol::ALL {
            let key = protocol
                .password_to_key(b"authpassword")
                .unwrap_or_else(|e| panic!("{e}"))
                .localize(b"\x80\x00\x1f\x88\x04test");
            assert_eq!(key.bytes().len(), protocol.key_len());
            let mac = protocol.sign(&key, b"message");
            assert_eq!(mac.len(), protocol.mac_len(), "{protocol}");
            assert!(protocol.verify(&key, b"message", &mac));
            assert!(!protocol.verify(&key, b"messagf", &mac));
            assert!(!protocol.verify(&key, b"message", &mac[1..]));
            assert_eq!(AuthProtocol::from_name(protocol.name()), Some(protocol));
        }
    }
}
