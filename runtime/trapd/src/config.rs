//! The daemon's configuration: a TOML file (see `examples/trapd.toml`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Deserialize;
use smic_snmp::notify::ReceiverConfig;
use smic_snmp::transport::stream::StreamLimits;
use smic_snmp::transport::{Address, AddressError};
use smic_snmp::usm::{LocalEngine, User};
use smic_store::{Database, StoreConfig};

use crate::actions::{Action, ActionConfig};

/// Why a configuration is refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML, or not the fields this program knows (the message names the line).
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    /// A listen address that is not `udp:`, `tcp:` or `unix:` as net-snmp writes them.
    #[error("listen address {0}")]
    Listen(#[from] AddressError),
    /// A Unix socket mode that is not octal permissions.
    #[error("unix_socket_mode {0:?}: expected octal permissions such as \"0660\"")]
    Mode(String),
    /// A database URL that is neither SQLite nor PostgreSQL.
    #[error(transparent)]
    Database(#[from] smic_store::StoreError),
    /// An SNMPv3 user whose protocols or passwords do not fit.
    #[error("user {user:?}: {reason}")]
    User {
        /// The user's name.
        user: String,
        /// What is wrong.
        reason: String,
    },
    /// An `[[actions]]` entry that does not fit.
    #[error("action {action:?}: {reason}")]
    Action {
        /// The action's name (or `actions[N]`).
        action: String,
        /// What is wrong.
        reason: String,
    },
    /// An engine id that is not hexadecimal, or not 5 to 32 octets (RFC 3411).
    #[error("engine_id {0:?}: expected 5 to 32 octets in hexadecimal")]
    EngineId(String),
}

/// The configuration file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrapdConfig {
    /// Where to listen: `udp:HOST:PORT` (or `HOST:PORT`), `tcp:HOST:PORT` (RFC 3430),
    /// `unix:PATH`. Default `udp:0.0.0.0:162`.
    #[serde(default = "default_listen")]
    pub listen: Vec<String>,
    /// Communities accepted from SNMPv1 and SNMPv2c senders. Nothing is accepted
    /// without one (no community means no v1/v2c notifications).
    #[serde(default)]
    pub communities: Vec<String>,
    /// SNMPv3 users.
    #[serde(default)]
    pub users: Vec<UserConfig>,
    /// This receiver's engine id in hex (authoritative for SNMPv3 informs); default
    /// one derived from the text `smic-trapd`.
    #[serde(default)]
    pub engine_id: Option<String>,
    /// Where notifications are stored: an SQLite path (default `traps.sqlite`) or a
    /// `postgresql://` URL.
    #[serde(default = "default_database")]
    pub database: String,
    /// Keep each message's bytes as received (`raw_message`).
    #[serde(default)]
    pub store_raw: bool,
    /// The most notifications waiting to be written; past it they are dropped (and
    /// counted, and informs are left unacknowledged, so senders retransmit).
    #[serde(default = "default_queue")]
    pub queue_bound: usize,
    /// `SO_RCVBUF` of each socket, in bytes: what the kernel holds while a burst is
    /// being processed (Linux doubles it, and caps it at `net.core.rmem_max`).
    /// Default: the system's.
    #[serde(default)]
    pub receive_buffer: Option<usize>,
    /// Sockets per listen address (`SO_REUSEPORT`; the kernel spreads senders over
    /// them, each served on its own task). Default: one per core.
    #[serde(default)]
    pub sockets_per_address: Option<usize>,
    /// TCP and Unix connections open at once; past it new ones are closed (and
    /// counted). Default 256.
    #[serde(default = "default_stream_connections")]
    pub stream_connections: usize,
    /// Seconds a stream connection may send nothing, or take to finish a message,
    /// before it is closed. Default 60.
    #[serde(default = "default_stream_idle")]
    pub stream_idle_seconds: u64,
    /// The largest message taken from a TCP or Unix stream, in bytes (a datagram is at
    /// most 65,507); it also bounds what one connection buffers. Default 262144.
    #[serde(default = "default_stream_message")]
    pub stream_max_message: usize,
    /// Permissions of `unix:` socket files, in octal. Default "0600".
    #[serde(default)]
    pub unix_socket_mode: Option<String>,
    /// Where the daemon keeps its state (snmpEngineBoots, RFC 3414, so SNMPv3
    /// senders never see the clock go back). Default: none, boots stay 1.
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
    /// Lines a second logged for refused notifications; past it they are counted and
    /// summed up in one line. Default 10.
    #[serde(default = "default_refusal_lines")]
    pub refusal_log_per_second: u32,
    /// What to do with stored notifications besides storing them.
    #[serde(default)]
    pub actions: Vec<ActionConfig>,
    /// PostgreSQL only: a local SQLite file that takes notifications once the
    /// database has been unreachable for two seconds (informs are acknowledged once
    /// they are in it), drained into the database when it answers again. Default:
    /// `spill.sqlite` in `state_dir` when that is set; otherwise none (notifications
    /// wait in the queue, then are dropped and counted; informs go unanswered).
    #[serde(default)]
    pub spill_file: Option<PathBuf>,
    /// Directories of MIB modules (vendors' and your own): a notification with an OID
    /// one of them defines is named through it, the module loaded the first time it
    /// is needed. The generated IETF modules name everything else. Default: none.
    #[serde(default)]
    pub mib_dirs: Vec<PathBuf>,
    /// The OID index of `mib_dirs` as `smic index` writes it; without one the
    /// directories are indexed at start (every module loaded once). Default: none.
    #[serde(default)]
    pub oid_index: Option<PathBuf>,
}

/// One SNMPv3 user.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// The user name.
    pub name: String,
    /// `MD5`, `SHA`, `SHA-224`, `SHA-256`, `SHA-384`, `SHA-512`.
    #[serde(default)]
    pub auth_protocol: Option<String>,
    /// The authentication password (at least 8 characters).
    #[serde(default)]
    pub auth_password: Option<String>,
    /// `DES`, `3DES`, `AES`, `AES-192`, `AES-256`, `AES-192-C`, `AES-256-C`.
    #[serde(default)]
    pub privacy_protocol: Option<String>,
    /// The privacy password.
    #[serde(default)]
    pub privacy_password: Option<String>,
}

fn default_listen() -> Vec<String> {
    vec!["udp:0.0.0.0:162".to_owned()]
}

fn default_database() -> String {
    "traps.sqlite".to_owned()
}

fn default_queue() -> usize {
    10_000
}

fn default_stream_connections() -> usize {
    256
}

fn default_stream_message() -> usize {
    256 * 1024
}

fn default_stream_idle() -> u64 {
    60
}

fn default_refusal_lines() -> u32 {
    10
}

impl Default for TrapdConfig {
    fn default() -> TrapdConfig {
        TrapdConfig {
            listen: default_listen(),
            communities: Vec::new(),
            users: Vec::new(),
            engine_id: None,
            database: default_database(),
            store_raw: false,
            queue_bound: default_queue(),
            receive_buffer: None,
            sockets_per_address: None,
            stream_connections: default_stream_connections(),
            stream_idle_seconds: default_stream_idle(),
            stream_max_message: default_stream_message(),
            unix_socket_mode: None,
            state_dir: None,
            refusal_log_per_second: default_refusal_lines(),
            actions: Vec::new(),
            mib_dirs: Vec::new(),
            oid_index: None,
            spill_file: None,
        }
    }
}

impl TrapdConfig {
    /// Reads a configuration file's text.
    pub fn parse(text: &str) -> Result<TrapdConfig, ConfigError> {
        Ok(toml::from_str(text)?)
    }

    /// The addresses to listen on.
    pub fn listen_addresses(&self) -> Result<Vec<Address>, ConfigError> {
        self.listen
            .iter()
            .map(|listen| Ok(listen.parse::<Address>()?))
            .collect()
    }

    /// The permissions of `unix:` socket files.
    pub fn unix_mode(&self) -> Result<u32, ConfigError> {
        match &self.unix_socket_mode {
            None => Ok(0o600),
            Some(text) => u32::from_str_radix(text.trim_start_matches("0o"), 8)
                .ok()
                .filter(|mode| *mode <= 0o777)
                .ok_or_else(|| ConfigError::Mode(text.clone())),
        }
    }

    /// Bounds on TCP and Unix peers.
    pub fn stream_limits(&self) -> StreamLimits {
        StreamLimits {
            max_connections: self.stream_connections.max(1),
            idle: Duration::from_secs(self.stream_idle_seconds.max(1)),
            max_message: self.stream_max_message.max(484),
        }
    }

    /// Checks every part of the configuration that can be checked without binding a
    /// socket or opening the database.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.listen_addresses()?;
        self.unix_mode()?;
        self.receiver(1)?;
        self.actions()?;
        self.store()?;
        Ok(())
    }

    /// The actions, checked.
    pub(crate) fn actions(&self) -> Result<Vec<Action>, ConfigError> {
        let users: Vec<(String, User)> = self
            .users
            .iter()
            .map(|u| Ok((u.name.clone(), u.user()?)))
            .collect::<Result<_, ConfigError>>()?;
        self.actions
            .iter()
            .enumerate()
            .map(|(i, a)| a.resolve(i, &users))
            .collect()
    }

    /// The store's configuration.
    pub fn store(&self) -> Result<StoreConfig, ConfigError> {
        let database = Database::parse(&self.database)?;
        let spill = match (&database, &self.spill_file, &self.state_dir) {
            (Database::Sqlite(_), _, _) => None,
            (_, Some(file), _) => Some(file.clone()),
            (_, None, Some(dir)) => Some(dir.join("spill.sqlite")),
            (_, None, None) => None,
        };
        Ok(StoreConfig {
            queue_bound: self.queue_bound,
            spill,
            ..StoreConfig::new(database)
        })
    }

    /// The receiver's: communities, users with their keys, the engine (whose boots
    /// are `boots`: see [`TrapdConfig::state_dir`]).
    pub fn receiver(&self, boots: u32) -> Result<ReceiverConfig, ConfigError> {
        let engine_id = match &self.engine_id {
            Some(hex) => parse_engine_id(hex)?,
            None => LocalEngine::text_id(8072, "smic-trapd"),
        };
        Ok(ReceiverConfig {
            communities: self
                .communities
                .iter()
                .map(|c| c.as_bytes().to_vec())
                .collect(),
            users: self
                .users
                .iter()
                .map(UserConfig::user)
                .collect::<Result<_, _>>()?,
            engine: LocalEngine::new(engine_id, boots, Instant::now()),
        })
    }
}

impl UserConfig {
    /// The USM user, keys derived from the passwords.
    fn user(&self) -> Result<User, ConfigError> {
        let pair = |protocol: &Option<String>, password: &Option<String>, what: &str| match (
            protocol, password,
        ) {
            (None, None) => Ok(None),
            (Some(p), Some(w)) => Ok(Some((p.clone(), w.clone()))),
            _ => Err(ConfigError::User {
                user: self.name.clone(),
                reason: format!("{what}_protocol and {what}_password go together"),
            }),
        };
        let auth = pair(&self.auth_protocol, &self.auth_password, "auth")?;
        let privacy = pair(&self.privacy_protocol, &self.privacy_password, "privacy")?;
        User::from_passphrases(
            &self.name,
            auth.as_ref().map(|(p, w)| (p.as_str(), w.as_str())),
            privacy.as_ref().map(|(p, w)| (p.as_str(), w.as_str())),
        )
        .map_err(|reason| ConfigError::User {
            user: self.name.clone(),
            reason,
        })
    }
}

fn parse_engine_id(text: &str) -> Result<Vec<u8>, ConfigError> {
    let hex = text.trim_start_matches("0x");
    let bad = || ConfigError::EngineId(text.to_owned());
    if hex.len() % 2 != 0 || !(10..=64).contains(&hex.len()) {
        return Err(bad());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).ok_or_else(bad)?, 16).map_err(|_| bad()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_is_valid() {
        let config = TrapdConfig::parse(include_str!("../examples/trapd.toml")).expect("parses");
        assert_eq!(
            config.listen_addresses().expect("addresses"),
            [
                "udp:0.0.0.0:162".parse().expect("addr"),
                "udp:[::]:162".parse().expect("addr"),
                "tcp:0.0.0.0:162".parse().expect("addr"),
            ]
        );
        assert_eq!(config.unix_mode().expect("mode"), 0o660);
        assert_eq!(config.actions().expect("actions").len(), 3);
        config.check().expect("valid");
        assert_eq!(config.communities, ["public"]);
        let receiver = config.receiver(1).expect("receiver");
        assert_eq!(receiver.users.len(), 2);
        assert!(config.store().is_ok());
    }

    #[test]
    fn defaults_and_refusals() {
        let config = TrapdConfig::parse("").expect("empty is the defaults");
        assert_eq!(config, TrapdConfig::default());
        assert!(TrapdConfig::parse("listen = 162").is_err());
        assert!(
            TrapdConfig::parse("colour = 'blue'").is_err(),
            "unknown fields"
        );
        let tls = TrapdConfig::parse("listen = ['tls:0.0.0.0:10162']").expect("parses");
        assert!(matches!(
            tls.listen_addresses(),
            Err(ConfigError::Listen(_))
        ));
        let bad = TrapdConfig::parse("listen = ['udp:nowhere']").expect("parses");
        assert!(matches!(
            bad.listen_addresses(),
            Err(ConfigError::Listen(_))
        ));
        let mode = TrapdConfig::parse("unix_socket_mode = '999'").expect("parses");
        assert!(matches!(mode.unix_mode(), Err(ConfigError::Mode(_))));
        let user = TrapdConfig::parse(
            "[[users]]\nname = 'u'\nauth_protocol = 'SHA'\nauth_password = 'short'",
        )
        .expect("parses");
        assert!(matches!(user.receiver(1), Err(ConfigError::User { .. })));
        let engine = TrapdConfig::parse("engine_id = '80001f88'").expect("parses");
        assert!(matches!(engine.receiver(1), Err(ConfigError::EngineId(_))));
        let engine = TrapdConfig::parse("engine_id = '80001f8804736d6963'").expect("parses");
        assert_eq!(
            engine.receiver(1).expect("engine").engine.id(),
            [0x80, 0, 0x1f, 0x88, 4, b's', b'm', b'i', b'c']
        );
    }
}
