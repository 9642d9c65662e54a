//! The USM protocols as names and numbers: which authentication and privacy
//! protocols exist, what net-snmp calls them, their OIDs and key lengths. No
//! cryptography here, so every other USM module may depend on this one and it on none.

use smic_smi::Oid;

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
}

impl std::fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A privacy protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrivProtocol {
    /// `usmDESPrivProtocol` (RFC 3414): DES-CBC.
    Des,
    /// `usm3DESEDEPrivProtocol` (draft-reeder-snmpv3-usm-3desede-00): 3DES-EDE in CBC
    /// mode, key extended by the Reeder method.
    TripleDes,
    /// `usmAesCfb128Protocol` (RFC 3826).
    Aes128,
    /// AES-192 in CFB mode, key extended as draft-blumenthal-aes-usm-04 says
    /// (net-snmp's `AES-192`).
    Aes192,
    /// AES-256 in CFB mode, key extended as draft-blumenthal-aes-usm-04 says
    /// (net-snmp's `AES-256`).
    Aes256,
    /// AES-192 in CFB mode, key extended by the Reeder method as Cisco does
    /// (net-snmp's `AES-192-C`).
    Aes192Cisco,
    /// AES-256 in CFB mode, key extended by the Reeder method as Cisco does
    /// (net-snmp's `AES-256-C`).
    Aes256Cisco,
}

/// How a localized key too short for its cipher is lengthened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Extension {
    /// `Kul || H(Kul)`, hashing everything so far at each step.
    Blumenthal,
    /// `Kul || localize(passwordToKey(Kul))`: the key so far is taken as a password.
    Reeder,
}

impl PrivProtocol {
    /// Every protocol.
    pub const ALL: [PrivProtocol; 7] = [
        PrivProtocol::Des,
        PrivProtocol::TripleDes,
        PrivProtocol::Aes128,
        PrivProtocol::Aes192,
        PrivProtocol::Aes256,
        PrivProtocol::Aes192Cisco,
        PrivProtocol::Aes256Cisco,
    ];

    /// The name net-snmp's `-x` takes (`DES`, `AES`, `AES-192`, `AES-256-C` …;
    /// `3DES` where net-snmp has none).
    pub fn name(self) -> &'static str {
        match self {
            PrivProtocol::Des => "DES",
            PrivProtocol::TripleDes => "3DES",
            PrivProtocol::Aes128 => "AES",
            PrivProtocol::Aes192 => "AES-192",
            PrivProtocol::Aes256 => "AES-256",
            PrivProtocol::Aes192Cisco => "AES-192-C",
            PrivProtocol::Aes256Cisco => "AES-256-C",
        }
    }

    /// Parses a name as net-snmp's `-x` does (case-insensitive; `AES-128`, `AES128`,
    /// `AES192C` and `3DESEDE` too).
    pub fn from_name(name: &str) -> Option<PrivProtocol> {
        let upper: String = name
            .to_ascii_uppercase()
            .chars()
            .filter(|c| *c != '-')
            .collect();
        Some(match upper.as_str() {
            "DES" => PrivProtocol::Des,
            "3DES" | "3DESEDE" | "DES3" => PrivProtocol::TripleDes,
            "AES" | "AES128" => PrivProtocol::Aes128,
            "AES192" => PrivProtocol::Aes192,
            "AES256" => PrivProtocol::Aes256,
            "AES192C" => PrivProtocol::Aes192Cisco,
            "AES256C" => PrivProtocol::Aes256Cisco,
            _ => return None,
        })
    }

    /// The protocol's OBJECT IDENTIFIER (`usmUserPrivProtocol` values, net-snmp's for
    /// the draft protocols).
    pub fn oid(self) -> Oid {
        Oid::from_vec(match self {
            PrivProtocol::Des => vec![1, 3, 6, 1, 6, 3, 10, 1, 2, 2],
            PrivProtocol::TripleDes => vec![1, 3, 6, 1, 6, 3, 10, 1, 2, 3],
            PrivProtocol::Aes128 => vec![1, 3, 6, 1, 6, 3, 10, 1, 2, 4],
            PrivProtocol::Aes192 => vec![1, 3, 6, 1, 4, 1, 14832, 1, 3],
            PrivProtocol::Aes256 => vec![1, 3, 6, 1, 4, 1, 14832, 1, 4],
            PrivProtocol::Aes192Cisco => vec![1, 3, 6, 1, 4, 1, 9, 12, 6, 1, 1],
            PrivProtocol::Aes256Cisco => vec![1, 3, 6, 1, 4, 1, 9, 12, 6, 1, 2],
        })
    }

    /// How many octets of localized key the protocol uses: the cipher key, plus the
    /// pre-IV for the CBC protocols.
    pub fn key_len(self) -> usize {
        match self {
            PrivProtocol::Des | PrivProtocol::Aes128 => 16,
            PrivProtocol::Aes192 | PrivProtocol::Aes192Cisco => 24,
            PrivProtocol::TripleDes | PrivProtocol::Aes256 | PrivProtocol::Aes256Cisco => 32,
        }
    }

    /// How a localized key is lengthened to [`PrivProtocol::key_len`].
    pub(crate) fn extension(self) -> Extension {
        match self {
            PrivProtocol::Aes192 | PrivProtocol::Aes256 => Extension::Blumenthal,
            // DES and AES-128 never need more than the shortest hash gives.
            PrivProtocol::Des
            | PrivProtocol::Aes128
            | PrivProtocol::TripleDes
            | PrivProtocol::Aes192Cisco
            | PrivProtocol::Aes256Cisco => Extension::Reeder,
        }
    }
}

impl std::fmt::Display for PrivProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

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
