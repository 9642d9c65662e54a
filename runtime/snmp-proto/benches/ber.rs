//! BER encode and decode of a 50-varbind response.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smic_smi::{Oid, Value};
use smic_snmp_proto::{AnyPdu, Message, Pdu, PduType, VarBind, Version};

fn response() -> Message {
    let varbinds = (0..50u32)
        .map(|i| VarBind {
            oid: Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 2, 2, 1, 10, i + 1]),
            value: match i % 4 {
                0 => Value::Counter32(i * 1_000_003),
                1 => Value::OctetString(format!("GigabitEthernet0/{i}").into_bytes()),
                2 => Value::Integer(1),
                _ => Value::Counter64(u64::from(i) << 40),
            },
        })
        .collect();
    Message {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::Response,
            request_id: 1234,
            error_status: 0,
            error_index: 0,
            varbinds,
        }),
    }
}

fn ber(c: &mut Criterion) {
    let message = response();
    let bytes = message.encode();
    let mut group = c.benchmark_group("ber 50-varbind response");
    group.throughput(Throughput::Elements(50));
    group.bench_function("encode", |b| b.iter(|| message.encode().len()));
    group.bench_function("decode", |b| {
        b.iter(|| Message::decode(&bytes).map(|m| m.community.len()))
    });
    group.finish();
}

criterion_group!(benches, ber);
criterion_main!(benches);
