//! Messages against bytes net-snmp 5.9 sent (captured with `snmpget -d`, `snmptrap -d`,
//! `snmpbulkget -d`), round trips of every value type, and malformed input of every kind.

use smic_smi::{Oid, Value};
use smic_snmp_proto::ber::{Error, MAX_DEPTH, Reader, Writer};
use smic_snmp_proto::{AnyPdu, Message, Pdu, PduType, TrapV1, VarBind, Version};

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap_or_else(|_| panic!("bad hex {b}")))
        .collect()
}

fn oid(text: &str) -> Oid {
    text.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn pdu(message: &Message) -> &Pdu {
    match &message.pdu {
        AnyPdu::Pdu(pdu) => pdu,
        AnyPdu::TrapV1(_) => panic!("expected a PDU, got a v1 trap"),
    }
}

/// `snmpget -v2c -c public 127.0.0.1 1.3.6.1.2.1.1.1.0`
const NETSNMP_GET: &str = "30 29 02 01 01 04 06 70 75 62 6C 69 63 A0 1C 02 04 2E 7C FF 24 02 01 00 02 01 00 30 0E 30 0C 06 08 2B 06 01 02 01 01 01 00 05 00";
/// `snmptrap -v1 -c public 127.0.0.1 1.3.6.1.4.1.8072 127.0.0.2 6 17 12345 1.3.6.1.2.1.1.5.0 s hi`
const NETSNMP_TRAP_V1: &str = "30 38 02 01 00 04 06 70 75 62 6C 69 63 A4 2B 06 07 2B 06 01 04 01 BF 08 40 04 7F 00 00 02 02 01 06 02 01 11 43 02 30 39 30 10 30 0E 06 08 2B 06 01 02 01 01 05 00 04 02 68 69";
/// `snmpbulkget -v2c -c public -Cn1 -Cr10 127.0.0.1 1.3.6.1.2.1.1 1.3.6.1.2.1.2`
const NETSNMP_BULK: &str = "30 33 02 01 01 04 06 70 75 62 6C 69 63 A5 26 02 04 0F 63 8B DA 02 01 01 02 01 0A 30 18 30 0A 06 06 2B 06 01 02 01 01 05 00 30 0A 06 06 2B 06 01 02 01 02 05 00";

#[test]
fn decodes_and_reencodes_netsnmp_requests_byte_for_byte() {
    for text in [NETSNMP_GET, NETSNMP_TRAP_V1, NETSNMP_BULK] {
        let bytes = hex(text);
        let message = Message::decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(message.encode(), bytes, "re-encoding differs");
    }
    let get = Message::decode(&hex(NETSNMP_GET)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(get.version, Version::V2c);
    assert_eq!(get.community, b"public");
    let p = pdu(&get);
    assert_eq!((p.kind, p.request_id), (PduType::Get, 0x2e7c_ff24));
    assert_eq!(p.varbinds, [VarBind::null(oid("1.3.6.1.2.1.1.1.0"))]);

    let bulk = Message::decode(&hex(NETSNMP_BULK)).unwrap_or_else(|e| panic!("{e}"));
    let p = pdu(&bulk);
    assert_eq!(
        (p.kind, p.error_status, p.error_index),
        (PduType::GetBulk, 1, 10)
    );

    let trap = Message::decode(&hex(NETSNMP_TRAP_V1)).unwrap_or_else(|e| panic!("{e}"));
    let AnyPdu::TrapV1(trap) = trap.pdu else {
        panic!("not a trap")
    };
    assert_eq!(trap.enterprise, oid("1.3.6.1.4.1.8072"));
    assert_eq!(
        (
            trap.agent_addr,
            trap.generic_trap,
            trap.specific_trap,
            trap.time_stamp
        ),
        ([127, 0, 0, 2], 6, 17, 12345)
    );
    assert_eq!(trap.varbinds[0].value, Value::OctetString(b"hi".to_vec()));
}

#[test]
fn every_value_type_round_trips() {
    let values = [
        Value::Integer(0),
        Value::Integer(-1),
        Value::Integer(i32::MIN),
        Value::Integer(i32::MAX),
        Value::OctetString(Vec::new()),
        Value::OctetString(vec![0xff; 300]),
        Value::Null,
        Value::ObjectIdentifier(oid("0.0")),
        Value::ObjectIdentifier(oid("2.999.4294967295")),
        Value::IpAddress([192, 0, 2, 1]),
        Value::Counter32(u32::MAX),
        Value::Gauge32(0x80),
        Value::TimeTicks(4_294_967_295),
        Value::Opaque(vec![0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0]),
        Value::Counter64(u64::MAX),
        Value::Counter64(0),
        Value::NoSuchObject,
        Value::NoSuchInstance,
        Value::EndOfMibView,
    ];
    let varbinds: Vec<VarBind> = values
        .iter()
        .enumerate()
        .map(|(i, v)| VarBind {
            oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 99999, i as u32]),
            value: v.clone(),
        })
        .collect();
    let message = Message {
        version: Version::V2c,
        community: b"c".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::Response,
            request_id: -5,
            error_status: 0,
            error_index: 0,
            varbinds,
        }),
    };
    let bytes = message.encode();
    assert_eq!(Message::decode(&bytes), Ok(message));
}

#[test]
fn v1_trap_round_trips() {
    let message = Message {
        version: Version::V1,
        community: b"public".to_vec(),
        pdu: AnyPdu::TrapV1(TrapV1 {
            enterprise: oid("1.3.6.1.4.1.8072"),
            agent_addr: [10, 0, 0, 1],
            generic_trap: 2,
            specific_trap: 0,
            time_stamp: 99,
            varbinds: vec![VarBind {
                oid: oid("1.3.6.1.2.1.2.2.1.1.3"),
                value: Value::Integer(3),
            }],
        }),
    };
    assert_eq!(Message::decode(&message.encode()), Ok(message));
}

fn rejects(bytes: &[u8]) -> Error {
    match Message::decode(bytes) {
        Ok(message) => panic!("accepted {bytes:02x?} as {message:?}"),
        Err(err) => err,
    }
}

#[test]
fn rejects_truncated_packets_at_every_length() {
    let bytes = hex(NETSNMP_GET);
    for len in 0..bytes.len() {
        rejects(&bytes[..len]);
    }
}

#[test]
fn rejects_trailing_bytes_and_wrong_lengths() {
    let mut bytes = hex(NETSNMP_GET);
    bytes.push(0);
    assert!(matches!(rejects(&bytes), Error::TrailingBytes { .. }));
    let mut bytes = hex(NETSNMP_GET);
    bytes[1] = 0x80; // indefinite length
    assert!(matches!(rejects(&bytes), Error::BadLength { .. }));
    let mut bytes = hex(NETSNMP_GET);
    bytes[1] = 0x28; // one short: the inner element overruns its container
    rejects(&bytes);
}

#[test]
fn huge_lengths_never_allocate() {
    // A four-byte length of 4 GiB - 1 on a 10-byte datagram.
    let bytes = [0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00, 0x00];
    assert!(matches!(rejects(&bytes), Error::Truncated { .. }));
    // Five length bytes are more than any datagram needs.
    let bytes = [0x30, 0x85, 0, 0, 0, 0, 1, 0];
    assert!(matches!(rejects(&bytes), Error::BadLength { .. }));
}

#[test]
fn rejects_oversized_and_malformed_integers() {
    let mut w = Writer::new();
    w.integer(i64::from(i32::MAX) + 1);
    let bytes = w.into_bytes();
    assert!(matches!(
        Reader::new(&bytes).integer(),
        Err(Error::BadInteger { .. })
    ));
    for bad in [
        &[0x02, 0x00][..],
        &[0x41, 0x05, 0x01, 0, 0, 0, 0],
        &[0x41, 0x01, 0xff],
        &[0x46, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    ] {
        assert!(Reader::new(bad).value().is_err(), "{bad:02x?} accepted");
    }
}

#[test]
fn rejects_deep_nesting() {
    // 1000 nested SEQUENCEs around an INTEGER.
    let mut bytes = vec![0x02, 0x01, 0x00];
    for _ in 0..1000 {
        let mut outer = vec![0x30];
        let len = bytes.len();
        if len < 0x80 {
            outer.push(len as u8);
        } else {
            outer.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        outer.extend(bytes);
        bytes = outer;
    }
    let mut reader = Reader::new(&bytes);
    let mut depth = 0;
    let err = loop {
        match reader.sequence() {
            Ok(inner) => {
                reader = inner;
                depth += 1;
            }
            Err(err) => break err,
        }
    };
    assert_eq!(depth, MAX_DEPTH);
    assert!(matches!(err, Error::TooDeep { .. }));
}

#[test]
fn rejects_bad_object_identifiers() {
    let encode = |arcs: Vec<u32>| {
        let mut w = Writer::new();
        w.oid(&Oid::from_vec(arcs));
        w.into_bytes()
    };
    // 200 arcs: more than the 128 RFC 2578 allows.
    let long = encode((0..200).map(|i| i % 100).collect());
    assert!(matches!(
        Reader::new(&long).oid(),
        Err(Error::BadOid { .. })
    ));
    // An arc of 2^32: five 7-bit groups, 0x10 0x80 0x80 0x80 0x00.
    let big = [0x06, 0x06, 0x2b, 0x90, 0x80, 0x80, 0x80, 0x00];
    assert!(matches!(Reader::new(&big).oid(), Err(Error::BadOid { .. })));
    // A sub-identifier cut short, an empty OID, a padded sub-identifier.
    for bad in [
        &[0x06, 0x02, 0x2b, 0x86][..],
        &[0x06, 0x00],
        &[0x06, 0x03, 0x2b, 0x80, 0x01],
    ] {
        assert!(
            matches!(Reader::new(bad).oid(), Err(Error::BadOid { .. })),
            "{bad:02x?}"
        );
    }
    // 128 arcs is fine.
    let max = encode((0..128).map(|i| i % 100 + 1).collect());
    assert_eq!(Reader::new(&max).oid().map(|o| o.len()), Ok(128));
}

#[test]
fn rejects_version_and_pdu_mismatches() {
    let mut bytes = hex(NETSNMP_GET);
    bytes[4] = 3; // version 3 is not community-based
    assert!(matches!(
        rejects(&bytes),
        Error::InvalidValue {
            what: "version",
            ..
        }
    ));
    let mut bytes = hex(NETSNMP_BULK);
    bytes[4] = 0; // GetBulk in an SNMPv1 message
    assert!(matches!(rejects(&bytes), Error::InvalidValue { .. }));
    let mut bytes = hex(NETSNMP_TRAP_V1);
    bytes[4] = 1; // v1 Trap-PDU in SNMPv2c
    assert!(matches!(rejects(&bytes), Error::InvalidValue { .. }));
    let mut bytes = hex(NETSNMP_GET);
    bytes[13] = 0xa9; // no such PDU
    assert!(matches!(rejects(&bytes), Error::UnknownTag { .. }));
}

#[test]
fn random_bytes_never_panic() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let seed = hex(NETSNMP_GET);
    for round in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bytes = seed.clone();
        let at = (state as usize) % bytes.len();
        bytes[at] ^= (state >> 32) as u8;
        if round % 3 == 0 {
            bytes.truncate((state >> 40) as usize % (bytes.len() + 1));
        }
        if let Ok(message) = Message::decode(&bytes) {
            assert_eq!(
                Message::decode(&message.encode()),
                Ok(message),
                "round {round}"
            );
        }
    }
}
