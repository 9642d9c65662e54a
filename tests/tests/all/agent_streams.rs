//! smic's agent over stream transports (RFC 3430 TCP, and Unix sockets) with net-snmp's
//! tools as clients: GET, walk and bulk walk over `tcp:` and `unix:`, through the
//! AgentX master too; and the bad input the transport must survive: a 2 GiB length,
//! a message one byte at a time, an idle connection, too many connections.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use smic_agentx::subagent::MasterAddress;
use smic_snmp::message::{AnyPdu, Message, Pdu, PduType, VarBind, Version};

use crate::agent_master::{SmicAgent, oids};
use crate::agentx_snmpd::{Running, instrumentation, net_snmp_present};

fn stream<'a>(agent: &'a SmicAgent, prefix: &str) -> &'a str {
    agent
        .streams
        .iter()
        .find(|s| s.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} listener in {:?}", agent.streams))
}

fn tcp_addr(agent: &SmicAgent) -> SocketAddr {
    stream(agent, "tcp:")
        .trim_start_matches("tcp:")
        .parse()
        .expect("an address")
}

fn get_sys_descr(id: i32) -> Vec<u8> {
    Message {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::Get,
            request_id: id,
            error_status: 0,
            error_index: 0,
            varbinds: vec![VarBind::null("1.3.6.1.2.1.1.1.0".parse().expect("an OID"))],
        }),
    }
    .encode()
}

/// Reads whole messages until `n` arrived (or the stream ends).
fn read_messages(stream: &mut TcpStream, n: usize) -> Vec<Message> {
    let mut framer = smic_snmp::stream::Framer::new(65_535);
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.len() < n {
        let read = stream.read(&mut buf).expect("a read");
        if read == 0 {
            break;
        }
        framer.push(&buf[..read]);
        while let Some(m) = framer.next_message().expect("framed") {
            got.push(Message::decode(&m).expect("a message"));
        }
    }
    got
}

#[test]
fn net_snmp_tools_over_tcp_and_unix() {
    if !net_snmp_present("net_snmp_tools_over_tcp_and_unix") {
        return;
    }
    let agent = SmicAgent::start_listening(&["tcp:127.0.0.1:0", "unix:{dir}/snmp.sock"], "", "");
    let (mib, _rows) = instrumentation();
    let _subagent = Running::start(mib, MasterAddress::Tcp(agent.tcp));
    agent.sessions(1, String::new);
    let tcp = stream(&agent, "tcp:").to_owned();
    let unix = stream(&agent, "unix:").to_owned();
    let udp_walk = agent.ok("snmpwalk", "public", &["1.3.6.1"]);
    for address in [&tcp, &unix] {
        let (got, err) = agent.tool_at(address, "snmpget", "public", &["1.3.6.1.2.1.1.1.0"]);
        assert_eq!(
            (got.as_str(), err.as_str()),
            (
                ".1.3.6.1.2.1.1.1.0 = STRING: \"smic master under test\"\n",
                ""
            ),
            "{address}"
        );
        // The whole tree, the subagent's table included, as over UDP.
        let (walk, err) = agent.tool_at(address, "snmpwalk", "public", &["1.3.6.1"]);
        assert!(err.is_empty(), "{address}: {err}");
        assert_eq!(oids(&walk), oids(&udp_walk), "{address}");
        let (bulk, err) = agent.tool_at(address, "snmpbulkwalk", "public", &["1.3.6.1"]);
        assert!(err.is_empty(), "{address}: {err}");
        assert_eq!(oids(&bulk), oids(&udp_walk), "{address}");
        let entry = "1.3.6.1.4.1.99999.1.2.1.1.2.1";
        let (set, err) = agent.tool_at(address, "snmpset", "private", &[entry, "s", "tcp"]);
        assert_eq!(
            (set, err),
            (format!(".{entry} = STRING: \"tcp\"\n"), String::new())
        );
    }
}

#[test]
fn bad_streams_are_closed_and_the_agent_keeps_serving() {
    if !net_snmp_present("bad_streams_are_closed_and_the_agent_keeps_serving") {
        return;
    }
    let agent = SmicAgent::start_listening(
        &["tcp:127.0.0.1:0"],
        "stream_connections = 3\nstream_idle_seconds = 1",
        "",
    );
    let addr = tcp_addr(&agent);

    // A length of 2 GiB: closed from the header alone.
    let mut huge = TcpStream::connect(addr).expect("a connection");
    huge.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    huge.write_all(&[0x30, 0x84, 0x80, 0, 0, 0])
        .expect("written");
    let mut buf = [0u8; 16];
    assert_eq!(huge.read(&mut buf).unwrap_or(0), 0, "closed");

    // Two requests pipelined, the first split at every byte: both answered, in order.
    let mut slow = TcpStream::connect(addr).expect("a connection");
    slow.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    for byte in get_sys_descr(1) {
        slow.write_all(&[byte]).expect("written");
    }
    slow.write_all(&get_sys_descr(2)).expect("written");
    let answers = read_messages(&mut slow, 2);
    let ids: Vec<i32> = answers
        .iter()
        .filter_map(|m| match &m.pdu {
            AnyPdu::Pdu(pdu) => Some(pdu.request_id),
            AnyPdu::TrapV1(_) => None,
        })
        .collect();
    assert_eq!(ids, [1, 2]);

    // An idle connection is closed after the idle timeout.
    let started = Instant::now();
    assert_eq!(
        slow.read(&mut buf).unwrap_or(0),
        0,
        "idle connection closed"
    );
    assert!(started.elapsed() < Duration::from_secs(4));

    // At most three at once: the fourth is closed on arrival, the others still work.
    let held: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(addr).expect("a connection"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut extra = TcpStream::connect(addr).expect("the kernel accepts it");
    extra
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let _ = extra.write_all(&get_sys_descr(3));
    assert_eq!(extra.read(&mut buf).unwrap_or(0), 0, "refused");
    drop(held);

    // UDP never noticed.
    let got = agent.ok("snmpget", "public", &["1.3.6.1.2.1.1.1.0"]);
    assert_eq!(
        got,
        ".1.3.6.1.2.1.1.1.0 = STRING: \"smic master under test\"\n"
    );
}
