//! Actions on stored notifications: JSON lines to a file, a command fed JSON on its
//! stdin, a command that hangs (killed, retried, given up, reception unharmed), and
//! forwarding to a second daemon (an SNMPv1 trap arrives there as SNMPv2, RFC 3584).
//! A retransmitted inform triggers nothing a second time.

use std::time::Duration;

use serde_json::Value;
use smic_mibs::if_mib::LinkDown;
use smic_mibs::snmpv2_mib::ColdStart;
use smic_smi::{Oid, Value as SmiValue};
use smic_snmp::message::AnyPdu;
use smic_snmp::notify::{Notice, TrapSender};
use smic_snmp::{Message, Pdu, PduType, VarBind, Version};
use smic_store::{Database, PduKind, Query, Reader, SnmpVersion};
use smic_trapd::{Trapd, TrapdConfig};
use tokio::net::UdpSocket;

fn link_down(index: u32, admin: i32) -> Notice {
    let mut notice = Notice {
        trap_oid: <LinkDown as smic_smi::object::Notification>::OID.clone(),
        uptime: 42,
        varbinds: Vec::new(),
    };
    for (column, value) in [(1, index as i32), (7, admin)] {
        notice.varbinds.push(VarBind {
            oid: Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 2, 2, 1, column, index]),
            value: SmiValue::Integer(value),
        });
    }
    notice
}

async fn start(
    config: &TrapdConfig,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<smic_trapd::TrapdStats>,
) {
    let trapd = Trapd::bind(config).await.expect("bind");
    let to = trapd.udp_addresses()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    (to, stop, daemon)
}

/// Lines of `path`, waiting up to five seconds for `count` of them.
async fn lines(path: &std::path::Path, count: usize) -> Vec<Value> {
    for _ in 0..500 {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.lines().count() >= count {
            return text
                .lines()
                .map(|l| serde_json::from_str(l).expect("a JSON line"))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{} has fewer than {count} lines", path.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_run_for_matching_notifications_without_holding_up_reception() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (jsonl, piped, downstream_db) = (
        dir.path().join("down.jsonl"),
        dir.path().join("piped.jsonl"),
        dir.path().join("downstream.sqlite"),
    );
    // The receiver forwarded notifications go to.
    let (downstream, stop_downstream, downstream_daemon) = start(&TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["relay".to_owned()],
        database: downstream_db.display().to_string(),
        ..TrapdConfig::default()
    })
    .await;
    let config = TrapdConfig::parse(&format!(
        r#"
listen = ["udp:127.0.0.1:0"]
communities = ["public"]
database = "{db}"

[[actions]]
name = "admin-down"
trap = ["IF-MIB::linkDown"]
source = ["127.0.0.0/8"]
varbinds = [{{ name = "IF-MIB::ifAdminStatus", value = "down" }}]
file = "{jsonl}"

[[actions]]
name = "pipe"
trap = ["SNMPv2-MIB::*"]
command = ["sh", "-c", "cat >> {piped}"]

[[actions]]
name = "stuck"
trap = ["1.3.6.1.6.3.1.1.5"]
command = ["sleep", "30"]
timeout_seconds = 1
retries = 1

[[actions]]
name = "relay"
trap = ["1.3.6.1.4.1.8072"]
forward = "udp:{downstream}"
forward_community = "relay"
"#,
        db = dir.path().join("traps.sqlite").display(),
        jsonl = jsonl.display(),
        piped = piped.display(),
    ))
    .expect("config");
    config.check().expect("a valid configuration");
    let (to, stop, daemon) = start(&config).await;

    let v2c = TrapSender::community(to, Version::V2c, "public")
        .await
        .expect("sender");
    v2c.send(&link_down(3, 2)).await.expect("send"); // matches admin-down
    v2c.send(&link_down(4, 1)).await.expect("send"); // ifAdminStatus up: does not
    v2c.send(&Notice::typed(&ColdStart, 7)).await.expect("send"); // pipe
    let mut enterprise = Notice {
        trap_oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 8072, 2, 3, 0, 17]),
        uptime: 99,
        varbinds: Vec::new(),
    };
    enterprise.varbinds.push(VarBind {
        oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 1]),
        value: SmiValue::Integer(5),
    });
    let v1 = TrapSender::community(to, Version::V1, "public")
        .await
        .expect("sender");
    v1.send(&enterprise).await.expect("send"); // relay, as an SNMPv1 trap

    // An inform sent twice (a retransmission: same request-id, same bytes) is stored
    // once, so its action runs once.
    let inform = Message {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::Inform,
            request_id: 4242,
            error_status: 0,
            error_index: 0,
            varbinds: link_down(5, 2).to_varbinds(),
        }),
    }
    .encode();
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("socket");
    for _ in 0..2 {
        socket.send_to(&inform, to).await.expect("send");
        let mut buf = vec![0; 2048];
        let answered =
            tokio::time::timeout(Duration::from_secs(5), socket.recv_from(&mut buf)).await;
        assert!(answered.is_ok(), "the inform was acknowledged");
    }

    // Senders on different sockets reach different receiving tasks: the order of
    // the lines is not the order of sending.
    let mut written = lines(&jsonl, 2).await;
    written.sort_by_key(|line| line["kind"].as_str().map(str::to_owned));
    assert_eq!(written.len(), 2, "{written:#?}");
    assert_eq!(written[0]["kind"], "inform");
    assert_eq!(written[1]["kind"], "trap");
    assert_eq!(written[1]["trap_name"], "IF-MIB::linkDown");
    assert_eq!(written[1]["varbinds"][1]["value"], "INTEGER: down(2)");
    assert!(written[1]["id"].as_i64().is_some_and(|id| id > 0));

    let piped_lines = lines(&piped, 1).await;
    assert_eq!(piped_lines[0]["trap_name"], "SNMPv2-MIB::coldStart");
    assert_eq!(piped_lines[0]["uptime"], 7);

    let reader = Reader::open(&Database::Sqlite(downstream_db.clone()))
        .await
        .expect("downstream reader");
    let mut relayed = Vec::new();
    for _ in 0..500 {
        relayed = reader.query(&Query::default()).await.expect("query");
        if !relayed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(relayed.len(), 1, "forwarded once");
    let relayed = &relayed[0].record;
    assert_eq!(
        (relayed.version, relayed.kind),
        (SnmpVersion::V2c, PduKind::Trap)
    );
    assert_eq!(
        relayed.trap_oid, "1.3.6.1.4.1.8072.2.3.0.17",
        "RFC 3584 §3.1"
    );
    assert_eq!(relayed.varbinds[0].oid, "1.3.6.1.4.1.8072.2.3.2.1");

    // The stuck command (every standard trap is under 1.3.6.1.6.3.1.1.5) holds its
    // own worker only: everything above was handled while it waited to be killed,
    // and the daemon stops at its grace time with the rest of its queue undone.
    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!(stats.stored, 5, "{stats:?}");
    assert_eq!(stats.duplicates, 1, "{stats:?}");
    let _ = stop_downstream.send(());
    downstream_daemon.await.expect("downstream");
    assert_eq!(lines(&jsonl, 2).await.len(), 2, "nothing more was written");
}

#[test]
fn bad_actions_are_refused_with_their_name() {
    for (text, wanted) in [
        (
            "[[actions]]\nname = 'x'\n",
            "none of command, file, forward",
        ),
        (
            "[[actions]]\nname = 'x'\nfile = '-'\ncommand = ['true']\n",
            "one of command, file and forward",
        ),
        (
            "[[actions]]\ntrap = ['linkDown']\nfile = '-'\n",
            "MODULE::name",
        ),
        (
            "[[actions]]\nsource = ['10.0.0.0/40']\nfile = '-'\n",
            "network",
        ),
        ("[[actions]]\ncommand = []\n", "program"),
        (
            "[[actions]]\nforward = 'udp:127.0.0.1:162'\nforward_version = '3'\n",
            "forward_user",
        ),
        ("[[actions]]\nforward = 'tcp:127.0.0.1:162'\n", "only UDP"),
        (
            "[[actions]]\nfile = '-'\nforward_community = 'c'\n",
            "without forward",
        ),
    ] {
        let config = TrapdConfig::parse(text).expect("parses");
        let error = config.check().expect_err(text).to_string();
        assert!(error.contains(wanted), "{text}: {error}");
        assert!(error.starts_with("action "), "{error}");
    }
}
