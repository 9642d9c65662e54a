//! SNMPv3 messages (RFC 3412 §6) and the User-based Security Model's parameters
//! (RFC 3414 §2.4). Only the wire format lives here: authentication, encryption and
//! timeliness are in [`crate::usm`].

use std::ops::Range;

use crate::ber::{Error, Reader, Writer, tag};
use crate::message::{Pdu, SecurityLevel, read_pdu, write_pdu};

/// `msgVersion` of SNMPv3.
pub const VERSION: i64 = 3;

/// `msgSecurityModel` of the User-based Security Model.
pub const USM: i32 = 3;

/// The largest `msgMaxSize` smic announces: the largest UDP payload over IPv4.
pub const MAX_SIZE: i32 = 65_507;

/// `msgFlags` (RFC 3412 §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u8);

impl Flags {
    /// `authFlag`.
    pub const AUTH: u8 = 0x01;
    /// `privFlag`.
    pub const PRIV: u8 = 0x02;
    /// `reportableFlag`: the receiver may answer with a Report.
    pub const REPORTABLE: u8 = 0x04;

    /// Flags for a security level and reportability.
    pub fn new(level: SecurityLevel, reportable: bool) -> Flags {
        let mut bits = match level {
            SecurityLevel::NoAuthNoPriv => 0,
            SecurityLevel::AuthNoPriv => Flags::AUTH,
            SecurityLevel::AuthPriv => Flags::AUTH | Flags::PRIV,
        };
        if reportable {
            bits |= Flags::REPORTABLE;
        }
        Flags(bits)
    }

    /// The security level, or `None` for the invalid privacy-without-authentication.
    pub fn level(self) -> Option<SecurityLevel> {
        match self.0 & (Flags::AUTH | Flags::PRIV) {
            0 => Some(SecurityLevel::NoAuthNoPriv),
            Flags::AUTH => Some(SecurityLevel::AuthNoPriv),
            3 => Some(SecurityLevel::AuthPriv),
            _ => None,
        }
    }

    /// Whether the sender asks for Reports.
    pub fn reportable(self) -> bool {
        self.0 & Flags::REPORTABLE != 0
    }
}

/// `HeaderData` (`msgGlobalData`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// `msgID`: correlates a response with its request.
    pub msg_id: i32,
    /// `msgMaxSize`: the largest message the sender accepts.
    pub max_size: i32,
    /// `msgFlags`.
    pub flags: Flags,
    /// `msgSecurityModel` (3 for USM).
    pub security_model: i32,
}

/// A `ScopedPDU`: a PDU and the context it addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopedPdu {
    /// `contextEngineID`.
    pub context_engine_id: Vec<u8>,
    /// `contextName`.
    pub context_name: Vec<u8>,
    /// The PDU.
    pub pdu: Pdu,
}

impl ScopedPdu {
    /// Encodes the scopedPDU alone, as privacy protocols encrypt it.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write(&mut w);
        w.into_bytes()
    }

    fn write(&self, w: &mut Writer) {
        w.sequence(|w| {
            w.octets(&self.context_engine_id);
            w.octets(&self.context_name);
            write_pdu(w, &self.pdu);
        });
    }

    /// Decodes a decrypted scopedPDU. Octets after it are the cipher's padding and
    /// are ignored (RFC 3414 §8.3.2).
    pub fn decode_padded(bytes: &[u8]) -> Result<ScopedPdu, Error> {
        ScopedPdu::read(&mut Reader::new(bytes))
    }

    fn read(reader: &mut Reader<'_>) -> Result<ScopedPdu, Error> {
        let mut scoped = reader.sequence()?;
        let context_engine_id = scoped.octets()?.to_vec();
        let context_name = scoped.octets()?.to_vec();
        let pdu = read_pdu(&mut scoped)?;
        scoped.finish()?;
        Ok(ScopedPdu {
            context_engine_id,
            context_name,
            pdu,
        })
    }
}

/// `ScopedPduData`: clear or encrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopedPduData {
    /// `plaintext`.
    Plaintext(ScopedPdu),
    /// `encryptedPDU`.
    Encrypted(Vec<u8>),
}

/// An SNMPv3 message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageV3 {
    /// `msgGlobalData`.
    pub header: Header,
    /// `msgSecurityParameters`: for USM, an encoded [`UsmParams`].
    pub security_parameters: Vec<u8>,
    /// `msgData`.
    pub data: ScopedPduData,
}

impl MessageV3 {
    /// Encodes the message.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.sequence(|w| {
            w.integer(VERSION);
            w.sequence(|w| {
                w.integer(i64::from(self.header.msg_id));
                w.integer(i64::from(self.header.max_size));
                w.octets(&[self.header.flags.0]);
                w.integer(i64::from(self.header.security_model));
            });
            w.octets(&self.security_parameters);
            match &self.data {
                ScopedPduData::Plaintext(scoped) => scoped.write(w),
                ScopedPduData::Encrypted(bytes) => w.octets(bytes),
            }
        });
        w.into_bytes()
    }

    /// Decodes a whole datagram: exactly one SNMPv3 message, nothing after it. Field
    /// ranges of RFC 3412 §6 are checked.
    pub fn decode(bytes: &[u8]) -> Result<MessageV3, Error> {
        let mut outer = Reader::new(bytes);
        let mut message = outer.sequence()?;
        outer.finish()?;
        let at = message.offset();
        let version = message.integer()?;
        if i64::from(version) != VERSION {
            return Err(Error::InvalidValue {
                what: "msgVersion",
                value: i64::from(version),
                at,
            });
        }
        let mut global = message.sequence()?;
        let msg_id = non_negative(&mut global, "msgID")?;
        let at = global.offset();
        let max_size = global.integer()?;
        if max_size < 484 {
            return Err(Error::InvalidValue {
                what: "msgMaxSize",
                value: i64::from(max_size),
                at,
            });
        }
        let at = global.offset();
        let flags = match global.octets()? {
            [flags] => Flags(*flags),
            other => {
                return Err(Error::InvalidValue {
                    what: "msgFlags length",
                    value: other.len() as i64,
                    at,
                });
            }
        };
        let at = global.offset();
        let security_model = global.integer()?;
        if security_model < 1 {
            return Err(Error::InvalidValue {
                what: "msgSecurityModel",
                value: i64::from(security_model),
                at,
            });
        }
        global.finish()?;
        let security_parameters = message.octets()?.to_vec();
        let data = if message.peek_tag()? == tag::OCTET_STRING {
            ScopedPduData::Encrypted(message.octets()?.to_vec())
        } else {
            ScopedPduData::Plaintext(ScopedPdu::read(&mut message)?)
        };
        message.finish()?;
        Ok(MessageV3 {
            header: Header {
                msg_id,
                max_size,
                flags,
                security_model,
            },
            security_parameters,
            data,
        })
    }
}

/// The version field of any SNMP message (0, 1 or 3), to choose a decoder.
pub fn peek_version(bytes: &[u8]) -> Result<i32, Error> {
    let mut outer = Reader::new(bytes);
    let mut message = outer.sequence()?;
    message.integer()
}

/// `UsmSecurityParameters` (RFC 3414 §2.4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsmParams {
    /// `msgAuthoritativeEngineID`.
    pub engine_id: Vec<u8>,
    /// `msgAuthoritativeEngineBoots`.
    pub boots: u32,
    /// `msgAuthoritativeEngineTime`.
    pub time: u32,
    /// `msgUserName` (at most 32 octets).
    pub user_name: Vec<u8>,
    /// `msgAuthenticationParameters`: the truncated HMAC, or empty.
    pub auth_params: Vec<u8>,
    /// `msgPrivacyParameters`: the salt, or empty.
    pub priv_params: Vec<u8>,
}

impl UsmParams {
    /// Encodes the parameters (the contents of `msgSecurityParameters`).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.sequence(|w| {
            w.octets(&self.engine_id);
            w.integer(i64::from(self.boots));
            w.integer(i64::from(self.time));
            w.octets(&self.user_name);
            w.octets(&self.auth_params);
            w.octets(&self.priv_params);
        });
        w.into_bytes()
    }

    /// Decodes `msgSecurityParameters`, checking RFC 3414's sizes and ranges.
    pub fn decode(bytes: &[u8]) -> Result<UsmParams, Error> {
        let mut outer = Reader::new(bytes);
        let mut params = outer.sequence()?;
        outer.finish()?;
        let at = params.offset();
        let engine_id = params.octets()?.to_vec();
        if engine_id.len() > 32 {
            return Err(Error::InvalidValue {
                what: "msgAuthoritativeEngineID length",
                value: engine_id.len() as i64,
                at,
            });
        }
        let boots = non_negative(&mut params, "msgAuthoritativeEngineBoots")? as u32;
        let time = non_negative(&mut params, "msgAuthoritativeEngineTime")? as u32;
        let at = params.offset();
        let user_name = params.octets()?.to_vec();
        if user_name.len() > 32 {
            return Err(Error::InvalidValue {
                what: "msgUserName length",
                value: user_name.len() as i64,
                at,
            });
        }
        let auth_params = params.octets()?.to_vec();
        let priv_params = params.octets()?.to_vec();
        params.finish()?;
        Ok(UsmParams {
            engine_id,
            boots,
            time,
            user_name,
            auth_params,
            priv_params,
        })
    }
}

fn non_negative(reader: &mut Reader<'_>, what: &'static str) -> Result<i32, Error> {
    let at = reader.offset();
    let n = reader.integer()?;
    if n < 0 {
        return Err(Error::InvalidValue {
            what,
            value: i64::from(n),
            at,
        });
    }
    Ok(n)
}

/// Where `msgAuthenticationParameters`' contents sit in an encoded USM message: the
/// octets the HMAC covers zeroed and then fills in (RFC 3414 §6.3.1).
pub fn auth_params_range(message: &[u8]) -> Result<Range<usize>, Error> {
    let mut outer = Reader::new(message);
    let mut body = outer.sequence()?;
    body.integer()?;
    body.sequence()?;
    let security = body.octets()?;
    let mut params = Reader::new(security).sequence()?;
    params.octets()?;
    params.integer()?;
    params.integer()?;
    params.octets()?;
    let auth = params.octets()?;
    // Both slices borrow `message`, so their distance is an offset into it.
    let start = auth.as_ptr() as usize - message.as_ptr() as usize;
    Ok(start..start + auth.len())
}

#[cfg(test)]
mod tests {
    use smic_smi::oid;

    use super::*;
    use crate::{PduType, VarBind};

    fn sample(flags: u8) -> MessageV3 {
        let params = UsmParams {
            engine_id: b"\x80\x00\x1f\x88\x80engine".to_vec(),
            boots: 7,
            time: 123_456,
            user_name: b"admin".to_vec(),
            auth_params: vec![0; 12],
            priv_params: Vec::new(),
        };
        MessageV3 {
            header: Header {
                msg_id: 77,
                max_size: MAX_SIZE,
                flags: Flags(flags),
                security_model: USM,
            },
            security_parameters: params.encode(),
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: b"\x80\x00\x1f\x88\x80engine".to_vec(),
                context_name: Vec::new(),
                pdu: Pdu {
                    kind: PduType::Get,
                    request_id: 77,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![VarBind::null(oid!(1, 3, 6, 1, 2, 1, 1, 1, 0).clone())],
                },
            }),
        }
    }

    #[test]
    fn round_trips_and_finds_the_auth_parameters() {
        let message = sample(Flags::AUTH | Flags::REPORTABLE);
        let bytes = message.encode();
        assert_eq!(MessageV3::decode(&bytes), Ok(message.clone()));
        assert_eq!(peek_version(&bytes), Ok(3));
        let range = auth_params_range(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(range.len(), 12);
        assert!(bytes[range].iter().all(|b| *b == 0));
        let params = UsmParams::decode(&message.security_parameters);
        assert_eq!(params.map(|p| p.user_name), Ok(b"admin".to_vec()));
    }

    #[test]
    fn refuses_out_of_range_fields() {
        let mut message = sample(0);
        message.header.max_size = 100;
        assert!(MessageV3::decode(&message.encode()).is_err());
        let mut message = sample(0);
        message.header.msg_id = -1;
        assert!(MessageV3::decode(&message.encode()).is_err());
        let long_user = UsmParams {
            user_name: vec![b'u'; 33],
            ..UsmParams::default()
        };
        assert!(UsmParams::decode(&long_user.encode()).is_err());
        assert_eq!(Flags(Flags::PRIV).level(), None);
    }

    #[test]
    fn decrypted_padding_is_ignored() {
        let ScopedPduData::Plaintext(scoped) = sample(0).data else {
            panic!("plaintext sample");
        };
        let mut bytes = scoped.encode();
        bytes.extend_from_slice(&[0; 5]);
        assert_eq!(ScopedPdu::decode_padded(&bytes), Ok(scoped));
    }
}
