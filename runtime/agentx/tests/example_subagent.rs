//! The example subagent (`examples/subagent.rs`) as a user runs it: one binary,
//! attached to net-snmp's snmpd as master and to smic's master, serving its ifTable
//! to both. Needs Debian's `snmpd` and `snmp` (a failure under `CI` without them, a
//! loud skip elsewhere).

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use smic_agentx::master::{Listening, Master, MasterLimits};
use smic_agentx::subagent::MasterAddress;
use smic_smi::{Oid, Value};
use smic_snmp::agent::{AccessControl, Mib, Responder, Step};
use smic_snmp::message::{AnyPdu, Message, Pdu, PduType, VarBind, Version};

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `cargo test` builds the package's examples next to the test binaries' directory.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("examples").join("subagent"))
        .unwrap_or_else(|| panic!("no target directory above {}", exe.display()));
    assert!(
        binary.exists(),
        "{} is missing: `cargo test` builds it",
        binary.display()
    );
    binary
}

fn start_example(master: &str) -> Running {
    let child = Command::new(example())
        .arg(master)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    Running(child)
}

fn free_tcp() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn snmpd_present() -> bool {
    let present = Path::new("/usr/sbin/snmpd").exists()
        && Command::new("snmpwalk").arg("-V").output().is_ok();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs Debian's snmpd and snmp"
        );
        eprintln!("SKIPPED: snmpd or snmpwalk missing (install Debian's snmpd and snmp)");
    }
    present
}

#[test]
fn the_example_serves_its_table_under_snmpd() {
    if !snmpd_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let agentx = free_tcp();
    let udp = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .unwrap_or_else(|e| panic!("{e}"));
    let conf = dir.path().join("snmpd.conf");
    std::fs::write(
        &conf,
        format!("master agentx\nagentXSocket tcp:{agentx}\nrocommunity public 127.0.0.1\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let _snmpd = Running(
        Command::new("/usr/sbin/snmpd")
            .args(["-f", "-C", "-Lf"])
            .arg(dir.path().join("snmpd.log"))
            .arg("-c")
            .arg(&conf)
            .args(["-I", "-ifTable,ifXTable,interfaces"])
            .arg(format!("udp:{udp}"))
            .env("SNMP_PERSISTENT_DIR", dir.path().join("persist"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}")),
    );
    std::thread::sleep(Duration::from_millis(300));
    let _subagent = start_example(&format!("tcp:{agentx}"));
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let output = Command::new("snmpwalk")
            .args(["-v2c", "-c", "public", "-On", "-r", "0", "-t", "2"])
            .arg(format!("udp:{udp}"))
            .arg(".1.3.6.1.2.1.2.2.1.2")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let walk = String::from_utf8_lossy(&output.stdout).into_owned();
        if walk.contains("port4") {
            let descrs: Vec<&str> = walk.lines().collect();
            assert_eq!(
                descrs,
                (1..=4)
                    .map(|i| format!(".1.3.6.1.2.1.2.2.1.2.{i} = STRING: \"port{i}\""))
                    .collect::<Vec<_>>(),
            );
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the subagent's table never showed:\n{walk}\n{}",
            std::fs::read_to_string(dir.path().join("snmpd.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_same_binary_serves_smics_master() {
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        let mut access = AccessControl::new();
        access
            .view("all", Oid::from_vec(vec![1]), true)
            .community("public", Some("all"), None);
        let responder = Responder::new(Mib::new(), access);
        let (master, _notices) = Master::new(responder.mib(), MasterLimits::default());
        let listening = master
            .listen(&MasterAddress::Tcp(free_tcp()), None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let Listening::Tcp(addr) = listening else {
            panic!("{listening:?}")
        };
        let _subagent = start_example(&format!("tcp:{addr}"));
        let deadline = Instant::now() + Duration::from_secs(15);
        while master.registrations().is_empty() {
            assert!(Instant::now() < deadline, "the example never registered");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let get = Message {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                kind: PduType::Get,
                request_id: 1,
                error_status: 0,
                error_index: 0,
                varbinds: vec![VarBind::null(Oid::from_vec(vec![
                    1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 3,
                ]))],
            }),
        };
        let from = "127.0.0.1:9".parse().unwrap_or_else(|e| panic!("{e}"));
        let Step::Serve(accepted) = responder.accept_at(&get.encode(), from, Instant::now()) else {
            panic!("accepted");
        };
        let outcome = master
            .serve(&responder, &accepted)
            .await
            .unwrap_or_else(|| panic!("served"));
        assert_eq!(
            outcome.varbinds()[0].value,
            Value::OctetString(b"port3".to_vec())
        );
    });
}
