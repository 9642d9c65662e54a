//! The hashes behind the authentication protocols, one function per use: password
//! expansion, localization, plain hashing (key extension) and the HMAC.

use hmac::digest::{Digest, KeyInit};
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha224, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::protocol::AuthProtocol;

/// How many octets of repeated password are hashed into a key (RFC 3414 §A.2).
const EXPANDED_PASSWORD_LEN: usize = 1_048_576;

/// Runs `$body` with `$d` bound to the digest type of `$protocol`.
macro_rules! with_digest {
    ($protocol:expr, $d:ident => $body:expr) => {
        match $protocol {
            AuthProtocol::Md5 => {
                type $d = Md5;
                $body
            }
            AuthProtocol::Sha1 => {
                type $d = Sha1;
                $body
            }
            AuthProtocol::Sha224 => {
                type $d = Sha224;
                $body
            }
            AuthProtocol::Sha256 => {
                type $d = Sha256;
                $body
            }
            AuthProtocol::Sha384 => {
                type $d = Sha384;
                $body
            }
            AuthProtocol::Sha512 => {
                type $d = Sha512;
                $body
            }
        }
    };
}

/// The hash of one megabyte of `password` repeated (RFC 3414 §A.2). `password` must
/// not be empty (the caller checks the minimum length).
pub(super) fn expand(protocol: AuthProtocol, password: &[u8]) -> Zeroizing<Vec<u8>> {
    with_digest!(protocol, D => expand_with::<D>(password))
}

/// `H(Ku || engineID || Ku)` (RFC 3414 §A.2.2).
pub(super) fn localize(
    protocol: AuthProtocol,
    master: &[u8],
    engine_id: &[u8],
) -> Zeroizing<Vec<u8>> {
    with_digest!(protocol, D => {
        let mut hasher = D::new();
        hasher.update(master);
        hasher.update(engine_id);
        hasher.update(master);
        Zeroizing::new(hasher.finalize().to_vec())
    })
}

/// The plain hash of `data` (the Blumenthal key extension).
pub(super) fn hash(protocol: AuthProtocol, data: &[u8]) -> Zeroizing<Vec<u8>> {
    with_digest!(protocol, D => Zeroizing::new(D::digest(data).to_vec()))
}

/// The HMAC of `message` under `key`, truncated to the protocol's MAC length; `None`
/// if the MAC cannot be computed (HMAC takes keys of any length, so in practice never).
pub(super) fn hmac(protocol: AuthProtocol, key: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    let mut full = with_digest!(protocol, D => {
        let mut mac = <Hmac<D> as KeyInit>::new_from_slice(key).ok()?;
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    });
    full.truncate(protocol.mac_len());
    Some(full)
}

/// Whether `mac` is the truncated HMAC of `message`, compared in constant time by the
/// `hmac` crate (`verify_truncated_left`).
pub(super) fn hmac_verify(protocol: AuthProtocol, key: &[u8], message: &[u8], mac: &[u8]) -> bool {
    if mac.len() != protocol.mac_len() {
        return false;
    }
    with_digest!(protocol, D => {
        let Ok(mut hmac) = <Hmac<D> as KeyInit>::new_from_slice(key) else {
            return false;
        };
        hmac.update(message);
        hmac.verify_truncated_left(mac).is_ok()
    })
}

fn expand_with<D: Digest>(password: &[u8]) -> Zeroizing<Vec<u8>> {
    // One 64-octet block at a time, continuing the password cycle across blocks.
    let mut hasher = D::new();
    let mut block = Zeroizing::new([0u8; 64]);
    let mut cycle = password.iter().copied().cycle();
    for _ in 0..EXPANDED_PASSWORD_LEN / 64 {
        for (byte, next) in block.iter_mut().zip(&mut cycle) {
            *byte = next;
        }
        hasher.update(&block[..]);
    }
    Zeroizing::new(hasher.finalize().to_vec())
}
