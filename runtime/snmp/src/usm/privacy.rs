//! Privacy protocols: DES-CBC (RFC 3414 §8), 3DES-EDE (draft-reeder-snmpv3-usm-3desede),
//! AES-CFB-128 (RFC 3826) and AES-CFB-192/256 with either key extension vendors use
//! (Blumenthal, draft-blumenthal-aes-usm-04; Reeder, as Cisco does).

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{AsyncStreamCipher, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use des::{Des, TdesEde3};
use smic_smi::Oid;
use zeroize::Zeroizing;

use super::key::{LocalizedKey, MasterKey};

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
enum Extension {
    /// `Kul || H(Kul)`, hashing everything so far at each step.
    Blumenthal,
    /// `Kul || localize(passwordToKey(Kul))`: the key so far is taken as a password.
    Reeder,
}

/// Why a ciphertext cannot be decrypted (counted as `usmStatsDecryptionErrors`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    /// `msgPrivacyParameters` is not the 8-octet salt.
    #[error("msgPrivacyParameters has {0} octets, not 8")]
    BadSalt(usize),
    /// A CBC ciphertext that is not whole blocks.
    #[error("the ciphertext is {0} octets, not a multiple of 8")]
    BadLength(usize),
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

    fn extension(self) -> Extension {
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

    /// The privacy key at one engine: the master key localized with the
    /// authentication hash, extended to [`PrivProtocol::key_len`] and cut to it.
    pub fn localize(self, master: &MasterKey, engine_id: &[u8]) -> LocalizedKey {
        let hash = master.protocol();
        let mut key = Zeroizing::new(master.localize(engine_id).bytes().to_vec());
        while key.len() < self.key_len() {
            let more = match self.extension() {
                Extension::Blumenthal => hash.hash(&key),
                Extension::Reeder => {
                    // The key so far is at least 16 octets, so the passphrase check
                    // cannot fail; the fallback keeps the loop finite regardless.
                    match hash.password_to_key(&key) {
                        Ok(ku) => Zeroizing::new(ku.localize(engine_id).bytes().to_vec()),
                        Err(_) => hash.hash(&key),
                    }
                }
            };
            key.extend_from_slice(&more);
        }
        key.truncate(self.key_len());
        LocalizedKey::from_zeroizing(key)
    }

    /// Encrypts a serialized scopedPDU. `salt` is the sender's counter value (never
    /// reused with one key); returns the ciphertext and `msgPrivacyParameters`.
    pub fn encrypt(
        self,
        key: &LocalizedKey,
        boots: u32,
        time: u32,
        salt: u64,
        plaintext: &[u8],
    ) -> (Vec<u8>, [u8; 8]) {
        let key = key.bytes();
        match self {
            PrivProtocol::Des | PrivProtocol::TripleDes => {
                // RFC 3414 §8.1.1.1: salt = engineBoots || local counter.
                let mut params = [0u8; 8];
                params[..4].copy_from_slice(&boots.to_be_bytes());
                params[4..].copy_from_slice(&(salt as u32).to_be_bytes());
                let split = self.key_len() - 8;
                let iv = xor8(&key[split..self.key_len()], &params);
                let mut padded = Zeroizing::new(plaintext.to_vec());
                padded.resize(plaintext.len().div_ceil(8) * 8, 0);
                let ciphertext = if self == PrivProtocol::Des {
                    cbc_encrypt::<Des>(&key[..split], &iv, &padded)
                } else {
                    cbc_encrypt::<TdesEde3>(&key[..split], &iv, &padded)
                };
                (ciphertext, params)
            }
            _ => {
                // RFC 3826 §3.1.2.1: IV = boots || time || salt.
                let params = salt.to_be_bytes();
                let iv = aes_iv(boots, time, &params);
                let mut data = plaintext.to_vec();
                cfb_apply(self, &key[..self.key_len()], &iv, &mut data, true);
                (data, params)
            }
        }
    }

    /// Decrypts an `encryptedPDU` with the sender's boots and time and its salt.
    pub fn decrypt(
        self,
        key: &LocalizedKey,
        boots: u32,
        time: u32,
        params: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
        let params: [u8; 8] = params
            .try_into()
            .map_err(|_| DecryptError::BadSalt(params.len()))?;
        let key = key.bytes();
        match self {
            PrivProtocol::Des | PrivProtocol::TripleDes => {
                if ciphertext.len() % 8 != 0 {
                    return Err(DecryptError::BadLength(ciphertext.len()));
                }
                let split = self.key_len() - 8;
                let iv = xor8(&key[split..self.key_len()], &params);
                Ok(Zeroizing::new(if self == PrivProtocol::Des {
                    cbc_decrypt::<Des>(&key[..split], &iv, ciphertext)
                } else {
                    cbc_decrypt::<TdesEde3>(&key[..split], &iv, ciphertext)
                }))
            }
            _ => {
                let iv = aes_iv(boots, time, &params);
                let mut data = Zeroizing::new(ciphertext.to_vec());
                cfb_apply(self, &key[..self.key_len()], &iv, &mut data, false);
                Ok(data)
            }
        }
    }
}

impl std::fmt::Display for PrivProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn xor8(pre_iv: &[u8], salt: &[u8; 8]) -> [u8; 8] {
    let mut iv = [0u8; 8];
    for (i, byte) in iv.iter_mut().enumerate() {
        *byte = pre_iv[i] ^ salt[i];
    }
    iv
}

fn aes_iv(boots: u32, time: u32, salt: &[u8; 8]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[..4].copy_from_slice(&boots.to_be_bytes());
    iv[4..8].copy_from_slice(&time.to_be_bytes());
    iv[8..].copy_from_slice(salt);
    iv
}

fn cbc_encrypt<C>(key: &[u8], iv: &[u8; 8], padded: &[u8]) -> Vec<u8>
where
    C: cbc::cipher::BlockEncryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
    cbc::Encryptor<C>: KeyIvInit,
{
    // Key and IV lengths are fixed by the protocol, so construction cannot fail.
    let mut buf = padded.to_vec();
    let len = buf.len();
    if let Ok(cipher) = cbc::Encryptor::<C>::new_from_slices(key, iv) {
        // Whole blocks, no padding to add: this cannot fail.
        let _ = cipher.encrypt_padded_mut::<NoPadding>(&mut buf, len);
    }
    buf
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8; 8], ciphertext: &[u8]) -> Vec<u8>
where
    C: cbc::cipher::BlockDecryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
    cbc::Decryptor<C>: KeyIvInit,
{
    let mut buf = ciphertext.to_vec();
    if let Ok(cipher) = cbc::Decryptor::<C>::new_from_slices(key, iv) {
        // The caller checked for whole blocks: this cannot fail.
        let _ = cipher.decrypt_padded_mut::<NoPadding>(&mut buf);
    }
    buf
}

fn cfb_apply(protocol: PrivProtocol, key: &[u8], iv: &[u8; 16], data: &mut [u8], encrypt: bool) {
    fn run<C>(key: &[u8], iv: &[u8; 16], data: &mut [u8], encrypt: bool)
    where
        C: cbc::cipher::BlockEncryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
        C: cbc::cipher::BlockSizeUser<BlockSize = cbc::cipher::consts::U16>,
    {
        if encrypt {
            if let Ok(cipher) = cfb_mode::Encryptor::<C>::new_from_slices(key, iv) {
                cipher.encrypt(data);
            }
        } else if let Ok(cipher) = cfb_mode::Decryptor::<C>::new_from_slices(key, iv) {
            cipher.decrypt(data);
        }
    }
    match protocol.key_len() {
        16 => run::<Aes128>(key, iv, data, encrypt),
        24 => run::<Aes192>(key, iv, data, encrypt),
        _ => run::<Aes256>(key, iv, data, encrypt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usm::AuthProtocol;

    #[test]
    fn round_trips_every_protocol_and_length() {
        let engine = b"\x80\x00\x1f\x88\x80smic-test";
        for auth in AuthProtocol::ALL {
            let master = auth
                .password_to_key(b"privpassword")
                .unwrap_or_else(|e| panic!("{e}"));
            for protocol in PrivProtocol::ALL {
                let key = protocol.localize(&master, engine);
                assert_eq!(key.bytes().len(), protocol.key_len());
                for len in [0, 1, 7, 8, 9, 16, 100] {
                    let plain: Vec<u8> = (0..len).map(|i| i as u8).collect();
                    let (cipher, salt) =
                        protocol.encrypt(&key, 3, 1234, 0x0102_0304_0506_0708, &plain);
                    if len > 0 {
                        assert_ne!(
                            cipher[..len.min(cipher.len())],
                            plain[..],
                            "{auth}/{protocol}"
                        );
                    }
                    let back = protocol
                        .decrypt(&key, 3, 1234, &salt, &cipher)
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(&back[..len], &plain[..], "{auth}/{protocol}/{len}");
                }
            }
        }
    }

    #[test]
    fn bad_salts_and_partial_blocks_are_refused() {
        let master = AuthProtocol::Sha1
            .password_to_key(b"privpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        let key = PrivProtocol::Des.localize(&master, b"engine");
        assert_eq!(
            PrivProtocol::Des.decrypt(&key, 0, 0, &[0; 7], &[0; 8]),
            Err(DecryptError::BadSalt(7))
        );
        assert_eq!(
            PrivProtocol::Des.decrypt(&key, 0, 0, &[0; 8], &[0; 12]),
            Err(DecryptError::BadLength(12))
        );
        assert_eq!(
            PrivProtocol::Aes128.decrypt(&key, 0, 0, &[], &[0; 12]),
            Err(DecryptError::BadSalt(0))
        );
    }

    #[test]
    fn the_two_extensions_differ_only_past_the_hash() {
        let master = AuthProtocol::Md5
            .password_to_key(b"privpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        let blumenthal = PrivProtocol::Aes256.localize(&master, b"engine");
        let reeder = PrivProtocol::Aes256Cisco.localize(&master, b"engine");
        assert_eq!(blumenthal.bytes()[..16], reeder.bytes()[..16]);
        assert_ne!(blumenthal.bytes()[16..], reeder.bytes()[16..]);
        // With SHA-256 the localized key is already 32 octets: nothing to extend.
        let master = AuthProtocol::Sha256
            .password_to_key(b"privpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            PrivProtocol::Aes256.localize(&master, b"engine"),
            PrivProtocol::Aes256Cisco.localize(&master, b"engine")
        );
        for protocol in PrivProtocol::ALL {
            assert_eq!(PrivProtocol::from_name(protocol.name()), Some(protocol));
        }
    }
}
