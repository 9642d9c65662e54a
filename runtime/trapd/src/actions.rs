//! Actions: what the daemon does with a stored notification besides storing it — run
//! a command (the notification as JSON on its stdin, no shell), append JSON lines to
//! a file or stdout, or forward it to another receiver (RFC 3584: the notification is
//! held in SNMPv2 form and sent as each target's version wants).
//!
//! An action runs only for a notification newly stored (an inform's retransmission
//! triggers nothing), on a worker of its own behind a bounded queue: a command that
//! hangs is killed at its timeout and retried, a full queue drops (counted, logged),
//! and reception never waits for any of it.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;
use smic_snmp::Version;
use smic_snmp::client::UsmConfig;
use smic_snmp::message::SecurityLevel;
use smic_snmp::notify::{Notice, TrapSender};
use smic_snmp::transport::Address;
use smic_snmp::usm::{LocalEngine, User};
use smic_store::{NotificationRecord, StoredNotification};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::{debug, error, info, warn};

use crate::config::ConfigError;

/// One `[[actions]]` entry: which notifications, and what to do with them.
///
/// Every condition given must hold (an empty list holds for all); exactly one of
/// `command`, `file` and `forward` says what to do.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ActionConfig {
    /// A name for the logs; default `actions[N]`.
    #[serde(default)]
    pub name: Option<String>,
    /// The notification is one of these: a name (`IF-MIB::linkDown`), every
    /// notification of a module (`IF-MIB::*`), or a numeric OID and everything under
    /// it (`1.3.6.1.4.1.9`).
    #[serde(default)]
    pub trap: Vec<String>,
    /// It came from one of these addresses or networks (`192.0.2.7`, `10.0.0.0/8`).
    #[serde(default)]
    pub source: Vec<String>,
    /// Each of these matches one of its varbinds.
    #[serde(default)]
    pub varbinds: Vec<VarbindMatch>,
    /// Runs this program with these arguments (no shell), the notification as one
    /// line of JSON on its stdin; success is exit status 0.
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// Appends the notification as one line of JSON to this file (`-`: stdout).
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// Sends the notification on as a trap to `udp:HOST:PORT`.
    #[serde(default)]
    pub forward: Option<String>,
    /// `1`, `2c` (default) or `3`.
    #[serde(default)]
    pub forward_version: Option<String>,
    /// The community of forwarded SNMPv1/v2c traps; default `public`.
    #[serde(default)]
    pub forward_community: Option<String>,
    /// SNMPv3: one of `users`, whose keys (localized to this daemon's engine, the
    /// traps' authoritative one) protect the forwarded traps.
    #[serde(default)]
    pub forward_user: Option<String>,
    /// Seconds one attempt may take; a command still running then is killed.
    /// Default 10.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Attempts after a failed one (1 s, 2 s, 4 s… apart, at most 30 s). Default 3.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Notifications waiting for this action; past it they are dropped (and
    /// counted). Default 1000.
    #[serde(default = "default_queue")]
    pub queue: usize,
}

/// A condition on a varbind.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VarbindMatch {
    /// The object: a name (`IF-MIB::ifAdminStatus`, any instance) or a numeric OID
    /// (and everything under it).
    pub name: String,
    /// Text the value as shown contains (`down`, `eth0`); absent: any value.
    #[serde(default)]
    pub value: Option<String>,
}

fn default_timeout() -> u64 {
    10
}

fn default_retries() -> u32 {
    3
}

fn default_queue() -> usize {
    1000
}

/// An IP network (`10.0.0.0/8`; a bare address is a /32 or /128).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then_some(Network { address, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        // Both as 128-bit numbers, an IPv4 address in the top bits.
        let (a, b) = match (self.address, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (
                u128::from(u32::from(a)) << 96,
                u128::from(u32::from(b)) << 96,
            ),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b)),
            _ => return false,
        };
        let mask = match self.prefix {
            0 => 0,
            p => u128::MAX << (128 - u32::from(p)),
        };
        a & mask == b & mask
    }
}

/// Which notifications an action is for.
#[derive(Clone, Debug)]
struct Matcher {
    traps: Vec<Pattern>,
    sources: Vec<Network>,
    varbinds: Vec<(Pattern, Option<String>)>,
}

/// A name, a module's every name, or an OID subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pattern {
    Name(String),
    Module(String),
    Subtree(String),
}

impl Pattern {
    fn parse(text: &str) -> Option<Pattern> {
        let text = text.trim();
        if let Some(module) = text.strip_suffix("::*") {
            return (!module.is_empty()).then(|| Pattern::Module(format!("{module}::")));
        }
        let numeric = text.trim_start_matches('.');
        if !numeric.is_empty()
            && numeric
                .split('.')
                .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some(Pattern::Subtree(numeric.to_owned()));
        }
        text.contains("::").then(|| Pattern::Name(text.to_owned()))
    }

    /// Whether `oid` (numeric) or `name` (with any instance suffix) is this.
    fn matches(&self, oid: &str, name: Option<&str>) -> bool {
        match self {
            Pattern::Subtree(prefix) => {
                oid == prefix
                    || oid
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            }
            Pattern::Module(module) => name.is_some_and(|n| n.starts_with(module.as_str())),
            Pattern::Name(wanted) => name.is_some_and(|n| {
                n == wanted
                    || n.strip_prefix(wanted.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            }),
        }
    }
}

impl Matcher {
    fn matches(&self, record: &NotificationRecord) -> bool {
        let trap = self.traps.is_empty()
            || self
                .traps
                .iter()
                .any(|p| p.matches(&record.trap_oid, record.trap_name.as_deref()));
        let source = self.sources.is_empty()
            || record
                .source
                .parse::<IpAddr>()
                .is_ok_and(|ip| self.sources.iter().any(|n| n.contains(ip)));
        let varbinds = self.varbinds.iter().all(|(pattern, text)| {
            record.varbinds.iter().any(|vb| {
                pattern.matches(&vb.oid, vb.name.as_deref())
                    && text.as_deref().is_none_or(|t| vb.value.contains(t))
            })
        });
        trap && source && varbinds
    }
}

/// What an action does.
#[derive(Clone, Debug)]
enum Effect {
    Command(Vec<String>),
    File(PathBuf),
    Stdout,
    Forward(Forward),
}

/// Where and how notifications are forwarded.
#[derive(Clone, Debug)]
enum Forward {
    Community {
        to: std::net::SocketAddr,
        version: Version,
        community: String,
    },
    Usm {
        to: std::net::SocketAddr,
        user: User,
        level: SecurityLevel,
    },
}

/// A checked action.
#[derive(Clone, Debug)]
pub(crate) struct Action {
    name: String,
    matcher: Matcher,
    effect: Effect,
    timeout: Duration,
    retries: u32,
    queue: usize,
}

impl ActionConfig {
    /// Checks the entry (`index` names it in messages); `users` are the daemon's.
    pub(crate) fn resolve(
        &self,
        index: usize,
        users: &[(String, User)],
    ) -> Result<Action, ConfigError> {
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| format!("actions[{index}]"));
        let bad = |reason: String| ConfigError::Action {
            action: name.clone(),
            reason,
        };
        let traps = self
            .trap
            .iter()
            .map(|t| {
                Pattern::parse(t).ok_or_else(|| {
                    bad(format!(
                        "trap {t:?}: expected MODULE::name, MODULE::* or a numeric OID"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        let sources = self
            .source
            .iter()
            .map(|s| {
                Network::parse(s).ok_or_else(|| {
                    bad(format!(
                        "source {s:?}: expected an address or a network such as 10.0.0.0/8"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        let varbinds = self
            .varbinds
            .iter()
            .map(|v| {
                Pattern::parse(&v.name)
                    .filter(|p| !matches!(p, Pattern::Module(_)))
                    .map(|p| (p, v.value.clone()))
                    .ok_or_else(|| {
                        bad(format!(
                            "varbind {:?}: expected MODULE::name or a numeric OID",
                            v.name
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        let effect = match (&self.command, &self.file, &self.forward) {
            (Some(argv), None, None) => {
                if argv.first().is_none_or(String::is_empty) {
                    return Err(bad("command: the program to run comes first".into()));
                }
                Effect::Command(argv.clone())
            }
            (None, Some(path), None) if path.as_os_str() == "-" => Effect::Stdout,
            (None, Some(path), None) => Effect::File(path.clone()),
            (None, None, Some(to)) => Effect::Forward(self.forward_target(to, users).map_err(bad)?),
            (None, None, None) => {
                return Err(bad(
                    "says what to do with none of command, file, forward".into()
                ));
            }
            _ => return Err(bad("give one of command, file and forward".into())),
        };
        if self.forward.is_none()
            && (self.forward_version.is_some()
                || self.forward_community.is_some()
                || self.forward_user.is_some())
        {
            return Err(bad("forward_* settings without forward".into()));
        }
        Ok(Action {
            name,
            matcher: Matcher {
                traps,
                sources,
                varbinds,
            },
            effect,
            timeout: Duration::from_secs(self.timeout_seconds.max(1)),
            retries: self.retries,
            queue: self.queue.max(1),
        })
    }

    fn forward_target(&self, to: &str, users: &[(String, User)]) -> Result<Forward, String> {
        let to = match to.parse::<Address>() {
            Ok(Address::Udp(to)) => to,
            Ok(other) => return Err(format!("forward {other}: only UDP targets so far")),
            Err(error) => return Err(format!("forward {error}")),
        };
        match self.forward_version.as_deref().unwrap_or("2c") {
            version @ ("1" | "2c") => Ok(Forward::Community {
                to,
                version: if version == "1" {
                    Version::V1
                } else {
                    Version::V2c
                },
                community: self
                    .forward_community
                    .clone()
                    .unwrap_or_else(|| "public".to_owned()),
            }),
            "3" => {
                let wanted = self
                    .forward_user
                    .as_deref()
                    .ok_or("forward_version 3 needs forward_user, one of [[users]]")?;
                let user = users
                    .iter()
                    .find(|(name, _)| name == wanted)
                    .map(|(_, user)| user.clone())
                    .ok_or_else(|| format!("forward_user {wanted:?}: no such user"))?;
                let level = match (user.auth_protocol(), user.privacy_protocol()) {
                    (None, _) => SecurityLevel::NoAuthNoPriv,
                    (Some(_), None) => SecurityLevel::AuthNoPriv,
                    (Some(_), Some(_)) => SecurityLevel::AuthPriv,
                };
                Ok(Forward::Usm { to, user, level })
            }
            other => Err(format!("forward_version {other:?}: expected 1, 2c or 3")),
        }
    }
}

/// A stored notification on its way to the actions that match it.
pub(crate) struct Job {
    row: StoredNotification,
    notice: Notice,
}

/// Counters of one action.
#[derive(Debug, Default)]
struct ActionStats {
    done: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
}

/// The running actions' queues (shared by every receiving task).
pub(crate) struct Actions {
    actions: Vec<(Action, mpsc::Sender<Arc<Job>>, Arc<ActionStats>)>,
}

/// The actions' workers: they end once every [`Actions`] is dropped and their
/// queues are empty.
pub(crate) struct Workers {
    workers: JoinSet<()>,
    summary: Vec<(String, Arc<ActionStats>)>,
}

/// The notification and, once it is stored, its row: what the actions that matched
/// it are handed.
pub(crate) struct Pending {
    record: NotificationRecord,
    notice: Notice,
    matched: Vec<usize>,
}

impl Actions {
    /// Starts a worker per action; `engine` is the daemon's (SNMPv3 forwarding).
    pub(crate) async fn start(actions: Vec<Action>, engine: &LocalEngine) -> (Actions, Workers) {
        let mut running = Vec::new();
        let mut workers = JoinSet::new();
        for action in actions {
            let (send, receive) = mpsc::channel(action.queue);
            let stats = Arc::new(ActionStats::default());
            let sender = match &action.effect {
                Effect::Forward(forward) => match forwarder(forward, engine).await {
                    Ok(sender) => Some(sender),
                    Err(error) => {
                        error!(action = %action.name, %error, "cannot forward: action disabled");
                        continue;
                    }
                },
                _ => None,
            };
            workers.spawn(work(action.clone(), receive, sender, Arc::clone(&stats)));
            running.push((action, send, stats));
        }
        let summary = running
            .iter()
            .map(|(action, _, stats)| (action.name.clone(), Arc::clone(stats)))
            .collect();
        (Actions { actions: running }, Workers { workers, summary })
    }

    /// The notification, if any action wants it (the record and notice are copied
    /// only then).
    pub(crate) fn pending(
        &self,
        record: &NotificationRecord,
        notice: &Notice,
    ) -> Option<Box<Pending>> {
        let matched: Vec<usize> = self
            .actions
            .iter()
            .enumerate()
            .filter(|(_, (action, _, _))| action.matcher.matches(record))
            .map(|(i, _)| i)
            .collect();
        (!matched.is_empty()).then(|| {
            Box::new(Pending {
                record: record.clone(),
                notice: notice.clone(),
                matched,
            })
        })
    }

    /// Hands a stored notification (row `id`) to the actions that matched it.
    pub(crate) fn dispatch(&self, pending: Box<Pending>, id: i64) {
        let pending = *pending;
        let job = Arc::new(Job {
            row: StoredNotification {
                id,
                record: pending.record,
            },
            notice: pending.notice,
        });
        for i in pending.matched {
            let Some((action, queue, stats)) = self.actions.get(i) else {
                continue;
            };
            if queue.try_send(Arc::clone(&job)).is_err() {
                let dropped = stats.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if dropped.is_power_of_two() {
                    warn!(action = %action.name, dropped, queue = action.queue,
                        "action queue full: notification not handed to it");
                }
            }
        }
    }
}

impl Workers {
    /// Waits up to `grace` for the workers to finish what is queued (the queues must
    /// be closed: every [`Actions`] dropped), then stops them.
    pub(crate) async fn stop(mut self, grace: Duration) {
        let workers = &mut self.workers;
        let finished = tokio::time::timeout(grace, async {
            while workers.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            warn!("actions still running at shutdown: stopped");
            workers.abort_all();
        }
        for (name, stats) in self.summary {
            info!(
                action = %name,
                done = stats.done.load(Ordering::Relaxed),
                failed = stats.failed.load(Ordering::Relaxed),
                dropped = stats.dropped.load(Ordering::Relaxed),
                "action finished"
            );
        }
    }
}

async fn forwarder(forward: &Forward, engine: &LocalEngine) -> std::io::Result<TrapSender> {
    match forward {
        Forward::Community {
            to,
            version,
            community,
        } => TrapSender::community(*to, *version, community.as_bytes()).await,
        Forward::Usm { to, user, level } => {
            TrapSender::usm(*to, UsmConfig::new(user.clone(), *level), engine.clone()).await
        }
    }
}

/// One action's worker: every job, with retries, until the queue closes.
async fn work(
    action: Action,
    mut queue: mpsc::Receiver<Arc<Job>>,
    sender: Option<TrapSender>,
    stats: Arc<ActionStats>,
) {
    while let Some(job) = queue.recv().await {
        let mut attempt = 0;
        loop {
            let outcome = tokio::time::timeout(action.timeout, run(&action, &job, sender.as_ref()))
                .await
                .unwrap_or_else(|_| Err(format!("no result in {:?}", action.timeout)));
            match outcome {
                Ok(()) => {
                    stats.done.fetch_add(1, Ordering::Relaxed);
                    debug!(action = %action.name, id = job.row.id, "action done");
                    break;
                }
                Err(reason) if attempt < action.retries => {
                    attempt += 1;
                    let wait = Duration::from_secs((1u64 << (attempt - 1).min(5)).min(30));
                    warn!(action = %action.name, id = job.row.id, %reason, attempt,
                        retry_in = ?wait, "action failed: will retry");
                    tokio::time::sleep(wait).await;
                }
                Err(reason) => {
                    stats.failed.fetch_add(1, Ordering::Relaxed);
                    error!(action = %action.name, id = job.row.id, %reason,
                        attempts = attempt + 1, "action failed: given up");
                    break;
                }
            }
        }
    }
}

/// One attempt.
async fn run(action: &Action, job: &Job, sender: Option<&TrapSender>) -> Result<(), String> {
    let line = || format!("{}\n", job.row.to_json());
    match &action.effect {
        Effect::Command(argv) => command(argv, line().as_bytes()).await,
        Effect::File(path) => {
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await
                .map_err(|e| format!("{}: {e}", path.display()))?;
            file.write_all(line().as_bytes())
                .await
                .map_err(|e| format!("{}: {e}", path.display()))
        }
        Effect::Stdout => {
            let mut out = tokio::io::stdout();
            out.write_all(line().as_bytes())
                .await
                .and(out.flush().await)
                .map_err(|e| format!("stdout: {e}"))
        }
        Effect::Forward(_) => match sender {
            Some(sender) => sender.send(&job.notice).await.map_err(|e| e.to_string()),
            None => Err("no sender".into()),
        },
    }
}

/// Runs `argv` with `input` on its stdin; its stdout is discarded, its stderr is the
/// daemon's. Killed if the attempt times out (the child is dropped).
async fn command(argv: &[String], input: &[u8]) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("no program")?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that does not read its input is its own business: a broken pipe
        // is not a failure, its exit status decides.
        let _ = stdin.write_all(input).await;
    }
    let status = child.wait().await.map_err(|e| format!("{program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program}: {status}"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_networks() {
        let linkdown = Pattern::parse("IF-MIB::linkDown").unwrap();
        assert!(linkdown.matches("1.3.6.1.6.3.1.1.5.3", Some("IF-MIB::linkDown")));
        assert!(!linkdown.matches("1.3.6.1.6.3.1.1.5.4", Some("IF-MIB::linkDownX")));
        let column = Pattern::parse("IF-MIB::ifAdminStatus").unwrap();
        assert!(column.matches("1.3.6.1.2.1.2.2.1.7.3", Some("IF-MIB::ifAdminStatus.3")));
        let module = Pattern::parse("IF-MIB::*").unwrap();
        assert!(module.matches("1.3.6.1.6.3.1.1.5.4", Some("IF-MIB::linkUp")));
        let cisco = Pattern::parse(".1.3.6.1.4.1.9").unwrap();
        assert!(cisco.matches("1.3.6.1.4.1.9.9.41.2.0.1", None));
        assert!(!cisco.matches("1.3.6.1.4.1.99", None));
        assert_eq!(Pattern::parse("linkDown"), None);
        assert_eq!(Pattern::parse("1..3"), None);
        let net = Network::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        assert!(!net.contains("::1".parse().unwrap()));
        assert!(
            Network::parse("::1")
                .unwrap()
                .contains("::1".parse().unwrap())
        );
        assert!(
            Network::parse("0.0.0.0/0")
                .unwrap()
                .contains("192.0.2.1".parse().unwrap())
        );
        assert_eq!(Network::parse("10.0.0.0/33"), None);
    }
}
