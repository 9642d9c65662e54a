//! Message authentication (RFC 3414 §6–7, RFC 7860): the truncated HMAC that protects
//! a whole message, made and checked with an [`AuthKey`].

use super::digest;
use super::key::AuthKey;

/// The MAC could not be computed: the message must not be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the {0} HMAC could not be computed")]
pub struct SignError(pub &'static str);

impl AuthKey {
    /// The truncated HMAC of a whole message whose authentication parameters are
    /// zeroed (RFC 3414 §6.3.1, RFC 7860 §4.2.1): always of the protocol's
    /// [`mac_len`](super::AuthProtocol::mac_len), or an error.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let protocol = self.protocol();
        digest::hmac(protocol, self.bytes(), message)
            .filter(|mac| mac.len() == protocol.mac_len())
            .ok_or(SignError(protocol.name()))
    }

    /// Whether `mac` authenticates `message` (zeroed parameters), compared in
    /// constant time.
    pub fn verify(&self, message: &[u8], mac: &[u8]) -> bool {
        digest::hmac_verify(self.protocol(), self.bytes(), message, mac)
    }
}

#[cfg(test)]
mod tests {
    use crate::usm::AuthProtocol;

    #[test]
    fn macs_have_the_protocol_lengths_and_verify() {
        for protocol in AuthProtocol::ALL {
            let key = protocol
                .password_to_key(b"authpassword")
                .unwrap_or_else(|e| panic!("{e}"))
                .localize(b"\x80\x00\x1f\x88\x04test");
            assert_eq!(key.bytes().len(), protocol.key_len());
            let mac = key.sign(b"message").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(mac.len(), protocol.mac_len(), "{protocol}");
            assert!(key.verify(b"message", &mac));
            assert!(!key.verify(b"messagf", &mac));
            assert!(!key.verify(b"message", mac.get(1..).unwrap_or_default()));
            let mut longer = mac.clone();
            longer.push(0);
            assert!(!key.verify(b"message", &longer));
            assert_eq!(AuthProtocol::from_name(protocol.name()), Some(protocol));
        }
    }
}
