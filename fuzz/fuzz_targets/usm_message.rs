//! Arbitrary datagrams through the SNMPv3 decoder and the USM checks, and arbitrary
//! ciphertexts through every privacy protocol's decryption and the scopedPDU decoder
//! (a fuzzer cannot forge an HMAC, so decryption is also driven directly). Nothing may
//! panic or allocate without bound; what decodes must survive a round trip.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smic_snmp_proto::message::v3::{MessageV3, ScopedPdu};
use smic_snmp_proto::usm::{self, AuthProtocol, EngineKeys, PrivProtocol, User};

const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x04fuzz";

/// One user per privacy protocol, keys derived once (password-to-key is slow).
fn users() -> &'static Vec<(PrivProtocol, std::sync::Arc<EngineKeys>)> {
    static USERS: OnceLock<Vec<(PrivProtocol, std::sync::Arc<EngineKeys>)>> = OnceLock::new();
    USERS.get_or_init(|| {
        PrivProtocol::ALL
            .into_iter()
            .filter_map(|privacy| {
                let user = User::new("fuzz")
                    .with_auth(AuthProtocol::Sha1, b"fuzz-passphrase")
                    .and_then(|u| u.with_privacy(privacy, b"fuzz-passphrase"))
                    .ok()?;
                Some((privacy, user.keys(ENGINE)))
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let users = users();
    let (privacy, keys) = &users[usize::from(selector) % users.len()];
    if let Ok(message) = MessageV3::decode(rest) {
        assert_eq!(MessageV3::decode(&message.encode()).as_ref(), Ok(&message));
    }
    if let Ok(incoming) = usm::decode(rest) {
        let _ = incoming.authenticate(rest, keys);
        let _ = incoming.scoped_pdu(keys);
    }
    // Raw decryption: salt from the input, the rest as ciphertext.
    if rest.len() >= 8 {
        let (salt, ciphertext) = rest.split_at(8);
        if let Some(key) = &keys.privacy {
            assert_eq!(key.protocol(), *privacy);
            if let Ok(plaintext) = key.decrypt(1, 2, salt, ciphertext) {
                assert_eq!(plaintext.len(), ciphertext.len());
                if let Ok(scoped) = ScopedPdu::decode_padded(&plaintext) {
                    assert_eq!(ScopedPdu::decode_padded(&scoped.encode()), Ok(scoped));
                }
            }
        }
    }
});
