//! smic's agent (`smic-agent`) as AgentX master: net-snmp's `snmpd -X` subagents over
//! TCP and a Unix socket, and smic's own subagent, queried and written with
//! net-snmp's tools through smic; duplicate registrations refused with 263; a Notify
//! forwarded to `snmptrapd`; Close(shutdown) when the agent stops.
//!
//! Needs Debian's `snmpd`, `snmptrapd` and `snmp`: without them the tests fail under
//! `CI`, and are skipped loudly otherwise.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use smic_agent::{Agent, AgentConfig};
use smic_agentx::master::{Listening, Master};
use smic_agentx::subagent::MasterAddress;
use smic_smi::Oid;
use smic_snmp::notify::Notice;
use smic_tests::Snmpd;

use crate::agentx_snmpd::{Running, instrumentation, net_snmp_present};

/// smic's agent on its own runtime, stopped when dropped.
pub(crate) struct SmicAgent {
    pub(crate) udp: SocketAddr,
    /// The stream listeners, as `tcp:ADDR` and `unix:PATH`.
    pub(crate) streams: Vec<String>,
    pub(crate) tcp: SocketAddr,
    unix: PathBuf,
    master: Master,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<smic_agent::AgentStats>>,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl SmicAgent {
    /// Listens on free ports; `extra` is more of the TOML file.
    fn start(extra: &str) -> SmicAgent {
        SmicAgent::start_listening(&[], "", extra)
    }

    /// Also listens on `listen` (`tcp:…`, `unix:…`; `{dir}` stands for a temporary
    /// directory), with `top` more top-level TOML.
    pub(crate) fn start_listening(listen: &[&str], top: &str, extra: &str) -> SmicAgent {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let unix = dir.path().join("master");
        let listen: String = listen
            .iter()
            .map(|l| {
                format!(
                    ", '{}'",
                    l.replace("{dir}", &dir.path().display().to_string())
                )
            })
            .collect();
        let text = format!(
            "listen = ['udp:127.0.0.1:0'{listen}]\n\
             {top}\n\
             sockets_per_address = 1\n\
             [system]\n\
             descr = 'smic master under test'\n\
             [[communities]]\n\
             name = 'public'\n\
             [[communities]]\n\
             name = 'private'\n\
             write_view = 'all'\n\
             [agentx]\n\
             listen = ['tcp:127.0.0.1:0', 'unix:{}']\n\
             timeout_ms = 3000\n\
             {extra}",
            unix.display()
        );
        let config = AgentConfig::parse(&text).expect("a valid configuration");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let agent = runtime
            .block_on(Agent::bind(&config))
            .expect("the agent binds");
        let udp = agent.udp_addresses()[0];
        let streams = agent.stream_addresses();
        let tcp = agent
            .agentx_addresses()
            .iter()
            .find_map(|l| match l {
                Listening::Tcp(addr) => Some(*addr),
                Listening::Unix(_) => None,
            })
            .expect("a TCP master socket");
        let master = agent.master().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = runtime.spawn(agent.run(async {
            let _ = stopped.await;
        }));
        SmicAgent {
            udp,
            streams,
            tcp,
            unix,
            master,
            stop: Some(stop),
            task: Some(task),
            runtime,
            _dir: dir,
        }
    }

    /// Waits until `n` subagent sessions are open.
    pub(crate) fn sessions(&self, n: usize, log: impl Fn() -> String) {
        for _ in 0..200 {
            if self.master.sessions().len() >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{n} AgentX sessions never opened; subagent log:\n{}", log());
    }

    /// Stops the agent (Close(shutdown) to every subagent).
    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let stopped = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(10), task).await });
            assert!(
                matches!(stopped, Ok(Ok(_))),
                "the agent did not stop: {stopped:?}"
            );
        }
    }

    /// A net-snmp tool against the agent, numeric OIDs; (stdout, stderr).
    fn tool(&self, tool: &str, community: &str, operands: &[&str]) -> (String, String) {
        self.tool_at(&format!("udp:{}", self.udp), tool, community, operands)
    }

    /// The same at another transport address (`tcp:…`, `unix:…`).
    pub(crate) fn tool_at(
        &self,
        address: &str,
        tool: &str,
        community: &str,
        operands: &[&str],
    ) -> (String, String) {
        let output = Command::new(tool)
            .args(["-v2c", "-c", community, "-r", "0", "-t", "5", "-On", "-Oe"])
            .arg(address)
            .args(operands)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    pub(crate) fn ok(&self, tool: &str, community: &str, operands: &[&str]) -> String {
        let (out, err) = self.tool(tool, community, operands);
        assert!(err.is_empty(), "{tool} {operands:?}: {err}");
        out
    }
}

impl Drop for SmicAgent {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The OIDs of a walk's output, in order.
pub(crate) fn oids(walk: &str) -> Vec<&str> {
    walk.lines()
        .filter_map(|line| line.split_once(" = ").map(|(oid, _)| oid))
        .collect()
}

#[test]
fn net_snmp_subagents_over_tcp_and_unix_through_smic() {
    if !net_snmp_present("net_snmp_subagents_over_tcp_and_unix_through_smic") {
        return;
    }
    let mut agent = SmicAgent::start("");
    // system_mib registers sysDescr and the other system scalars, which the agent
    // serves itself at the same priority: refused with duplicateRegistration.
    let tcp = Snmpd::start_subagent(
        &format!(
            "agentXSocket tcp:{}\n\
             override .1.3.6.1.4.1.99999.1.0 octet_str \"from net-snmp over tcp\"\n\
             override -rw .1.3.6.1.4.1.99999.2.0 integer 7\n",
            agent.tcp
        ),
        "override,system_mib",
    );
    let unix = Snmpd::start_subagent(
        &format!(
            "agentXSocket {}\n\
             override .1.3.6.1.4.1.99998.1.0 octet_str \"from net-snmp over unix\"\n",
            agent.unix.display()
        ),
        "override",
    );
    agent.sessions(2, || tcp.log() + &unix.log());
    let log = tcp.wait_for_log(|log| log.contains("registering pdu failed: 263"));
    assert!(log.contains("AgentX subagent connected"), "{log}");

    let got = agent.ok(
        "snmpget",
        "public",
        &[
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.4.1.99999.1.0",
            "1.3.6.1.4.1.99998.1.0",
        ],
    );
    assert_eq!(
        got,
        ".1.3.6.1.2.1.1.1.0 = STRING: \"smic master under test\"\n\
         .1.3.6.1.4.1.99999.1.0 = STRING: \"from net-snmp over tcp\"\n\
         .1.3.6.1.4.1.99998.1.0 = STRING: \"from net-snmp over unix\"\n"
    );

    // SET through smic to the subagent's writable object, and a wrong type refused.
    let set = agent.ok("snmpset", "private", &["1.3.6.1.4.1.99999.2.0", "i", "42"]);
    assert_eq!(set, ".1.3.6.1.4.1.99999.2.0 = INTEGER: 42\n");
    let got = agent.ok("snmpget", "public", &["1.3.6.1.4.1.99999.2.0"]);
    assert_eq!(got, ".1.3.6.1.4.1.99999.2.0 = INTEGER: 42\n");
    let (_, err) = agent.tool("snmpset", "private", &["1.3.6.1.4.1.99999.2.0", "s", "x"]);
    assert!(err.contains("wrongType"), "{err}");
    let (_, err) = agent.tool("snmpset", "public", &["1.3.6.1.4.1.99999.2.0", "i", "1"]);
    assert!(
        err.contains("noAccess") || err.contains("authorizationError"),
        "{err}"
    );

    // One lexicographic tree: the agent's system group, then both subagents'.
    let walk = agent.ok("snmpwalk", "public", &["1.3.6.1"]);
    let walked = oids(&walk);
    let mut sorted: Vec<Oid> = walked
        .iter()
        .map(|o| o.trim_start_matches('.').parse().unwrap_or_default())
        .collect();
    let in_order = sorted.clone();
    sorted.sort();
    assert_eq!(in_order, sorted, "walk out of order:\n{walk}");
    for expected in [
        ".1.3.6.1.2.1.1.1.0",
        ".1.3.6.1.4.1.99998.1.0",
        ".1.3.6.1.4.1.99999.1.0",
        ".1.3.6.1.4.1.99999.2.0",
    ] {
        assert!(
            walked.contains(&expected),
            "{expected} missing from\n{walk}"
        );
    }
    let bulk = agent.ok("snmpbulkwalk", "public", &["1.3.6.1"]);
    assert_eq!(oids(&bulk), walked, "bulk walk differs from walk");

    // The AgentX-MIB shows both sessions and what they registered.
    let agentx_mib = agent.ok("snmpwalk", "public", &["1.3.6.1.2.1.74"]);
    assert!(
        agentx_mib.contains(".1.3.6.1.2.1.74.1.1.2.0 = INTEGER: 1\n"),
        "{agentx_mib}"
    );
    assert_eq!(
        agentx_mib
            .matches("STRING: \"Net-SNMP AgentX sub-agent\"")
            .count(),
        2,
        "{agentx_mib}"
    );
    for registered in ["OID: .1.3.6.1.4.1.99999.1.0", "OID: .1.3.6.1.4.1.99998.1.0"] {
        assert!(
            agentx_mib.contains(registered),
            "{registered} in\n{agentx_mib}"
        );
    }

    // Stopping the agent closes the sessions: net-snmp notices and starts retrying.
    agent.stop();
    tcp.wait_for_log(|log| log.contains("AgentX master disconnected us"));
    unix.wait_for_log(|log| log.contains("AgentX master disconnected us"));
}

#[test]
fn smic_subagent_under_smic_master_with_notify_to_snmptrapd() {
    if !net_snmp_present("smic_subagent_under_smic_master_with_notify_to_snmptrapd") {
        return;
    }
    let trapd = Snmpd::start_trapd("authCommunity log public\n", "%N|%v\\n");
    let agent = SmicAgent::start(&format!(
        "[[notify]]\ntarget = 'udp:{}'\ncommunity = 'public'\n",
        trapd.addr
    ));
    let (mib, rows) = instrumentation();
    let subagent = Running::start(mib, MasterAddress::Tcp(agent.tcp));
    agent.sessions(1, String::new);
    let state = subagent.runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), subagent.handle.opened(1)).await
    });
    assert!(matches!(state, Ok(Ok(_))), "{state:?}");

    // The typed table through both hops, with GETBULK (which snmpd never sends a
    // subagent; smic's master does).
    let entry = "1.3.6.1.4.1.99999.1.2.1.1";
    let bulk = agent.ok("snmpbulkwalk", "public", &[&format!("{entry}.2")]);
    assert_eq!(
        bulk,
        format!(".{entry}.2.1 = STRING: \"one\"\n.{entry}.2.2 = STRING: \"two\"\n")
    );
    let set = agent.ok("snmpset", "private", &[&format!("{entry}.2.1"), "s", "uno"]);
    assert_eq!(set, format!(".{entry}.2.1 = STRING: \"uno\"\n"));
    assert_eq!(
        rows.rows()[0]
            .test_int_name
            .as_ref()
            .map(ToString::to_string),
        Some("uno".to_owned())
    );

    // A Notify becomes the agent's own trap.
    let notice = Notice {
        trap_oid: "1.3.6.1.4.1.99999.0.7".parse().expect("an OID"),
        uptime: 100,
        varbinds: Vec::new(),
    };
    let sent = subagent
        .runtime
        .block_on(async { subagent.handle.notify(&notice).await });
    assert!(sent.is_ok(), "{sent:?}");
    trapd.wait_for_log(|log| log.contains(".1.3.6.1.4.1.99999.0.7"));
}
