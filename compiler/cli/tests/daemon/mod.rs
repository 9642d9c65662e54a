//! A daemon subcommand run as a process by the tests: started with its log in a file,
//! signalled, stopped.

#![allow(dead_code)]

use std::io::Read;
use std::net::UdpSocket;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free UDP port on 127.0.0.1 (bound and released: the daemon binds it next).
pub(crate) fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The daemon, with its log (stderr) in a file the test reads as it goes.
pub(crate) struct Daemon {
    child: Child,
    log: std::path::PathBuf,
}

impl Daemon {
    /// Starts `smic SUBCOMMAND ARGS…`, its stderr into `log`.
    pub(crate) fn start(subcommand: &str, args: &[&str], log: &Path) -> Daemon {
        let file = std::fs::File::create(log).unwrap_or_else(|e| panic!("{e}"));
        let child = Command::new(env!("CARGO_BIN_EXE_smic"))
            .arg(subcommand)
            .args(args)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        Daemon {
            child,
            log: log.to_path_buf(),
        }
    }

    /// The log so far.
    pub(crate) fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// Waits until the log has `count` lines containing `needle`.
    pub(crate) fn wait_for(&self, needle: &str, count: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let log = self.log();
            if log.matches(needle).count() >= count {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "no {count}× {needle:?} in the log:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends a signal by name (`HUP`, `TERM`).
    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args(["-s", name, &self.child.id().to_string()])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success(), "kill -s {name}");
    }

    /// The daemon's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL: the daemon gets no chance to finish anything.
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and the exit status within 20 s.
    pub(crate) fn stop(mut self) -> (bool, String) {
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
                return (status.success(), self.log());
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the daemon did not stop on SIGTERM:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
