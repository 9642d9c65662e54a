//! Privacy (RFC 3414 §8, RFC 3826, draft-reeder-snmpv3-usm-3desede): encrypting and
//! decrypting a scopedPDU with a [`PrivKey`]. Fail-closed: when a cipher cannot be
//! built the call is an error, never the data handed back unencrypted.

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{AsyncStreamCipher, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use des::{Des, TdesEde3};
use zeroize::Zeroizing;

use super::key::PrivKey;
use super::protocol::PrivProtocol;

/// Why a ciphertext cannot be decrypted (counted as `usmStatsDecryptionErrors`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    /// `msgPrivacyParameters` is not the 8-octet salt.
    #[error("msgPrivacyParameters has {0} octets, not 8")]
    BadSalt(usize),
    /// A CBC ciphertext that is not whole blocks.
    #[error("the ciphertext is {0} octets, not a multiple of 8")]
    BadLength(usize),
    /// The cipher could not be set up with the key.
    #[error(transparent)]
    Cipher(#[from] CipherError),
}

/// The cipher could not be set up or run (a key or IV of the wrong length): nothing
/// was encrypted, and the message must not be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the {0} cipher could not be set up with its key")]
pub struct CipherError(pub &'static str);

impl PrivKey {
    /// Encrypts a serialized scopedPDU. `salt` is the sender's counter value (never
    /// reused with one key); returns the ciphertext and `msgPrivacyParameters`.
    pub fn encrypt(
        &self,
        boots: u32,
        time: u32,
        salt: u64,
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, [u8; 8]), CipherError> {
        let protocol = self.protocol();
        let fail = CipherError(protocol.name());
        match protocol {
            PrivProtocol::Des | PrivProtocol::TripleDes => {
                // RFC 3414 §8.1.1.1: salt = engineBoots || local counter (its low half).
                let params = join(boots.to_be_bytes(), (salt as u32).to_be_bytes());
                let (key, pre_iv) = self.cbc_parts().ok_or(fail)?;
                let iv = xor8(pre_iv, &params).ok_or(fail)?;
                let mut padded = Zeroizing::new(plaintext.to_vec());
                padded.resize(plaintext.len().div_ceil(8) * 8, 0);
                let ciphertext = if protocol == PrivProtocol::Des {
                    cbc_encrypt::<Des>(key, &iv, &padded)
                } else {
                    cbc_encrypt::<TdesEde3>(key, &iv, &padded)
                };
                Ok((ciphertext.ok_or(fail)?, params))
            }
            _ => {
                // RFC 3826 §3.1.2.1: IV = boots || time || salt.
                let params = salt.to_be_bytes();
                let iv = aes_iv(boots, time, params);
                let mut data = plaintext.to_vec();
                cfb_apply(protocol, self.bytes(), &iv, &mut data, true).ok_or(fail)?;
                Ok((data, params))
            }
        }
    }

    /// Decrypts an `encryptedPDU` with the sender's boots and time and its salt.
    pub fn decrypt(
        &self,
        boots: u32,
        time: u32,
        params: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
        let protocol = self.protocol();
        let fail = CipherError(protocol.name());
        let params: [u8; 8] = params
            .try_into()
            .map_err(|_| DecryptError::BadSalt(params.len()))?;
        match protocol {
            PrivProtocol::Des | PrivProtocol::TripleDes => {
                if ciphertext.len() % 8 != 0 {
                    return Err(DecryptError::BadLength(ciphertext.len()));
                }
                let (key, pre_iv) = self.cbc_parts().ok_or(fail)?;
                let iv = xor8(pre_iv, &params).ok_or(fail)?;
                let plain = if protocol == PrivProtocol::Des {
                    cbc_decrypt::<Des>(key, &iv, ciphertext)
                } else {
                    cbc_decrypt::<TdesEde3>(key, &iv, ciphertext)
                };
                Ok(Zeroizing::new(plain.ok_or(fail)?))
            }
            _ => {
                let iv = aes_iv(boots, time, params);
                let mut data = Zeroizing::new(ciphertext.to_vec());
                cfb_apply(protocol, self.bytes(), &iv, &mut data, false).ok_or(fail)?;
                Ok(data)
            }
        }
    }

    /// The CBC protocols' key: the cipher key, then the 8-octet pre-IV.
    fn cbc_parts(&self) -> Option<(&[u8], &[u8])> {
        let split = self.protocol().key_len().checked_sub(8)?;
        self.bytes().split_at_checked(split)
    }
}

fn join(high: [u8; 4], low: [u8; 4]) -> [u8; 8] {
    let mut out = [0u8; 8];
    for (slot, byte) in out.iter_mut().zip(high.into_iter().chain(low)) {
        *slot = byte;
    }
    out
}

fn xor8(pre_iv: &[u8], salt: &[u8; 8]) -> Option<[u8; 8]> {
    let pre_iv: &[u8; 8] = pre_iv.try_into().ok()?;
    let mut iv = [0u8; 8];
    for ((byte, a), b) in iv.iter_mut().zip(pre_iv).zip(salt) {
        *byte = a ^ b;
    }
    Some(iv)
}

fn aes_iv(boots: u32, time: u32, salt: [u8; 8]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    let parts = boots
        .to_be_bytes()
        .into_iter()
        .chain(time.to_be_bytes())
        .chain(salt);
    for (slot, byte) in iv.iter_mut().zip(parts) {
        *slot = byte;
    }
    iv
}

/// `None` when the cipher cannot be built or the input is not whole blocks.
fn cbc_encrypt<C>(key: &[u8], iv: &[u8; 8], padded: &[u8]) -> Option<Vec<u8>>
where
    C: cbc::cipher::BlockEncryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
    cbc::Encryptor<C>: KeyIvInit,
{
    let cipher = cbc::Encryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buf = padded.to_vec();
    let len = buf.len();
    cipher.encrypt_padded_mut::<NoPadding>(&mut buf, len).ok()?;
    Some(buf)
}

/// `None` when the cipher cannot be built or the input is not whole blocks.
fn cbc_decrypt<C>(key: &[u8], iv: &[u8; 8], ciphertext: &[u8]) -> Option<Vec<u8>>
where
    C: cbc::cipher::BlockDecryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
    cbc::Decryptor<C>: KeyIvInit,
{
    let cipher = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buf = ciphertext.to_vec();
    cipher.decrypt_padded_mut::<NoPadding>(&mut buf).ok()?;
    Some(buf)
}

/// AES in CFB mode over `data`, in place; `None` (data untouched, to be discarded by
/// the caller) when the cipher cannot be built with `key`.
fn cfb_apply(
    protocol: PrivProtocol,
    key: &[u8],
    iv: &[u8; 16],
    data: &mut [u8],
    encrypt: bool,
) -> Option<()> {
    fn run<C>(key: &[u8], iv: &[u8; 16], data: &mut [u8], encrypt: bool) -> Option<()>
    where
        C: cbc::cipher::BlockEncryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
        C: cbc::cipher::BlockSizeUser<BlockSize = cbc::cipher::consts::U16>,
    {
        if encrypt {
            cfb_mode::Encryptor::<C>::new_from_slices(key, iv)
                .ok()?
                .encrypt(data);
        } else {
            cfb_mode::Decryptor::<C>::new_from_slices(key, iv)
                .ok()?
                .decrypt(data);
        }
        Some(())
    }
    match protocol {
        PrivProtocol::Aes128 => run::<Aes128>(key, iv, data, encrypt),
        PrivProtocol::Aes192 | PrivProtocol::Aes192Cisco => run::<Aes192>(key, iv, data, encrypt),
        PrivProtocol::Aes256 | PrivProtocol::Aes256Cisco => run::<Aes256>(key, iv, data, encrypt),
        PrivProtocol::Des | PrivProtocol::TripleDes => None,
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
                    let (cipher, salt) = key
                        .encrypt(3, 1234, 0x0102_0304_0506_0708, &plain)
                        .unwrap_or_else(|e| panic!("{e}"));
                    if len > 0 {
                        assert_ne!(cipher.get(..len), Some(&plain[..]), "{auth}/{protocol}");
                    }
                    let back = key
                        .decrypt(3, 1234, &salt, &cipher)
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(back.get(..len), Some(&plain[..]), "{auth}/{protocol}/{len}");
                }
            }
        }
    }

    #[test]
    fn bad_salts_and_partial_blocks_are_refused() {
        let master = AuthProtocol::Sha1
            .password_to_key(b"privpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        let des = PrivProtocol::Des.localize(&master, b"engine");
        assert_eq!(
            des.decrypt(0, 0, &[0; 7], &[0; 8]),
            Err(DecryptError::BadSalt(7))
        );
        assert_eq!(
            des.decrypt(0, 0, &[0; 8], &[0; 12]),
            Err(DecryptError::BadLength(12))
        );
        let aes = PrivProtocol::Aes128.localize(&master, b"engine");
        assert_eq!(
            aes.decrypt(0, 0, &[], &[0; 12]),
            Err(DecryptError::BadSalt(0))
        );
    }

    /// The defect this module once had: a cipher that could not be built returned the
    /// data unchanged. Every primitive now reports it instead.
    #[test]
    fn ciphers_that_cannot_be_built_fail_closed() {
        let iv8 = [0u8; 8];
        let iv16 = [0u8; 16];
        assert_eq!(cbc_encrypt::<Des>(&[1; 3], &iv8, &[0; 8]), None);
        assert_eq!(cbc_decrypt::<Des>(&[1; 3], &iv8, &[0; 8]), None);
        assert_eq!(cbc_encrypt::<TdesEde3>(&[1; 8], &iv8, &[0; 8]), None);
        // Partial blocks cannot be run either (the callers pad or refuse them first).
        assert_eq!(cbc_encrypt::<Des>(&[1; 8], &iv8, &[0; 5]), None);
        for protocol in [
            PrivProtocol::Aes128,
            PrivProtocol::Aes192,
            PrivProtocol::Aes256,
        ] {
            let mut data = *b"secret data";
            assert_eq!(cfb_apply(protocol, &[1; 8], &iv16, &mut data, true), None);
            assert_eq!(&data, b"secret data", "nothing half-done is left to send");
        }
        assert_eq!(xor8(&[0; 7], &iv8), None);
    }

    /// And a key of the wrong length never reaches a cipher: it cannot be made.
    #[test]
    fn every_protocol_encrypts_only_with_a_key_of_its_length() {
        for protocol in PrivProtocol::ALL {
            let key = PrivKey::from_bytes(protocol, &vec![0x5a; protocol.key_len()])
                .unwrap_or_else(|e| panic!("{e}"));
            let (cipher, _) = key
                .encrypt(1, 2, 3, b"sixteen octets!!")
                .unwrap_or_else(|e| panic!("{protocol}: {e}"));
            assert_ne!(
                cipher.get(..16),
                Some(&b"sixteen octets!!"[..]),
                "{protocol}"
            );
            assert!(
                PrivKey::from_bytes(protocol, &[0x5a; 8]).is_err(),
                "{protocol}"
            );
        }
    }
}
