//! The example agent (`examples/agent.rs`) as a user runs it: started from a
//! configuration file, queried with net-snmp's tools. Its ifTable must list the host's
//! interfaces (`/sys/class/net`), its system group what the file says, and its
//! communities read and write what the file allows.

use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// `cargo test` builds the package's examples next to the test binaries' directory.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap_or_else(|| panic!("no target directory above {}", exe.display()));
    let binary = dir.join("examples").join("agent");
    assert!(
        binary.exists(),
        "{} is missing: `cargo test` builds it, or run `cargo build -p smic-snmp --examples`",
        binary.display()
    );
    binary
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}); install Debian's `snmp`"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

fn start(config: &str) -> (Running, String) {
    let port = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let dir =
        std::env::temp_dir().join(format!("smic-example-agent-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("agent.conf");
    std::fs::write(&path, format!("listen 127.0.0.1:{port}\n{config}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let child = Command::new(example_binary())
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let running = Running(child);
    let target = format!("udp:127.0.0.1:{port}");
    for _ in 0..50 {
        let (ok, _) = tool(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                "-t",
                "0.1",
                "-r",
                "0",
                &target,
                ".1.3.6.1.2.1.1.1.0",
            ],
        );
        if ok {
            return (running, target);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the example agent did not answer on {target}");
}

const CONFIG: &str = "sysDescr example under test\nsysName tested\n\
                      view all included .1\nview system included .1.3.6.1.2.1.1\n\
                      community public all\ncommunity private all system\n\
                      engineID example-test\n\
                      user ops SHA-256 ops-auth-pass AES-256-C \"ops priv pass\"\n\
                      access ops authPriv all system\n";

#[test]
fn serves_the_host_interfaces_and_the_configured_system_group() {
    let (_agent, target) = start(CONFIG);
    // The host's interfaces, in ifIndex order.
    let mut host: Vec<(u32, String)> = std::fs::read_dir("/sys/class/net")
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .filter_map(|entry| {
            let index = std::fs::read_to_string(entry.path().join("ifindex")).ok()?;
            Some((
                index.trim().parse().ok()?,
                entry.file_name().to_string_lossy().into_owned(),
            ))
        })
        .collect();
    host.sort();
    let (ok, walk) = tool(
        "snmpwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Oq",
            "-Ov",
            &target,
            ".1.3.6.1.2.1.2.2.1.2",
        ],
    );
    assert!(ok, "{walk}");
    let names: Vec<String> = walk
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect();
    assert_eq!(
        names,
        host.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>()
    );
    // GetBulk sees the same table.
    let (ok, bulk) = tool(
        "snmpbulkwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Oq",
            "-Ov",
            &target,
            ".1.3.6.1.2.1.2.2.1.2",
        ],
    );
    assert!(ok);
    assert_eq!(bulk, walk);

    let (ok, system) = tool(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Oq",
            "-Ov",
            &target,
            ".1.3.6.1.2.1.1.1.0",
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert!(ok, "{system}");
    assert_eq!(system, "\"example under test\"\n\"tested\"\n");

    // private writes the system group; public writes nothing.
    let (ok, out) = tool(
        "snmpset",
        &[
            "-v2c",
            "-c",
            "private",
            "-On",
            "-Oq",
            &target,
            ".1.3.6.1.2.1.1.5.0",
            "s",
            "renamed",
        ],
    );
    assert!(ok, "{out}");
    let (_, name) = tool(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Oq",
            "-Ov",
            &target,
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert_eq!(name, "\"renamed\"\n");
    let (ok, out) = tool(
        "snmpset",
        &[
            "-v2c",
            "-c",
            "public",
            &target,
            ".1.3.6.1.2.1.1.5.0",
            "s",
            "nope",
        ],
    );
    assert!(!ok && out.contains("authorizationError"), "{out}");
}

#[test]
fn a_broken_configuration_is_refused_with_its_line() {
    let dir = std::env::temp_dir().join(format!("smic-example-agent-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("agent.conf");
    std::fs::write(&path, "view all included .1\ncommunity public everything\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(example_binary())
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("everything"),
        "{stderr}"
    );
}
