//! `smic agent` run as an operator runs it: from the configuration README shows, and
//! from flags alone; net-snmp's tools as clients; SIGTERM to stop.

mod daemon;

use std::net::TcpListener;
use std::process::Command;

use daemon::{Daemon, free_port};

fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A net-snmp tool, numeric OIDs, no MIBs loaded; (success, stdout + stderr).
fn net_snmp(tool: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(tool)
        .args(["-M", "/nonexistent", "-m", "", "-On", "-r", "1", "-t", "3"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}); install Debian's `snmp`"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("smic-agent-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn the_readme_configuration_answers_snmpwalk_at_once() {
    let example = include_str!("../../../runtime/agent/examples/agent.toml");
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(example),
        "README's agent configuration is not runtime/agent/examples/agent.toml"
    );
    let dir = temp_dir("readme");
    let (udp, tcp) = (free_port(), free_tcp_port());
    let socket = dir.join("agentx.sock");
    // The same file on ports free here.
    let config = example
        .replace("udp:127.0.0.1:1161", &format!("udp:127.0.0.1:{udp}"))
        .replace("tcp:127.0.0.1:1705", &format!("tcp:127.0.0.1:{tcp}"))
        .replace(
            "unix:/tmp/smic-agentx.sock",
            &format!("unix:{}", socket.display()),
        )
        .replace(
            "udp:127.0.0.1:162",
            &format!("udp:127.0.0.1:{}", free_port()),
        );
    let path = dir.join("agent.toml");
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("{e}"));
    let path = path.display().to_string();
    let agent = Daemon::start("agent", &["--config", &path], &dir.join("agent.log"));
    agent.wait_for("smic agent serving", 1);

    let target = format!("udp:127.0.0.1:{udp}");
    let (ok, walk) = net_snmp(
        "snmpwalk",
        &["-v2c", "-c", "public", &target, "1.3.6.1.2.1.1"],
    );
    assert!(ok, "{walk}");
    assert!(
        walk.starts_with(".1.3.6.1.2.1.1.1.0 = STRING: \"edge router, smic agent\"\n"),
        "{walk}"
    );
    assert!(
        walk.contains(".1.3.6.1.2.1.1.5.0 = STRING: \"edge-1\""),
        "{walk}"
    );
    let (ok, v3) = net_snmp(
        "snmpget",
        &[
            "-v3",
            "-u",
            "ops",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "ops-auth-pass",
            "-x",
            "AES",
            "-X",
            "ops-priv-pass",
            &target,
            "1.3.6.1.2.1.1.6.0",
        ],
    );
    assert!(ok, "{v3}");
    assert_eq!(v3, ".1.3.6.1.2.1.1.6.0 = STRING: \"rack 4\"\n");
    // monitor reads a view without the interfaces group, at authNoPriv.
    let (ok, monitor) = net_snmp(
        "snmpget",
        &[
            "-v3",
            "-u",
            "monitor",
            "-l",
            "authNoPriv",
            "-a",
            "SHA",
            "-A",
            "monitor-auth-pass",
            &target,
            "1.3.6.1.2.1.1.3.0",
        ],
    );
    assert!(ok && monitor.contains("Timeticks"), "{monitor}");
    assert!(socket.exists(), "the AgentX Unix socket");

    let (stopped, log) = agent.stop();
    assert!(stopped, "exit status after SIGTERM:\n{log}");
    assert!(log.contains("smic agent stopped"), "{log}");
    assert!(
        !socket.exists(),
        "the Unix socket is removed on the way out"
    );
}

#[test]
fn flags_alone_start_an_agent_and_mistakes_are_explained() {
    let dir = temp_dir("flags");
    let (udp, tcp) = (free_port(), free_tcp_port());
    let listen = format!("udp:127.0.0.1:{udp}");
    let agentx = format!("tcp:127.0.0.1:{tcp}");
    let agent = Daemon::start(
        "agent",
        &[
            "--listen",
            &listen,
            "--community",
            "public",
            "--rw-community",
            "private",
            "--v3-user",
            "ops:SHA-256:authpass1:AES:privpass1",
            "--agentx",
            &agentx,
        ],
        &dir.join("agent.log"),
    );
    agent.wait_for("smic agent serving", 1);
    let (ok, got) = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", &listen, "1.3.6.1.2.1.1.1.0"],
    );
    assert!(ok, "{got}");
    assert_eq!(got, ".1.3.6.1.2.1.1.1.0 = STRING: \"smic agent\"\n");
    let (ok, got) = net_snmp(
        "snmpget",
        &[
            "-v3",
            "-u",
            "ops",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "authpass1",
            "-x",
            "AES",
            "-X",
            "privpass1",
            &listen,
            "1.3.6.1.2.1.1.7.0",
        ],
    );
    assert!(ok, "{got}");
    assert_eq!(got, ".1.3.6.1.2.1.1.7.0 = INTEGER: 72\n");
    let (ok, refused) = net_snmp(
        "snmpget",
        &[
            "-r",
            "0",
            "-t",
            "1",
            "-v2c",
            "-c",
            "wrong",
            &listen,
            "1.3.6.1.2.1.1.1.0",
        ],
    );
    assert!(!ok && refused.contains("Timeout"), "{refused}");
    let (stopped, log) = agent.stop();
    assert!(stopped, "{log}");

    // A mistake is one line that names it, exit status 2.
    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args(["agent", "--v3-user", "ops:SHA-256", "--check-config"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("expected NAME:AUTH:AUTHPASS"), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args(["agent", "--listen", "tls:127.0.0.1:1", "--check-config"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("listen[0]") && stderr.contains("not supported yet"),
        "{stderr}"
    );
}

/// smic's own manager over TCP and a Unix socket, against `smic agent`: `smic get` and
/// `smic walk` print what `snmpget` and `snmpwalk` print over the same transports.
#[test]
fn smic_get_and_walk_over_tcp_and_unix_sockets() {
    let dir = temp_dir("streams");
    let tcp = format!("tcp:127.0.0.1:{}", free_tcp_port());
    let socket = dir.join("agent.sock");
    let unix = format!("unix:{}", socket.display());
    let agent = Daemon::start(
        "agent",
        &[
            "--listen",
            &format!("udp:127.0.0.1:{}", free_port()),
            "--listen",
            &tcp,
            "--listen",
            &unix,
            "--community",
            "public",
        ],
        &dir.join("agent.log"),
    );
    agent.wait_for("smic agent serving", 1);
    let smic = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_smic"))
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            output.status.success(),
            "smic {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    for target in [&tcp, &unix] {
        let ours = smic(&[
            "get",
            "-n",
            "-c",
            "public",
            target,
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.2.1.1.5.0",
        ]);
        let (ok, theirs) = net_snmp(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                target,
                ".1.3.6.1.2.1.1.1.0",
                ".1.3.6.1.2.1.1.5.0",
            ],
        );
        assert!(ok, "{theirs}");
        assert_eq!(ours, theirs, "{target}");
        let ours = smic(&["walk", "-n", "-c", "public", target, "1.3.6.1.2.1.1"]);
        let (ok, theirs) = net_snmp(
            "snmpwalk",
            &["-v2c", "-c", "public", target, ".1.3.6.1.2.1.1"],
        );
        assert!(ok, "{theirs}");
        // sysUpTime moves between the two walks.
        let steady = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with(".1.3.6.1.2.1.1.3.0"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(steady(&ours), steady(&theirs), "{target}");
        assert!(ours.lines().count() >= 7, "{ours}");
    }
    // Nothing listening: said, with the address.
    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args([
            "get",
            "-c",
            "public",
            &format!("tcp:127.0.0.1:{}", free_tcp_port()),
            "1.3.6.1.2.1.1.1.0",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("tcp:127.0.0.1:"));
    let (stopped, log) = agent.stop();
    assert!(stopped, "{log}");
}
