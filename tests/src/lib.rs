//! End-to-end tests of smic against real peers: see `tests/`. The helpers here start
//! net-snmp's daemons on 127.0.0.1 with a configuration the test writes, and stop them.

pub mod modules;
pub mod regenerate;
pub mod test_mib;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// An `snmpd` started for one test, on a free port, killed when dropped.
pub struct Snmpd {
    child: Child,
    dir: PathBuf,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Snmpd {
    /// Starts `snmpd` with `config` (community and view lines) on a free loopback port.
    ///
    /// # Panics
    /// When `snmpd` cannot be started: CI installs Debian's `snmpd`.
    pub fn start(config: &str) -> Snmpd {
        Snmpd::start_at(config, IpAddr::from([127, 0, 0, 1]))
    }

    /// Starts `snmpd` listening on `ip` (127.0.0.1 or ::1) at a free port.
    pub fn start_at(config: &str, ip: IpAddr) -> Snmpd {
        Snmpd::launch(&snmpd_binary(), &[], config, ip)
    }

    /// Starts net-snmp's `snmptrapd` on a free loopback port with `config` (authCommunity,
    /// createUser, authUser lines), logging each notification as one line in `format`
    /// (its `-F`) with numeric OIDs and enumerations; [`Snmpd::wait_for_log`] reads them.
    ///
    /// # Panics
    /// When `snmptrapd` cannot be started: CI installs Debian's `snmptrapd`.
    pub fn start_trapd(config: &str, format: &str) -> Snmpd {
        let binary = ["/usr/sbin/snmptrapd", "/usr/local/sbin/snmptrapd"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from("snmptrapd"));
        let trapd = Snmpd::launch(
            &binary,
            &["-On", "-Oe", "-F", format],
            config,
            IpAddr::from([127, 0, 0, 1]),
        );
        trapd.wait_for_log(|log| log.contains("NET-SNMP version"));
        trapd
    }

    /// Starts `snmpd` listening on `addr` (a restart: the address of one stopped
    /// before), with `config`.
    pub fn start_on(config: &str, addr: SocketAddr) -> Snmpd {
        Snmpd::launch_on(&snmpd_binary(), &[], config, addr)
    }

    /// Starts `snmpd` listening where `config`'s `agentAddress` line says (TCP, Unix
    /// sockets, several at once); `addr` is unused.
    pub fn start_listening(config: &str) -> Snmpd {
        Snmpd::start_with(&snmpd_binary(), &[], config, None)
    }

    /// Starts `snmpd` as an AgentX subagent (`-X`) with `config` (its `agentXSocket`
    /// line says where the master is), initializing only `modules` (its `-I`, e.g.
    /// `override,system_mib`). It listens on no SNMP port; `addr` is unused.
    pub fn start_subagent(config: &str, modules: &str) -> Snmpd {
        let args = ["-X", "-I", modules];
        Snmpd::start_with(&snmpd_binary(), &args, config, None)
    }

    fn launch(binary: &std::path::Path, extra: &[&str], config: &str, ip: IpAddr) -> Snmpd {
        let port = UdpSocket::bind(SocketAddr::new(ip, 0))
            .and_then(|s| s.local_addr())
            .map(|a| a.port())
            .unwrap_or(0);
        Snmpd::launch_on(binary, extra, config, SocketAddr::new(ip, port))
    }

    fn launch_on(
        binary: &std::path::Path,
        extra: &[&str],
        config: &str,
        addr: SocketAddr,
    ) -> Snmpd {
        Snmpd::start_with(binary, extra, config, Some(addr))
    }

    fn start_with(
        binary: &std::path::Path,
        extra: &[&str],
        config: &str,
        listen: Option<SocketAddr>,
    ) -> Snmpd {
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let addr = listen.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let endpoint = listen.map(|addr| {
            if addr.is_ipv6() {
                format!("udp6:{addr}")
            } else {
                format!("udp:{addr}")
            }
        });
        let serial = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "smic-snmpd-{}-{}-{serial}",
            std::process::id(),
            addr.port()
        ));
        let _ = std::fs::create_dir_all(&dir);
        let conf = dir.join("snmpd.conf");
        if let Err(err) = std::fs::write(&conf, config) {
            panic!("cannot write {}: {err}", conf.display());
        }
        let mibs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mibs");
        let child = Command::new(binary)
            .args(["-f", "-C", "-Lf"])
            .arg(dir.join("snmpd.log"))
            .args(extra)
            .arg("-c")
            .arg(&conf)
            .arg("-M")
            .arg(&mibs)
            .args(endpoint)
            // createUser and the engine's boots persist here, never in /var/lib/snmp.
            .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| {
                panic!(
                    "cannot start {} ({err}); install Debian's package",
                    binary.display()
                )
            });
        Snmpd { child, dir, addr }
    }

    /// Waits up to five seconds for the log to satisfy `done`; returns the log.
    ///
    /// # Panics
    /// When it does not, showing the log.
    pub fn wait_for_log(&self, done: impl Fn(&str) -> bool) -> String {
        for _ in 0..100 {
            let log = self.log();
            if done(&log) {
                return log;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "the daemon's log never showed what was awaited:\n{}",
            self.log()
        );
    }

    /// The daemon's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("snmpd.log")).unwrap_or_default()
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn snmpd_binary() -> PathBuf {
    ["/usr/sbin/snmpd", "/usr/local/sbin/snmpd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("snmpd"))
}

/// Runs a net-snmp command-line tool and returns its standard output.
///
/// # Panics
/// When the tool cannot be run: CI installs Debian's `snmp`.
pub fn net_snmp(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {tool} ({err}); install Debian's `snmp`"));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A manager configuration for tests: this community, 500 ms timeout, two retries.
pub fn client_config(version: smic_snmp::Version, community: &str) -> smic_snmp::client::Config {
    smic_snmp::client::Config {
        security: smic_snmp::client::Security::Community {
            version,
            community: community.as_bytes().to_vec(),
        },
        timeout: std::time::Duration::from_millis(500),
        retries: 2,
        ..smic_snmp::client::Config::default()
    }
}

/// A client of `snmpd` once the daemon answers a `sysDescr.0` GET (it needs a moment
/// after starting).
///
/// # Panics
/// When the client cannot be made, or snmpd does not answer within four seconds (the
/// panic shows snmpd's log).
pub async fn connect_when_ready(
    snmpd: &Snmpd,
    config: smic_snmp::client::Config,
) -> smic_snmp::client::Client {
    let client = smic_snmp::client::Client::connect(snmpd.addr, config)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..40 {
        let probe = client
            .get(std::slice::from_ref(smic_smi::oid!(
                1, 3, 6, 1, 2, 1, 1, 1, 0
            )))
            .await;
        if probe.is_ok() {
            return client;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("snmpd did not answer; its log:\n{}", snmpd.log());
}

/// A value as comparable (type, text), from smic's side, to hold against
/// [`parse_snmpwalk`]: octet strings in hex, numbers plain.
pub fn comparable(value: &smic_smi::Value) -> (String, String) {
    let hex = |bytes: &[u8]| {
        bytes
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match value {
        smic_smi::Value::Integer(n) => ("INTEGER".into(), n.to_string()),
        smic_smi::Value::OctetString(bytes) => ("STRING".into(), hex(bytes)),
        smic_smi::Value::ObjectIdentifier(oid) => ("OID".into(), format!(".{oid}")),
        smic_smi::Value::IpAddress([a, b, c, d]) => {
            ("IpAddress".into(), format!("{a}.{b}.{c}.{d}"))
        }
        smic_smi::Value::Counter32(n) => ("Counter32".into(), n.to_string()),
        smic_smi::Value::Gauge32(n) => ("Gauge32".into(), n.to_string()),
        smic_smi::Value::TimeTicks(n) => ("Timeticks".into(), n.to_string()),
        smic_smi::Value::Counter64(n) => ("Counter64".into(), n.to_string()),
        smic_smi::Value::Opaque(_) => ("Opaque".into(), String::new()),
        other => ("other".into(), format!("{other:?}")),
    }
}

/// `snmpwalk -On -Oe -Ot -Ox` output, parsed into (type, value) per OID: octet strings
/// in hex, enumerations and time ticks as plain numbers.
pub fn parse_snmpwalk(text: &str) -> BTreeMap<String, (String, String)> {
    let mut entries: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('.') {
            entries.push(line.to_string());
        } else if let Some(last) = entries.last_mut() {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    let mut out = BTreeMap::new();
    for entry in entries {
        let Some((oid, rest)) = entry.split_once(" = ") else {
            continue;
        };
        // snmpwalk repeats the last OID to say the view ended.
        if rest.starts_with("No more variables") {
            continue;
        }
        let (kind, value) = match rest.split_once(": ") {
            Some(("Hex-STRING", v)) => (
                "STRING".to_string(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            ),
            Some(("Opaque", _)) => ("Opaque".to_string(), String::new()),
            Some((kind, v)) => (kind.to_string(), v.trim().to_string()),
            None if rest == "\"\"" => ("STRING".to_string(), String::new()),
            // -Ot prints time ticks as a bare number.
            None => ("Timeticks".to_string(), rest.trim().to_string()),
        };
        out.insert(oid.trim_start_matches('.').to_string(), (kind, value));
    }
    out
}

/// Walks `root` with `client`, values as [`comparable`] gives them.
///
/// # Panics
/// When the walk fails.
pub async fn walk_comparable(
    root: smic_smi::Oid,
    client: &smic_snmp::client::Client,
) -> BTreeMap<String, (String, String)> {
    let mut walk = client.walk(root);
    let mut out = BTreeMap::new();
    while let Some(binding) = walk.next().await {
        let binding = binding.unwrap_or_else(|e| panic!("walk failed: {e}"));
        out.insert(binding.oid.to_string(), comparable(&binding.value));
    }
    out
}
