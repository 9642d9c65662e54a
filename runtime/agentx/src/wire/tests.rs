//! The codec against PDUs laid out by hand from RFC 2741 §5 and §6, in both byte
//! orders; refusals of bad input; round trips of arbitrary PDUs.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use smic_smi::{Oid, Value};
use smic_snmp::message::VarBind;

use super::*;

fn oid(text: &str) -> Oid {
    text.parse().unwrap()
}

/// A header laid out by hand: version 1, type, flags, reserved, then the IDs and the
/// payload length in the order the flags say.
fn header(kind: u8, flags: u8, ids: [u32; 3], len: u32) -> Vec<u8> {
    let mut out = vec![1, kind, flags, 0];
    let big = flags & 0x10 != 0;
    for n in [ids[0], ids[1], ids[2], len] {
        out.extend_from_slice(&if big {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        });
    }
    out
}

fn word(n: u32, big: bool) -> [u8; 4] {
    if big {
        n.to_be_bytes()
    } else {
        n.to_le_bytes()
    }
}

/// The Open of `1.3.6.1.4.1.99999` ("abc", 5 s) laid out by hand.
fn open_bytes(big: bool) -> Vec<u8> {
    let mut payload = vec![5, 0, 0, 0];
    // OID: n_subid 2, prefix 4 (1.3.6.1.4), include 0, reserved; then 1 and 99999.
    payload.extend_from_slice(&[2, 4, 0, 0]);
    payload.extend_from_slice(&word(1, big));
    payload.extend_from_slice(&word(99999, big));
    // Octet string: length 3, "abc", one byte of padding.
    payload.extend_from_slice(&word(3, big));
    payload.extend_from_slice(b"abc\0");
    let flags = if big { 0x10 } else { 0 };
    let mut out = header(1, flags, [0, 0, 7], payload.len() as u32);
    out.extend_from_slice(&payload);
    out
}

fn open_pdu(order: ByteOrder) -> Pdu {
    Pdu {
        packet_id: 7,
        byte_order: order,
        ..Pdu::new(
            0,
            0,
            7,
            Body::Open(Open {
                timeout: 5,
                id: oid("1.3.6.1.4.1.99999"),
                descr: b"abc".to_vec(),
            }),
        )
    }
}

#[test]
fn open_in_both_byte_orders() {
    for (big, order) in [(true, ByteOrder::Big), (false, ByteOrder::Little)] {
        let bytes = open_bytes(big);
        assert_eq!(bytes.len(), 20 + 24);
        assert_eq!(Pdu::decode(&bytes), Ok(open_pdu(order)));
        assert_eq!(open_pdu(order).encode().unwrap(), bytes);
    }
    // The two orders differ exactly in their multi-byte fields.
    assert_ne!(open_bytes(true), open_bytes(false));
}

#[test]
fn header_fields_and_flags() {
    let bytes = header(5, 0x08 | 0x01, [0x0102_0304, 9, 10], 0);
    let h = Header::decode(&bytes).unwrap();
    assert_eq!(h.byte_order(), ByteOrder::Little);
    assert_eq!(h.session_id, 0x0102_0304);
    assert_eq!((h.transaction_id, h.packet_id), (9, 10));
    assert!(h.flags.contains(Flags::NON_DEFAULT_CONTEXT));
    assert!(h.flags.contains(Flags::INSTANCE_REGISTRATION));
    assert_eq!(h.pdu_type(), Some(PduType::Get));
    let big = header(5, 0x10, [0x0102_0304, 0, 0], 0);
    assert_eq!(&big[4..8], &[1, 2, 3, 4]);
    assert_eq!(Header::decode(&big).unwrap().session_id, 0x0102_0304);
}

/// GetNext in context "ctx" with two ranges: the first includes its start and ends,
/// the second is unbounded; little-endian, as net-snmp on x86 sends.
#[test]
fn get_next_with_context_and_ranges() {
    for big in [false, true] {
        let mut payload = Vec::new();
        payload.extend_from_slice(&word(3, big));
        payload.extend_from_slice(b"ctx\0");
        // start 1.3.6.1.2.1.1 (prefix 2, arcs 1 1), include 1; end 1.3.6.1.2.1.2.
        payload.extend_from_slice(&[2, 2, 1, 0]);
        payload.extend_from_slice(&word(1, big));
        payload.extend_from_slice(&word(1, big));
        payload.extend_from_slice(&[2, 2, 0, 0]);
        payload.extend_from_slice(&word(1, big));
        payload.extend_from_slice(&word(2, big));
        // start 1.2 (no prefix), end null.
        payload.extend_from_slice(&[2, 0, 0, 0]);
        payload.extend_from_slice(&word(1, big));
        payload.extend_from_slice(&word(2, big));
        payload.extend_from_slice(&[0, 0, 0, 0]);
        let flags = 0x08 | if big { 0x10 } else { 0 };
        let mut bytes = header(6, flags, [3, 4, 5], payload.len() as u32);
        bytes.extend_from_slice(&payload);
        let pdu = Pdu::decode(&bytes).unwrap();
        let expected = Pdu {
            session_id: 3,
            transaction_id: 4,
            packet_id: 5,
            byte_order: if big {
                ByteOrder::Big
            } else {
                ByteOrder::Little
            },
            flags: Flags::NONE,
            context: Some(b"ctx".to_vec()),
            body: Body::GetNext(vec![
                SearchRange {
                    start: oid("1.3.6.1.2.1.1"),
                    include: true,
                    end: oid("1.3.6.1.2.1.2"),
                },
                SearchRange {
                    start: oid("1.2"),
                    include: false,
                    end: Oid::default(),
                },
            ]),
        };
        assert_eq!(pdu, expected);
        assert_eq!(expected.encode().unwrap(), bytes);
    }
}

/// A Response carrying a binding of every value type, laid out by hand.
#[test]
fn response_with_every_value_type() {
    for big in [true, false] {
        let name = |payload: &mut Vec<u8>, kind: u16, last: u32| {
            let k = if big {
                kind.to_be_bytes()
            } else {
                kind.to_le_bytes()
            };
            payload.extend_from_slice(&k);
            payload.extend_from_slice(&[0, 0]);
            // 1.3.6.1.4.1.<last>: prefix 4, arcs 1 and last.
            payload.extend_from_slice(&[2, 4, 0, 0]);
            payload.extend_from_slice(&word(1, big));
            payload.extend_from_slice(&word(last, big));
        };
        let mut p = Vec::new();
        p.extend_from_slice(&word(4242, big));
        p.extend_from_slice(&if big {
            5u16.to_be_bytes()
        } else {
            5u16.to_le_bytes()
        });
        p.extend_from_slice(&if big {
            2u16.to_be_bytes()
        } else {
            2u16.to_le_bytes()
        });
        name(&mut p, 2, 1);
        p.extend_from_slice(&word((-7i32) as u32, big));
        name(&mut p, 4, 2);
        p.extend_from_slice(&word(5, big));
        p.extend_from_slice(b"hello\0\0\0");
        name(&mut p, 5, 3);
        name(&mut p, 6, 4);
        p.extend_from_slice(&[3, 0, 0, 0]);
        for arc in [1, 3, 999] {
            p.extend_from_slice(&word(arc, big));
        }
        name(&mut p, 64, 5);
        p.extend_from_slice(&word(4, big));
        p.extend_from_slice(&[127, 0, 0, 1]);
        name(&mut p, 65, 6);
        p.extend_from_slice(&word(65, big));
        name(&mut p, 66, 7);
        p.extend_from_slice(&word(66, big));
        name(&mut p, 67, 8);
        p.extend_from_slice(&word(67, big));
        name(&mut p, 68, 9);
        p.extend_from_slice(&word(4, big));
        p.extend_from_slice(&[0x9f, 0x78, 1, 2]);
        name(&mut p, 70, 10);
        let c64 = 0x0102_0304_0506_0708u64;
        p.extend_from_slice(&if big {
            c64.to_be_bytes()
        } else {
            c64.to_le_bytes()
        });
        name(&mut p, 128, 11);
        name(&mut p, 129, 12);
        name(&mut p, 130, 13);
        let flags = if big { 0x10 } else { 0 };
        let mut bytes = header(18, flags, [1, 2, 3], p.len() as u32);
        bytes.extend_from_slice(&p);
        let values = [
            Value::Integer(-7),
            Value::OctetString(b"hello".to_vec()),
            Value::Null,
            Value::ObjectIdentifier(oid("1.3.999")),
            Value::IpAddress([127, 0, 0, 1]),
            Value::Counter32(65),
            Value::Gauge32(66),
            Value::TimeTicks(67),
            Value::Opaque(vec![0x9f, 0x78, 1, 2]),
            Value::Counter64(c64),
            Value::NoSuchObject,
            Value::NoSuchInstance,
            Value::EndOfMibView,
        ];
        let varbinds = values
            .into_iter()
            .enumerate()
            .map(|(i, value)| VarBind {
                oid: oid(&format!("1.3.6.1.4.1.{}", i + 1)),
                value,
            })
            .collect();
        let expected = Pdu {
            byte_order: if big {
                ByteOrder::Big
            } else {
                ByteOrder::Little
            },
            ..Pdu::new(
                1,
                2,
                3,
                Body::Response(Response {
                    sys_up_time: 4242,
                    error: ResponseError::GEN_ERR,
                    index: 2,
                    varbinds,
                }),
            )
        };
        assert_eq!(Pdu::decode(&bytes), Ok(expected.clone()));
        assert_eq!(expected.encode().unwrap(), bytes);
    }
}

/// A range registration (`1.3.6.1.2.1.2.2.1.[1-22].7`: arc 10 runs to 22) of one
/// instance, little-endian, and its Unregister.
#[test]
fn range_registration_and_unregister() {
    let big = false;
    let mut p = vec![30, 100, 10, 0];
    // 1.3.6.1.2.1.2.2.1.1.7: prefix 2, six arcs.
    p.extend_from_slice(&[6, 2, 0, 0]);
    for arc in [1, 2, 2, 1, 1, 7] {
        p.extend_from_slice(&word(arc, big));
    }
    p.extend_from_slice(&word(22, big));
    let mut bytes = header(3, 0x01, [9, 0, 1], p.len() as u32);
    bytes.extend_from_slice(&p);
    let range = Some(Range {
        subid: 10,
        upper_bound: 22,
    });
    let expected = Pdu {
        byte_order: ByteOrder::Little,
        flags: Flags::INSTANCE_REGISTRATION,
        ..Pdu::new(
            9,
            0,
            1,
            Body::Register(Register {
                timeout: 30,
                priority: 100,
                subtree: oid("1.3.6.1.2.1.2.2.1.1.7"),
                range,
            }),
        )
    };
    assert_eq!(Pdu::decode(&bytes), Ok(expected.clone()));
    assert_eq!(expected.encode().unwrap(), bytes);

    let unregister = Pdu {
        byte_order: ByteOrder::Little,
        ..Pdu::new(
            9,
            0,
            2,
            Body::Unregister(Unregister {
                priority: 100,
                subtree: oid("1.3.6.1.2.1.2.2.1.1.7"),
                range,
            }),
        )
    };
    let bytes = unregister.encode().unwrap();
    assert_eq!(&bytes[20..24], &[0, 100, 10, 0]);
    assert_eq!(Pdu::decode(&bytes), Ok(unregister));
}

#[test]
fn pdus_without_payload_and_close() {
    for (kind, body) in [
        (9, Body::CommitSet),
        (10, Body::UndoSet),
        (11, Body::CleanupSet),
        (13, Body::Ping),
    ] {
        let bytes = header(kind, 0x10, [1, 2, 3], 0);
        assert_eq!(Pdu::decode(&bytes), Ok(Pdu::new(1, 2, 3, body)));
    }
    let mut close = header(2, 0, [1, 0, 4], 4);
    close.extend_from_slice(&[5, 0, 0, 0]);
    let pdu = Pdu::decode(&close).unwrap();
    assert_eq!(pdu.body, Body::Close(CloseReason::SHUTDOWN));
    assert_eq!(pdu.encode().unwrap(), close);
}

#[test]
fn an_empty_octet_string_and_null_oid() {
    let pdu = Pdu::new(
        0,
        0,
        1,
        Body::Open(Open {
            timeout: 0,
            id: Oid::default(),
            descr: Vec::new(),
        }),
    );
    let bytes = pdu.encode().unwrap();
    assert_eq!(&bytes[20..], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(Pdu::decode(&bytes), Ok(pdu));
}

#[test]
fn refusals() {
    let good = open_bytes(false);
    assert_eq!(Pdu::decode(&good[..10]), Err(DecodeError::ShortHeader(10)));
    let mut v2 = good.clone();
    v2[0] = 2;
    assert_eq!(Pdu::decode(&v2), Err(DecodeError::UnsupportedVersion(2)));
    let mut unknown = good.clone();
    unknown[1] = 19;
    assert_eq!(Pdu::decode(&unknown), Err(DecodeError::UnknownType(19)));
    let mut zero = good.clone();
    zero[1] = 0;
    assert_eq!(Pdu::decode(&zero), Err(DecodeError::UnknownType(0)));
    // A payload length that lies, either way.
    assert!(matches!(
        Pdu::decode(&good[..good.len() - 4]),
        Err(DecodeError::PayloadLength {
            declared: 24,
            present: 20
        })
    ));
    let mut misaligned = good.clone();
    misaligned[16] = 25;
    assert_eq!(Pdu::decode(&misaligned), Err(DecodeError::Misaligned(25)));
    // Four bytes more than an Open holds, announced by the header.
    let mut trailing = good.clone();
    trailing[16] = 28;
    trailing.extend_from_slice(&[0; 4]);
    assert_eq!(
        Pdu::decode(&trailing),
        Err(DecodeError::TrailingBytes { at: 44, count: 4 })
    );
    // An octet string whose length is far beyond the payload.
    let mut lying = good.clone();
    lying[36..40].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(Pdu::decode(&lying), Err(DecodeError::Truncated(36)));
    // An OID of 200 sub-identifiers (there are not even the bytes).
    let mut long = good.clone();
    long[24] = 200;
    long[25] = 0;
    assert_eq!(
        Pdu::decode(&long),
        Err(DecodeError::OidTooLong { at: 24, arcs: 200 })
    );
    // With a prefix, 124 arcs make 129.
    long[24] = 124;
    long[25] = 4;
    assert!(matches!(
        Pdu::decode(&long),
        Err(DecodeError::OidTooLong { arcs: 129, .. })
    ));
    // A context on a PDU type that has none.
    let mut context = good.clone();
    context[2] |= 0x08;
    assert_eq!(
        Pdu::decode(&context),
        Err(DecodeError::ContextNotAllowed(PduType::Open))
    );
    // An unknown value type and an IpAddress of 5 bytes.
    let mut vb = header(12, 0, [1, 0, 1], 8);
    vb.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        Pdu::decode(&vb),
        Err(DecodeError::UnknownValueType { at: 20, kind: 3 })
    );
    let mut ip = header(12, 0, [1, 0, 1], 20);
    ip.extend_from_slice(&[64, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0]);
    assert_eq!(
        Pdu::decode(&ip),
        Err(DecodeError::BadIpAddress { at: 28, len: 5 })
    );
    // A range past the end of its subtree.
    let mut range = header(3, 0, [1, 0, 1], 16);
    range.extend_from_slice(&[0, 127, 3, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(
        Pdu::decode(&range),
        Err(DecodeError::BadRange { subid: 3, arcs: 2 })
    );
}

#[test]
fn encoding_refuses_what_cannot_travel() {
    let mut pdu = open_pdu(ByteOrder::Big);
    pdu.context = Some(b"x".to_vec());
    assert_eq!(
        pdu.encode(),
        Err(EncodeError::ContextNotAllowed(PduType::Open))
    );
    let long = Pdu::new(
        1,
        0,
        1,
        Body::RemoveAgentCaps {
            id: Oid::from_vec(vec![7; 129]),
        },
    );
    assert_eq!(long.encode(), Err(EncodeError::OidTooLong(129)));
    let range = Pdu::new(
        1,
        0,
        1,
        Body::Register(Register {
            timeout: 0,
            priority: 127,
            subtree: oid("1.3"),
            range: Some(Range {
                subid: 3,
                upper_bound: 9,
            }),
        }),
    );
    assert_eq!(
        range.encode(),
        Err(EncodeError::BadRange { subid: 3, arcs: 2 })
    );
}

#[test]
fn the_framer_cuts_a_stream_anywhere() {
    let mut stream = open_bytes(false);
    stream.extend_from_slice(&header(13, 0x10, [1, 2, 3], 0));
    stream.extend_from_slice(&open_bytes(true));
    for split in 0..stream.len() {
        let mut framer = Framer::new(1024);
        let mut frames = Vec::new();
        for chunk in [&stream[..split], &stream[split..]] {
            framer.push(chunk);
            while let Some(frame) = framer.next_frame().unwrap() {
                frames.push(frame.decode().unwrap());
            }
        }
        assert_eq!(
            frames,
            vec![
                open_pdu(ByteOrder::Little),
                Pdu::new(1, 2, 3, Body::Ping),
                open_pdu(ByteOrder::Big)
            ],
            "split at {split}"
        );
        assert_eq!(framer.buffered(), 0);
    }
}

#[test]
fn the_framer_refuses_a_long_payload_from_its_header() {
    let mut framer = Framer::new(16);
    // 20 header bytes announcing 1 GiB: refused with nothing of the payload held.
    framer.push(&header(12, 0x10, [1, 0, 1], 1 << 30));
    assert_eq!(framer.wanted(), 0);
    match framer.next_frame() {
        Err(FrameError::TooLong { length, max, .. }) => assert_eq!((length, max), (1 << 30, 16)),
        other => panic!("{other:?}"),
    }
    assert_eq!(framer.buffered(), 20);
    // Until the header is in, the framer asks for it.
    let mut framer = Framer::new(16);
    framer.push(&[1, 5]);
    assert_eq!(framer.wanted(), 18);
    assert_eq!(framer.next_frame(), Ok(None));
    let mut bad = Framer::new(16);
    bad.push(&header(5, 0, [0, 0, 0], 3));
    assert_eq!(
        bad.next_frame(),
        Err(FrameError::Header(DecodeError::Misaligned(3)))
    );
    // An unknown type is framed; only decoding refuses it.
    let mut unknown = Framer::new(16);
    unknown.push(&header(99, 0, [1, 2, 3], 4));
    unknown.push(&[0; 4]);
    let frame = unknown.next_frame().unwrap().unwrap();
    assert_eq!(frame.header.packet_id, 3);
    assert_eq!(frame.decode(), Err(DecodeError::UnknownType(99)));
}

// ------------------------------------------------------------------ round trips

fn arb_oid() -> impl Strategy<Value = Oid> {
    prop_oneof![
        prop::collection::vec(any::<u32>(), 0..12).prop_map(Oid::from_vec),
        (0u32..300, prop::collection::vec(any::<u32>(), 0..8)).prop_map(|(x, rest)| {
            let mut arcs = vec![1, 3, 6, 1, x];
            arcs.extend(rest);
            Oid::from_vec(arcs)
        }),
        Just(Oid::from_vec(vec![5; 128])),
    ]
}

fn arb_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..13)
}

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        arb_bytes().prop_map(Value::OctetString),
        Just(Value::Null),
        arb_oid().prop_map(Value::ObjectIdentifier),
        any::<[u8; 4]>().prop_map(Value::IpAddress),
        any::<u32>().prop_map(Value::Counter32),
        any::<u32>().prop_map(Value::Gauge32),
        any::<u32>().prop_map(Value::TimeTicks),
        arb_bytes().prop_map(Value::Opaque),
        any::<u64>().prop_map(Value::Counter64),
        Just(Value::NoSuchObject),
        Just(Value::NoSuchInstance),
        Just(Value::EndOfMibView),
    ]
}

fn arb_varbinds() -> impl Strategy<Value = Vec<VarBind>> {
    prop::collection::vec(
        (arb_oid(), arb_value()).prop_map(|(oid, value)| VarBind { oid, value }),
        0..5,
    )
}

fn arb_ranges() -> impl Strategy<Value = Vec<SearchRange>> {
    prop::collection::vec(
        (arb_oid(), any::<bool>(), arb_oid()).prop_map(|(start, include, end)| SearchRange {
            start,
            include,
            end,
        }),
        0..4,
    )
}

/// A subtree and, sometimes, a range within it.
fn arb_subtree() -> impl Strategy<Value = (Oid, Option<Range>)> {
    (arb_oid(), any::<u8>(), any::<u32>()).prop_map(|(subtree, subid, upper_bound)| {
        let range = (!subtree.is_empty() && subid % 2 == 0).then(|| Range {
            subid: 1 + subid % u8::try_from(subtree.len().min(255)).unwrap_or(255),
            upper_bound,
        });
        (subtree, range)
    })
}

fn arb_body() -> impl Strategy<Value = Body> {
    prop_oneof![
        (any::<u8>(), arb_oid(), arb_bytes()).prop_map(|(timeout, id, descr)| Body::Open(Open {
            timeout,
            id,
            descr
        })),
        any::<u8>().prop_map(|r| Body::Close(CloseReason(r))),
        (any::<u8>(), any::<u8>(), arb_subtree()).prop_map(
            |(timeout, priority, (subtree, range))| {
                Body::Register(Register {
                    timeout,
                    priority,
                    subtree,
                    range,
                })
            }
        ),
        (any::<u8>(), arb_subtree()).prop_map(|(priority, (subtree, range))| {
            Body::Unregister(Unregister {
                priority,
                subtree,
                range,
            })
        }),
        arb_ranges().prop_map(Body::Get),
        arb_ranges().prop_map(Body::GetNext),
        (any::<u16>(), any::<u16>(), arb_ranges()).prop_map(|(n, m, ranges)| {
            Body::GetBulk(GetBulk {
                non_repeaters: n,
                max_repetitions: m,
                ranges,
            })
        }),
        arb_varbinds().prop_map(Body::TestSet),
        Just(Body::CommitSet),
        Just(Body::UndoSet),
        Just(Body::CleanupSet),
        arb_varbinds().prop_map(Body::Notify),
        Just(Body::Ping),
        arb_varbinds().prop_map(Body::IndexAllocate),
        arb_varbinds().prop_map(Body::IndexDeallocate),
        (arb_oid(), arb_bytes()).prop_map(|(id, descr)| Body::AddAgentCaps { id, descr }),
        arb_oid().prop_map(|id| Body::RemoveAgentCaps { id }),
        (any::<u32>(), any::<u16>(), any::<u16>(), arb_varbinds()).prop_map(
            |(sys_up_time, error, index, varbinds)| Body::Response(Response {
                sys_up_time,
                error: ResponseError(error),
                index,
                varbinds,
            })
        ),
    ]
}

fn arb_pdu() -> impl Strategy<Value = Pdu> {
    (
        any::<[u32; 3]>(),
        any::<bool>(),
        0u8..8,
        prop::option::of(arb_bytes()),
        arb_body(),
    )
        .prop_map(|(ids, big, flags, context, body)| Pdu {
            session_id: ids[0],
            transaction_id: ids[1],
            packet_id: ids[2],
            byte_order: if big {
                ByteOrder::Big
            } else {
                ByteOrder::Little
            },
            flags: Flags::from_bits(flags),
            context: context.filter(|_| body.pdu_type().has_context()),
            body,
        })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_pdu_round_trips(pdu in arb_pdu()) {
        let bytes = pdu.encode().unwrap();
        prop_assert_eq!(bytes.len() % 4, 0);
        prop_assert_eq!(Pdu::decode(&bytes), Ok(pdu.clone()));
        // Through the framer too, byte by byte.
        let mut framer = Framer::new(1 << 20);
        let mut got = None;
        for b in &bytes {
            prop_assert!(got.is_none());
            framer.push(std::slice::from_ref(b));
            got = framer.next_frame().unwrap();
        }
        prop_assert_eq!(got.map(|f| f.decode()), Some(Ok(pdu)));
    }

    #[test]
    fn no_bytes_panic_the_decoder(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = Pdu::decode(&bytes);
        let mut framer = Framer::new(64);
        framer.push(&bytes);
        while let Ok(Some(frame)) = framer.next_frame() {
            let _ = frame.decode();
        }
    }

    #[test]
    fn truncations_and_flips_never_panic(pdu in arb_pdu(), cut in any::<prop::sample::Index>(), flip in any::<(prop::sample::Index, u8)>()) {
        let bytes = pdu.encode().unwrap();
        let at = cut.index(bytes.len());
        prop_assert!(Pdu::decode(&bytes[..at]).is_err());
        let mut flipped = bytes.clone();
        let i = flip.0.index(flipped.len());
        flipped[i] ^= flip.1;
        let _ = Pdu::decode(&flipped);
    }
}
