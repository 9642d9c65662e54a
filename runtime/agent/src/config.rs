//! The agent's configuration: a TOML file (see `examples/agent.toml`), every field
//! optional.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use smic_agentx::master::MasterLimits;
use smic_agentx::subagent::MasterAddress;
use smic_smi::Oid;
use smic_snmp::Version;
use smic_snmp::agent::AccessControl;
use smic_snmp::agent::system::SystemInfo;
use smic_snmp::message::SecurityLevel;
use smic_snmp::transport::Address;
use smic_snmp::usm::User;

/// Why a configuration is refused. Each names the field and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML, or a field this program does not know (the message names the line).
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    /// Something else wrong with one field.
    #[error("{field}: {reason}")]
    Field {
        /// Which field (`listen[0]`, `users.ops`, …).
        field: String,
        /// What is wrong and what was expected.
        reason: String,
    },
}

fn field(field: impl Into<String>, reason: impl Into<String>) -> ConfigError {
    ConfigError::Field {
        field: field.into(),
        reason: reason.into(),
    }
}

/// The configuration file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Where SNMP requests come in: `udp:HOST:PORT` (or `HOST:PORT`), `tcp:HOST:PORT`
    /// (RFC 3430), `unix:PATH`. Default `["udp:0.0.0.0:161"]`.
    #[serde(default)]
    pub listen: Vec<String>,
    /// Sockets per listen address (`SO_REUSEPORT`: the kernel spreads clients over
    /// them, each served on its own task). Default: one per core.
    #[serde(default)]
    pub sockets_per_address: Option<usize>,
    /// Requests waiting for subagents at once; past it new ones are dropped (and
    /// counted), as a UDP agent under overload does. Default 4096.
    #[serde(default)]
    pub max_in_flight: Option<usize>,
    /// Stream connections (TCP, Unix) open at once; more are closed as they arrive.
    /// Default 256.
    #[serde(default)]
    pub stream_connections: Option<usize>,
    /// Seconds a stream connection may stay silent before it is closed. Default 60.
    #[serde(default)]
    pub stream_idle_seconds: Option<u64>,
    /// Permissions of `unix:` listen sockets, in octal; default `"0600"`.
    #[serde(default)]
    pub unix_socket_mode: Option<String>,
    /// The SNMPv2-MIB system group.
    #[serde(default)]
    pub system: SystemConfig,
    /// Which built-in groups to serve: `system`, `snmp` (the SNMPv2-MIB counters),
    /// `agentx` (the AgentX-MIB: the master's sessions and registrations). SNMPv3's
    /// engine objects come with the first user. Default all three.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
    /// Views: families of subtrees. `all` (everything) exists unless redefined.
    #[serde(default)]
    pub views: Vec<ViewConfig>,
    /// SNMPv1 and SNMPv2c communities.
    #[serde(default)]
    pub communities: Vec<CommunityConfig>,
    /// SNMPv3 users.
    #[serde(default)]
    pub users: Vec<UserConfig>,
    /// The SNMPv3 engine ID in hex (5 to 32 octets); default derived from the text
    /// `smic` and the host name.
    #[serde(default)]
    pub engine_id: Option<String>,
    /// Where the agent keeps state across restarts (the engine's boot counter, which
    /// RFC 3414 wants to grow on every start). Default: none, boots stay 1.
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
    /// The AgentX master.
    #[serde(default)]
    pub agentx: AgentxConfig,
    /// Where notifications from subagents are sent.
    #[serde(default)]
    pub notify: Vec<NotifyConfig>,
}

/// The system group (RFC 3418).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {
    /// `sysDescr`; default "smic agent".
    pub descr: Option<String>,
    /// `sysObjectID`; default net-snmp's generic Linux agent, 1.3.6.1.4.1.8072.3.2.10.
    pub object_id: Option<String>,
    /// `sysContact`.
    pub contact: Option<String>,
    /// `sysName`; default the host name.
    pub name: Option<String>,
    /// `sysLocation`.
    pub location: Option<String>,
    /// `sysServices`; default 72 (application and end-to-end).
    pub services: Option<i32>,
}

/// One view family set.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ViewConfig {
    /// The view's name.
    pub name: String,
    /// Subtrees in the view (numeric OIDs, a leading dot allowed).
    #[serde(default)]
    pub included: Vec<String>,
    /// Subtrees taken out of it.
    #[serde(default)]
    pub excluded: Vec<String>,
}

/// One community.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CommunityConfig {
    /// The community string.
    pub name: String,
    /// The view it reads; default `all`.
    #[serde(default)]
    pub read_view: Option<String>,
    /// The view it writes; default none (read-only).
    #[serde(default)]
    pub write_view: Option<String>,
}

/// One SNMPv3 user and what it may do.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// The user name.
    pub name: String,
    /// `MD5`, `SHA`, `SHA-224`, `SHA-256`, `SHA-384`, `SHA-512`.
    #[serde(default)]
    pub auth_protocol: Option<String>,
    /// The authentication passphrase (at least 8 characters).
    #[serde(default)]
    pub auth_password: Option<String>,
    /// `DES`, `3DES`, `AES`, `AES-192`, `AES-256`, `AES-192-C`, `AES-256-C`.
    #[serde(default)]
    pub privacy_protocol: Option<String>,
    /// The privacy passphrase.
    #[serde(default)]
    pub privacy_password: Option<String>,
    /// The lowest level its requests must have: `noAuthNoPriv`, `authNoPriv`,
    /// `authPriv`. Default: the most its keys allow.
    #[serde(default)]
    pub level: Option<String>,
    /// The view it reads; default `all`.
    #[serde(default)]
    pub read_view: Option<String>,
    /// The view it writes; default none.
    #[serde(default)]
    pub write_view: Option<String>,
}

/// The AgentX master.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AgentxConfig {
    /// Where subagents connect: `tcp:HOST:PORT`, `unix:PATH` (net-snmp's
    /// `agentXSocket` notation). Default: none, no master.
    #[serde(default)]
    pub listen: Vec<String>,
    /// Permissions of Unix sockets, in octal; default `"0600"` (the agent's user).
    #[serde(default)]
    pub socket_mode: Option<String>,
    /// How long a request waits for a subagent that asked for no timeout of its
    /// own, in milliseconds; default 1000.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Sessions open at once; default 1024.
    #[serde(default)]
    pub max_sessions: Option<usize>,
}

/// One notification target.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// `udp:HOST:PORT` (or `HOST:PORT`).
    pub target: String,
    /// `1`, `2c` (default) or `3`.
    #[serde(default)]
    pub version: Option<String>,
    /// The community of SNMPv1 and SNMPv2c traps; default `public`.
    #[serde(default)]
    pub community: Option<String>,
    /// SNMPv3: the name of one of `users`, whose keys protect the traps.
    #[serde(default)]
    pub user: Option<String>,
}

/// Where notifications go, resolved.
#[derive(Clone, Debug)]
pub enum Target {
    /// SNMPv1 or SNMPv2c.
    Community {
        /// The receiver.
        address: SocketAddr,
        /// v1 or v2c.
        version: Version,
        /// The community.
        community: String,
    },
    /// SNMPv3 at the user's level.
    Usm {
        /// The receiver.
        address: SocketAddr,
        /// The user.
        user: User,
        /// Its level.
        level: SecurityLevel,
    },
}

/// An SNMPv3 user with its access.
#[derive(Clone)]
pub struct UserAccess {
    /// The USM user.
    pub user: User,
    /// The lowest level its requests must have.
    pub level: SecurityLevel,
    /// The view it reads.
    pub read_view: Option<String>,
    /// The view it writes.
    pub write_view: Option<String>,
}

impl AgentConfig {
    /// Reads a configuration file's text.
    pub fn parse(text: &str) -> Result<AgentConfig, ConfigError> {
        Ok(toml::from_str(text)?)
    }

    /// Every check that does not need a socket: what `--check-config` runs.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.listen_addresses()?;
        self.system_info()?;
        self.access()?;
        self.users()?;
        self.engine_id()?;
        self.agentx_addresses()?;
        self.socket_mode()?;
        self.unix_socket_mode()?;
        self.targets()?;
        self.groups()?;
        Ok(())
    }

    /// The addresses to listen on.
    pub fn listen_addresses(&self) -> Result<Vec<Address>, ConfigError> {
        if self.listen.is_empty() {
            return Ok(vec![Address::Udp(SocketAddr::from(([0, 0, 0, 0], 161)))]);
        }
        self.listen
            .iter()
            .enumerate()
            .map(|(i, listen)| {
                listen
                    .parse::<Address>()
                    .map_err(|error| field(format!("listen[{i}]"), error.to_string()))
            })
            .collect()
    }

    /// The UDP addresses to listen on.
    pub fn udp_addresses(&self) -> Result<Vec<SocketAddr>, ConfigError> {
        Ok(self
            .listen_addresses()?
            .into_iter()
            .filter_map(|l| match l {
                Address::Udp(addr) => Some(addr),
                _ => None,
            })
            .collect())
    }

    /// The system group.
    pub fn system_info(&self) -> Result<SystemInfo, ConfigError> {
        let s = &self.system;
        let object_id = match &s.object_id {
            Some(text) => parse_oid(text).map_err(|reason| field("system.object_id", reason))?,
            // net-snmp's netSnmpAgentOIDs.linux: a generic Linux agent.
            None => Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 8072, 3, 2, 10]),
        };
        Ok(SystemInfo {
            descr: s.descr.clone().unwrap_or_else(|| "smic agent".to_owned()),
            object_id,
            contact: s.contact.clone().unwrap_or_default(),
            name: s.name.clone().unwrap_or_else(host_name),
            location: s.location.clone().unwrap_or_default(),
            services: s.services.unwrap_or(72),
        })
    }

    /// The built-in groups to serve.
    pub fn groups(&self) -> Result<BTreeSet<String>, ConfigError> {
        let Some(groups) = &self.groups else {
            return Ok(["system", "snmp", "agentx"].map(str::to_owned).into());
        };
        groups
            .iter()
            .map(|g| match g.as_str() {
                "system" | "snmp" | "agentx" => Ok(g.clone()),
                _ => Err(field(
                    "groups",
                    format!("unknown group {g:?} (expected system, snmp, agentx)"),
                )),
            })
            .collect()
    }

    /// Views, communities and users' access as VACM tables.
    pub fn access(&self) -> Result<AccessControl, ConfigError> {
        let mut access = AccessControl::new();
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for view in &self.views {
            names.insert(&view.name);
            for (included, list) in [(true, &view.included), (false, &view.excluded)] {
                for subtree in list {
                    let oid = parse_oid(subtree)
                        .map_err(|reason| field(format!("views.{}", view.name), reason))?;
                    access.view(&view.name, oid, included);
                }
            }
        }
        if !names.contains("all") {
            access.view("all", Oid::from_vec(vec![1]), true);
            names.insert("all");
        }
        let known = |view: &Option<String>, default: Option<&str>, at: String| match view
            .as_deref()
            .or(default)
        {
            Some(name) if !names.contains(name) => Err(field(
                at,
                format!("no view named {name:?} (define it under [[views]])"),
            )),
            other => Ok(other.map(str::to_owned)),
        };
        for c in &self.communities {
            let at = format!("communities.{}", c.name);
            let read = known(&c.read_view, Some("all"), at.clone())?;
            let write = known(&c.write_view, None, at)?;
            access.community(&c.name, read.as_deref(), write.as_deref());
        }
        for (u, config) in self.users()?.iter().zip(&self.users) {
            let at = format!("users.{}", config.name);
            let read = known(&u.read_view, Some("all"), at.clone())?;
            let write = known(&u.write_view, None, at)?;
            access.user(&config.name, u.level, read.as_deref(), write.as_deref());
        }
        Ok(access)
    }

    /// The SNMPv3 users, keys derived.
    pub fn users(&self) -> Result<Vec<UserAccess>, ConfigError> {
        self.users.iter().map(UserConfig::access).collect()
    }

    /// The engine ID.
    pub fn engine_id(&self) -> Result<Vec<u8>, ConfigError> {
        match &self.engine_id {
            Some(hex) => parse_hex(hex).ok_or_else(|| {
                field(
                    "engine_id",
                    format!("{hex:?}: expected 5 to 32 octets in hexadecimal"),
                )
            }),
            None => Ok(smic_snmp::usm::LocalEngine::text_id(
                8072,
                &format!("smic-{}", host_name()),
            )),
        }
    }

    /// The AgentX master's sockets.
    pub fn agentx_addresses(&self) -> Result<Vec<MasterAddress>, ConfigError> {
        self.agentx
            .listen
            .iter()
            .enumerate()
            .map(|(i, text)| {
                text.parse::<MasterAddress>().map_err(|e| {
                    field(
                        format!("agentx.listen[{i}]"),
                        format!("{text:?}: {e} (expected tcp:HOST:PORT or unix:PATH)"),
                    )
                })
            })
            .collect()
    }

    /// The AgentX Unix sockets' permissions.
    pub fn socket_mode(&self) -> Result<u32, ConfigError> {
        parse_mode(self.agentx.socket_mode.as_deref(), "agentx.socket_mode")
    }

    /// The SNMP Unix sockets' permissions.
    pub fn unix_socket_mode(&self) -> Result<u32, ConfigError> {
        parse_mode(self.unix_socket_mode.as_deref(), "unix_socket_mode")
    }

    /// The master's limits.
    pub fn master_limits(&self) -> MasterLimits {
        let defaults = MasterLimits::default();
        let default_timeout = self
            .agentx
            .timeout_ms
            .map_or(defaults.default_timeout, Duration::from_millis);
        MasterLimits {
            default_timeout,
            max_timeout: defaults.max_timeout.max(default_timeout),
            max_sessions: self.agentx.max_sessions.unwrap_or(defaults.max_sessions),
            ..defaults
        }
    }

    /// The notification targets.
    pub fn targets(&self) -> Result<Vec<Target>, ConfigError> {
        let users = self.users()?;
        self.notify
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let at = format!("notify[{i}]");
                let address = udp_address(&n.target).map_err(|r| field(&at, r))?;
                match n.version.as_deref().unwrap_or("2c") {
                    "1" | "2c" => Ok(Target::Community {
                        address,
                        version: if n.version.as_deref() == Some("1") {
                            Version::V1
                        } else {
                            Version::V2c
                        },
                        community: n.community.clone().unwrap_or_else(|| "public".to_owned()),
                    }),
                    "3" => {
                        let name = n.user.as_deref().ok_or_else(|| {
                            field(&at, "version 3 needs `user`, one of [[users]]")
                        })?;
                        let found = self
                            .users
                            .iter()
                            .zip(&users)
                            .find(|(c, _)| c.name == name)
                            .ok_or_else(|| field(&at, format!("no user named {name:?}")))?;
                        Ok(Target::Usm {
                            address,
                            user: found.1.user.clone(),
                            level: found.1.level,
                        })
                    }
                    other => Err(field(
                        &at,
                        format!("version {other:?}: expected 1, 2c or 3"),
                    )),
                }
            })
            .collect()
    }
}

impl UserConfig {
    fn access(&self) -> Result<UserAccess, ConfigError> {
        let at = format!("users.{}", self.name);
        fn pair<'a>(
            at: &str,
            protocol: &'a Option<String>,
            password: &'a Option<String>,
            what: &str,
        ) -> Result<Option<(&'a str, &'a str)>, ConfigError> {
            match (protocol, password) {
                (None, None) => Ok(None),
                (Some(p), Some(w)) => Ok(Some((p.as_str(), w.as_str()))),
                _ => Err(field(
                    at,
                    format!("{what}_protocol and {what}_password go together"),
                )),
            }
        }
        let auth = pair(&at, &self.auth_protocol, &self.auth_password, "auth")?;
        let privacy = pair(
            &at,
            &self.privacy_protocol,
            &self.privacy_password,
            "privacy",
        )?;
        let user = User::from_passphrases(&self.name, auth, privacy).map_err(|r| field(&at, r))?;
        let strongest = match (auth, privacy) {
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        };
        let level = match &self.level {
            Some(name) => SecurityLevel::from_name(name).ok_or_else(|| {
                field(
                    &at,
                    format!("level {name:?}: expected noAuthNoPriv, authNoPriv or authPriv"),
                )
            })?,
            None => strongest,
        };
        if level > strongest {
            return Err(field(
                &at,
                format!("level {level} needs keys the user does not have"),
            ));
        }
        Ok(UserAccess {
            user,
            level,
            read_view: self.read_view.clone(),
            write_view: self.write_view.clone(),
        })
    }
}

/// `udp:HOST:PORT` or `HOST:PORT`.
pub(crate) fn udp_address(text: &str) -> Result<SocketAddr, String> {
    match text.parse::<Address>() {
        Ok(Address::Udp(address)) => Ok(address),
        Ok(_) => Err(format!("{text:?}: only UDP here")),
        Err(error) => Err(error.to_string()),
    }
}

fn parse_mode(text: Option<&str>, at: &str) -> Result<u32, ConfigError> {
    match text {
        None => Ok(0o600),
        Some(text) => u32::from_str_radix(text.trim_start_matches("0o"), 8)
            .ok()
            .filter(|mode| *mode <= 0o777)
            .ok_or_else(|| field(at, format!("{text:?}: expected octal such as \"0660\""))),
    }
}

fn parse_oid(text: &str) -> Result<Oid, String> {
    text.trim_start_matches('.')
        .parse()
        .map_err(|_| format!("{text:?}: expected a numeric OID such as 1.3.6.1.2.1"))
}

fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let hex = text.trim_start_matches("0x");
    if hex.len() % 2 != 0 || !(10..=64).contains(&hex.len()) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_is_valid() {
        let config = AgentConfig::parse(include_str!("../examples/agent.toml")).unwrap();
        config.check().unwrap();
        assert_eq!(
            config.udp_addresses().unwrap(),
            ["127.0.0.1:1161".parse().unwrap()]
        );
        assert_eq!(config.users().unwrap().len(), 2);
        assert_eq!(config.agentx_addresses().unwrap().len(), 2);
        assert_eq!(config.targets().unwrap().len(), 1);
    }

    #[test]
    fn defaults_and_refusals() {
        let config = AgentConfig::parse("").unwrap();
        config.check().unwrap();
        assert_eq!(
            config.udp_addresses().unwrap(),
            ["0.0.0.0:161".parse().unwrap()]
        );
        assert!(config.agentx_addresses().unwrap().is_empty());
        let wrong = |text: &str| AgentConfig::parse(text).and_then(|c| c.check().map(|()| c));
        assert!(wrong("colour = 'blue'").is_err(), "unknown fields");
        assert!(wrong("listen = ['tls:0.0.0.0:10161']").is_err());
        assert!(wrong("listen = ['tcp:nowhere']").is_err());
        let streams = AgentConfig::parse("listen = ['tcp:127.0.0.1:1161', 'unix:/tmp/s']").unwrap();
        assert_eq!(
            streams.listen_addresses().unwrap(),
            [
                Address::Tcp("127.0.0.1:1161".parse().unwrap()),
                Address::Unix("/tmp/s".into())
            ]
        );
        assert!(wrong("[[communities]]\nname = 'x'\nread_view = 'nope'").is_err());
        assert!(wrong("[[views]]\nname = 'v'\nincluded = ['not an oid']").is_err());
        assert!(
            wrong("[[users]]\nname = 'u'\nauth_protocol = 'SHA'\nauth_password = 'short'").is_err()
        );
        assert!(wrong("[[users]]\nname = 'u'\nlevel = 'authPriv'").is_err());
        assert!(wrong("[agentx]\nlisten = ['ftp:x']").is_err());
        assert!(wrong("[agentx]\nsocket_mode = '999'").is_err());
        assert!(wrong("[[notify]]\ntarget = '127.0.0.1:162'\nversion = '3'").is_err());
        assert!(wrong("groups = ['everything']").is_err());
        let error = wrong("[[communities]]\nname = 'x'\nread_view = 'nope'").unwrap_err();
        assert_eq!(
            error.to_string(),
            "communities.x: no view named \"nope\" (define it under [[views]])"
        );
    }
}
