//! Arbitrary datagrams through the notification receiver's sans-IO core (community and
//! SNMPv3 paths, reports and acknowledgements). Nothing may panic or allocate without
//! bound; every reply it produces must itself decode.
#![no_main]

use std::sync::Mutex;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use smic_snmp_proto::message::v3::peek_version;
use smic_snmp_proto::notify::{Outcome, ReceiverConfig, ReceiverCore};
use smic_snmp_proto::usm::{AuthProtocol, LocalEngine, PrivProtocol, User};

fn core() -> &'static Mutex<ReceiverCore> {
    static CORE: std::sync::OnceLock<Mutex<ReceiverCore>> = std::sync::OnceLock::new();
    CORE.get_or_init(|| {
        let users = User::new("fuzz")
            .with_auth(AuthProtocol::Sha1, b"fuzz-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Des, b"fuzz-passphrase"))
            .into_iter()
            .collect();
        Mutex::new(ReceiverCore::new(ReceiverConfig {
            communities: vec![b"public".to_vec()],
            users,
            engine: LocalEngine::new(LocalEngine::text_id(8072, "fuzz"), 1, Instant::now()),
        }))
    })
}

fuzz_target!(|data: &[u8]| {
    let from = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
    let Ok(mut core) = core().lock() else {
        return;
    };
    match core.handle(data, from, Instant::now()) {
        Outcome::Deliver(_, Some(reply)) | Outcome::Reply(reply, _) => {
            assert!(peek_version(&reply).is_ok());
        }
        Outcome::Deliver(_, None) => {}
        Outcome::Drop(refused) => {
            // Every refusal explains itself.
            assert!(!refused.to_string().is_empty());
        }
    }
});
