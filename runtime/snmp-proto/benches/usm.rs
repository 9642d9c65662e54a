//! USM costs: password-to-key (once per user), localization (once per engine, cached),
//! and protecting and checking a 50-binding response at each level.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smic_smi::{Oid, Value};
use smic_snmp_proto::message::SecurityLevel;
use smic_snmp_proto::message::v3::{Flags, Header, MAX_SIZE, ScopedPdu, USM, UsmParams};
use smic_snmp_proto::usm::{self, AuthProtocol, PrivProtocol, Salt, User};
use smic_snmp_proto::{Pdu, PduType, VarBind};

const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x04bench-engine";

fn scoped() -> ScopedPdu {
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
    ScopedPdu {
        context_engine_id: ENGINE.to_vec(),
        context_name: Vec::new(),
        pdu: Pdu {
            kind: PduType::Response,
            request_id: 1234,
            error_status: 0,
            error_index: 0,
            varbinds,
        },
    }
}

fn keys(c: &mut Criterion) {
    let mut group = c.benchmark_group("usm-keys");
    for protocol in [AuthProtocol::Md5, AuthProtocol::Sha1, AuthProtocol::Sha256] {
        group.bench_function(format!("password-to-key {protocol}"), |b| {
            b.iter(|| protocol.password_to_key(black_box(b"bench-passphrase")));
        });
    }
    let master = AuthProtocol::Sha1
        .password_to_key(b"bench-passphrase")
        .unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("localize SHA", |b| {
        b.iter(|| master.localize(black_box(ENGINE)));
    });
    group.bench_function("localize AES-256 (Blumenthal) from SHA", |b| {
        b.iter(|| PrivProtocol::Aes256.localize(&master, black_box(ENGINE)));
    });
    group.bench_function("localize AES-256-C (Reeder) from SHA", |b| {
        b.iter(|| PrivProtocol::Aes256Cisco.localize(&master, black_box(ENGINE)));
    });
    let user = User::new("bench")
        .with_auth_key(master.clone())
        .with_privacy_key(PrivProtocol::Aes128, master.clone());
    user.keys(ENGINE);
    group.bench_function("cached keys of a known engine", |b| {
        b.iter(|| user.keys(black_box(ENGINE)));
    });
    group.finish();
}

fn messages(c: &mut Criterion) {
    let scoped = scoped();
    let salt = Salt::new();
    let mut group = c.benchmark_group("usm-messages");
    group.throughput(Throughput::Elements(50));
    let cases = [
        (
            "authNoPriv SHA",
            SecurityLevel::AuthNoPriv,
            AuthProtocol::Sha1,
            PrivProtocol::Aes128,
        ),
        (
            "authPriv SHA/DES",
            SecurityLevel::AuthPriv,
            AuthProtocol::Sha1,
            PrivProtocol::Des,
        ),
        (
            "authPriv SHA/AES-128",
            SecurityLevel::AuthPriv,
            AuthProtocol::Sha1,
            PrivProtocol::Aes128,
        ),
        (
            "authPriv SHA-256/AES-256",
            SecurityLevel::AuthPriv,
            AuthProtocol::Sha256,
            PrivProtocol::Aes256,
        ),
    ];
    for (name, level, auth, privacy) in cases {
        let user = User::new("bench")
            .with_auth(auth, b"bench-passphrase")
            .and_then(|u| u.with_privacy(privacy, b"bench-passphrase"))
            .unwrap_or_else(|e| panic!("{e}"));
        let keys = user.keys(ENGINE);
        let header = Header {
            msg_id: 1234,
            max_size: MAX_SIZE,
            flags: Flags::new(level, false),
            security_model: USM,
        };
        let params = UsmParams {
            engine_id: ENGINE.to_vec(),
            boots: 3,
            time: 12_345,
            user_name: b"bench".to_vec(),
            ..UsmParams::default()
        };
        group.bench_function(format!("protect {name}"), |b| {
            b.iter(|| usm::protect(header, params.clone(), &keys, black_box(&scoped), &salt));
        });
        let bytes = usm::protect(header, params.clone(), &keys, &scoped, &salt)
            .unwrap_or_else(|e| panic!("{e}"));
        group.bench_function(format!("check {name}"), |b| {
            b.iter(|| {
                let incoming = usm::decode(black_box(&bytes)).unwrap_or_else(|e| panic!("{e}"));
                incoming
                    .authenticate(&bytes, &keys)
                    .unwrap_or_else(|e| panic!("{e}"));
                incoming.scoped_pdu(&keys)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, keys, messages);
criterion_main!(benches);
