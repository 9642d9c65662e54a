//! Arbitrary datagrams along the trap daemon's whole path: the receiver, the record
//! (names and values through the MIBs), an SQLite store, and the row read back. Nothing
//! may panic; whatever is delivered is stored, and what is read back is what was
//! meant to be stored — every byte of the raw message and of each value (non-UTF-8
//! strings, 60 KB values, thousands of varbinds included).
#![no_main]

use std::sync::{Mutex, OnceLock};
use std::time::{Instant, SystemTime};

use libfuzzer_sys::fuzz_target;
use smic_smi::Registry;
use smic_snmp::notify::{Outcome, ReceiverConfig, ReceiverCore};
use smic_snmp::usm::{AuthProtocol, LocalEngine, User};
use smic_store::{Database, Query, Store, StoreConfig, Stored};
use smic_trapd::Arrival;

struct Harness {
    runtime: tokio::runtime::Runtime,
    store: Store,
    core: Mutex<ReceiverCore>,
    registry: Registry,
    _dir: std::path::PathBuf,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = std::env::temp_dir().join(format!("smic-fuzz-trapd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let database = Database::Sqlite(dir.join("traps.sqlite"));
        let store = runtime
            .block_on(Store::open(StoreConfig::new(database)))
            .expect("store");
        let users = User::new("fuzz")
            .with_auth(AuthProtocol::Sha1, b"fuzz-passphrase")
            .into_iter()
            .collect();
        let core = Mutex::new(ReceiverCore::new(ReceiverConfig {
            communities: vec![b"public".to_vec()],
            users,
            engine: LocalEngine::new(LocalEngine::text_id(8072, "fuzz"), 1, Instant::now()),
        }));
        let mut registry = Registry::new();
        smic_mibs::register_all(&mut registry);
        Harness {
            runtime,
            store,
            core,
            registry,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let from = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
    let outcome = match h.core.lock() {
        Ok(mut core) => core.handle(data, from, Instant::now()),
        Err(_) => return,
    };
    let Outcome::Deliver(received, _) = outcome else {
        return;
    };
    let arrival = Arrival {
        bytes: data,
        from,
        transport: "udp",
        at: SystemTime::now(),
        keep_raw: true,
    };
    let record = smic_trapd::record(&received, &arrival, &h.registry);
    h.runtime.block_on(async {
        let stored = h.store.submit(record.clone()).await.expect("stored");
        let Stored::Inserted(id) = stored else {
            // An inform seen before (the fuzzer repeats inputs).
            return;
        };
        let rows = h
            .store
            .query(&Query {
                after_id: Some(id - 1),
                limit: Some(1),
                ..Query::default()
            })
            .await
            .expect("read back");
        let row = rows.first().expect("the row just stored");
        assert_eq!(row.id, id);
        assert_eq!(row.record.raw_message, record.raw_message);
        assert_eq!(row.record.varbinds, record.varbinds);
        assert_eq!(row.record.security, record.security);
        assert_eq!(row.record.trap_oid, record.trap_oid);
        assert_eq!(row.record.v1, record.v1);
    });
});
