//! An agent configuration file, in net-snmp's spirit: one directive per line.
//!
//! ```text
//! # where and how
//! listen      127.0.0.1:1161
//! sockets     2
//! # the system group
//! sysDescr    edge router, smic agent
//! sysObjectID 1.3.6.1.4.1.8072.3.2.10
//! sysContact  ops@example.net
//! sysName     edge-1
//! sysLocation rack 4
//! sysServices 72
//! # access: views are families of subtrees; communities read one view, write another
//! view        all      included .1
//! view        system   included .1.3.6.1.2.1.1
//! view        noif     included .1
//! view        noif     excluded .1.3.6.1.2.1.2
//! community   public   all
//! community   private  all      system
//! # SNMPv3: the engine, users (authentication, then optional privacy) and their access
//! engineID    edge-1
//! engineBoots 3
//! user        ops      SHA-256  "auth passphrase"  AES-256  "priv passphrase"
//! user        monitor  SHA      monitor-auth-pass
//! access      ops      authPriv   all  all
//! access      monitor  authNoPriv all
//! ```
//!
//! Passphrases with spaces are written in double quotes. Protocols are named as
//! net-snmp's `-a` and `-x` name them.
//!
//! Every mistake is an error naming the line and what was expected; nothing is
//! guessed.

use std::net::SocketAddr;

use std::time::Instant;

use smic_smi::Oid;

use super::AccessControl;
use super::system::SystemInfo;
use crate::message::SecurityLevel;
use crate::usm::{AuthProtocol, LocalEngine, PrivProtocol, User};

/// A parsed configuration.
#[derive(Debug)]
pub struct AgentConfig {
    /// Where to listen (`listen`; default `0.0.0.0:161`).
    pub listen: SocketAddr,
    /// How many sockets share the port (`sockets`; default: one per core).
    pub sockets: usize,
    /// The system group.
    pub system: SystemInfo,
    /// Communities, users and views.
    pub access: AccessControl,
    /// The SNMPv3 engine (`engineID`, `engineBoots`): by default its ID is the text
    /// "smic" under net-snmp's enterprise number, booted once.
    pub engine: LocalEngine,
    /// SNMPv3 users (`user`); none means the agent answers no SNMPv3.
    pub users: Vec<User>,
}

/// A mistake in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConfigError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

const DIRECTIVES: &str = "listen, sockets, sysDescr, sysObjectID, sysContact, sysName, \
                          sysLocation, sysServices, view, community, engineID, engineBoots, \
                          user, access";

impl AgentConfig {
    /// Parses a configuration. `sockets` defaults to the number of cores.
    pub fn parse(text: &str) -> Result<AgentConfig, ConfigError> {
        let mut config = AgentConfig {
            listen: SocketAddr::from(([0, 0, 0, 0], 161)),
            sockets: std::thread::available_parallelism().map_or(1, usize::from),
            system: SystemInfo {
                descr: "smic agent".into(),
                // net-snmp's netSnmpAgentOIDs.linux: a generic Linux agent.
                object_id: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 8072, 3, 2, 10]),
                contact: String::new(),
                name: String::new(),
                location: String::new(),
                services: 72,
            },
            access: AccessControl::new(),
            engine: LocalEngine::new(LocalEngine::text_id(8072, "smic"), 1, Instant::now()),
            users: Vec::new(),
        };
        let mut views: Vec<String> = Vec::new();
        let mut communities: Vec<(usize, String, Option<String>, Option<String>)> = Vec::new();
        let mut accesses: Vec<(usize, Access)> = Vec::new();
        let (mut engine_id, mut boots) = (None, 1);
        for (number, raw) in text.lines().enumerate() {
            let line = number + 1;
            let error = |message: String| ConfigError { line, message };
            let content = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
            if content.is_empty() {
                continue;
            }
            let (directive, rest) = content
                .split_once(char::is_whitespace)
                .map_or((content, ""), |(d, r)| (d, r.trim()));
            let words: Vec<&str> = rest.split_whitespace().collect();
            match directive {
                "listen" => {
                    config.listen = rest
                        .parse()
                        .map_err(|_| error(format!("`listen` takes ADDRESS:PORT, not {rest:?}")))?;
                }
                "sockets" => {
                    config.sockets = match rest.parse::<usize>() {
                        Ok(n) if (1..=256).contains(&n) => n,
                        _ => return Err(error(format!("`sockets` takes 1 to 256, not {rest:?}"))),
                    };
                }
                "sysDescr" => config.system.descr = text_value(rest, 255).map_err(error)?,
                "sysContact" => config.system.contact = text_value(rest, 255).map_err(error)?,
                "sysName" => config.system.name = text_value(rest, 255).map_err(error)?,
                "sysLocation" => config.system.location = text_value(rest, 255).map_err(error)?,
                "sysObjectID" => {
                    config.system.object_id = oid(rest).map_err(error)?;
                }
                "sysServices" => {
                    config.system.services = match rest.parse::<i32>() {
                        Ok(n) if (0..=127).contains(&n) => n,
                        _ => {
                            return Err(error(format!(
                                "`sysServices` takes 0 to 127, not {rest:?}"
                            )));
                        }
                    };
                }
                "view" => {
                    let [name, kind, subtree] = words[..] else {
                        return Err(error("`view` takes NAME included|excluded OID".to_string()));
                    };
                    let included = match kind {
                        "included" => true,
                        "excluded" => false,
                        other => {
                            return Err(error(format!(
                                "a view family is `included` or `excluded`, not {other:?}"
                            )));
                        }
                    };
                    config
                        .access
                        .view(name, oid(subtree).map_err(error)?, included);
                    views.push(name.to_string());
                }
                "community" => {
                    let (name, read, write) = match words[..] {
                        [name, read] => (name, Some(read), None),
                        [name, read, write] => (name, Some(read), Some(write)),
                        _ => {
                            return Err(error(
                                "`community` takes NAME READ-VIEW [WRITE-VIEW]".to_string(),
                            ));
                        }
                    };
                    communities.push((
                        line,
                        name.to_string(),
                        read.map(str::to_string),
                        write.map(str::to_string),
                    ));
                }
                "engineID" => {
                    if rest.is_empty() || rest.len() > 27 {
                        return Err(error("`engineID` takes a text of 1 to 27 octets".into()));
                    }
                    engine_id = Some(LocalEngine::text_id(8072, rest));
                }
                "engineBoots" => {
                    boots = match rest.parse::<u32>() {
                        Ok(n) if (1..crate::usm::MAX_BOOTS).contains(&n) => n,
                        _ => {
                            return Err(error(format!(
                                "`engineBoots` takes 1 to 2147483646, not {rest:?}"
                            )));
                        }
                    };
                }
                "user" => config.users.push(user(rest).map_err(error)?),
                "access" => {
                    let (name, level, read, write) = match words[..] {
                        [name, level, read] => (name, level, read, None),
                        [name, level, read, write] => (name, level, read, Some(write)),
                        _ => {
                            return Err(error(
                                "`access` takes USER LEVEL READ-VIEW [WRITE-VIEW]".into(),
                            ));
                        }
                    };
                    let level = SecurityLevel::from_name(level).ok_or_else(|| {
                        error(format!(
                            "{level:?} is not a level (noAuthNoPriv, authNoPriv, authPriv)"
                        ))
                    })?;
                    accesses.push((
                        line,
                        Access {
                            user: name.to_string(),
                            level,
                            read: Some(read.to_string()),
                            write: write.map(str::to_string),
                        },
                    ));
                }
                other => {
                    return Err(error(format!(
                        "unknown directive {other:?} (expected one of {DIRECTIVES})"
                    )));
                }
            }
        }
        // Views may be declared after the communities that name them.
        for (line, name, read, write) in communities {
            for view in read.iter().chain(write.iter()) {
                if !views.contains(view) {
                    return Err(ConfigError {
                        line,
                        message: format!(
                            "community {name:?} names view {view:?}, which no `view` line declares"
                        ),
                    });
                }
            }
            config
                .access
                .community(&name, read.as_deref(), write.as_deref());
        }
        for (
            line,
            Access {
                user: name,
                level,
                read,
                write,
            },
        ) in accesses
        {
            let error = |message: String| ConfigError { line, message };
            if !config.users.iter().any(|u| u.name() == name.as_bytes()) {
                return Err(error(format!(
                    "`access` names user {name:?}, which no `user` line declares"
                )));
            }
            for view in read.iter().chain(write.iter()) {
                if !views.contains(view) {
                    return Err(error(format!(
                        "user {name:?} names view {view:?}, which no `view` line declares"
                    )));
                }
            }
            config
                .access
                .user(&name, level, read.as_deref(), write.as_deref());
        }
        if let Some(id) = engine_id {
            config.engine = LocalEngine::new(id, boots, Instant::now());
        } else {
            config.engine = LocalEngine::new(config.engine.id().to_vec(), boots, Instant::now());
        }
        Ok(config)
    }
}

/// An `access` line, checked once every user and view is known.
struct Access {
    user: String,
    level: SecurityLevel,
    read: Option<String>,
    write: Option<String>,
}

/// `user NAME AUTH AUTHPASS [PRIV PRIVPASS]`, passphrases optionally in double quotes.
fn user(rest: &str) -> Result<User, String> {
    let words = quoted_words(rest)?;
    let usage = "`user` takes NAME AUTH-PROTOCOL AUTH-PASSPHRASE [PRIV-PROTOCOL PRIV-PASSPHRASE]";
    let (name, auth, auth_pass, privacy) = match &words[..] {
        [name, auth, pass] => (name, auth, pass, None),
        [name, auth, pass, privacy, priv_pass] => (name, auth, pass, Some((privacy, priv_pass))),
        _ => return Err(usage.into()),
    };
    if name.len() > 32 {
        return Err(format!("user name {name:?} is longer than 32 octets"));
    }
    let auth = auth.parse::<AuthProtocol>().map_err(|e| e.to_string())?;
    let mut user = User::new(name.as_str())
        .with_auth(auth, auth_pass.as_bytes())
        .map_err(|e| format!("user {name:?}: {e}"))?;
    if let Some((privacy, pass)) = privacy {
        let protocol = privacy.parse::<PrivProtocol>().map_err(|e| e.to_string())?;
        user = user
            .with_privacy(protocol, pass.as_bytes())
            .map_err(|e| format!("user {name:?}: {e}"))?;
    }
    Ok(user)
}

/// Words separated by blanks; a word in double quotes may hold blanks.
fn quoted_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let word: String = chars.by_ref().take_while(|c| *c != '"').collect();
            words.push(word);
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            words.push(word);
        }
    }
    if text.matches('"').count() % 2 != 0 {
        return Err("a double quote is not closed".into());
    }
    Ok(words)
}

fn text_value(text: &str, max: usize) -> Result<String, String> {
    if text.len() > max {
        return Err(format!("at most {max} octets, not {}", text.len()));
    }
    Ok(text.to_string())
}

fn oid(text: &str) -> Result<Oid, String> {
    let digits = text.strip_prefix('.').unwrap_or(text);
    let arcs: Result<Vec<u32>, _> = digits.split('.').map(str::parse::<u32>).collect();
    match arcs {
        Ok(arcs) if !arcs.is_empty() && arcs.len() <= 128 => Ok(Oid::from_vec(arcs)),
        _ => Err(format!(
            "{text:?} is not a numeric OID (like .1.3.6.1.2.1.1)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let text = "listen 127.0.0.1:1161\nsockets 2\nsysDescr edge router, smic agent\n\
                    sysObjectID .1.3.6.1.4.1.8072.3.2.10\nsysName edge-1 # a comment\n\
                    community private all system\nview all included .1\n\
                    view system included .1.3.6.1.2.1.1\n";
        let config = AgentConfig::parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.listen, SocketAddr::from(([127, 0, 0, 1], 1161)));
        assert_eq!(config.sockets, 2);
        assert_eq!(config.system.descr, "edge router, smic agent");
        assert_eq!(config.system.name, "edge-1");
        assert_eq!(
            config.system.object_id.to_string(),
            "1.3.6.1.4.1.8072.3.2.10"
        );
        assert!(config.access.lookup(b"private").is_some());
        assert!(config.access.lookup(b"public").is_none());
    }

    #[test]
    fn users_and_their_access() {
        let text = "view all included .1\nengineID edge-1\nengineBoots 3\n\
                    user ops SHA-256 \"auth passphrase\" AES-256 \"priv passphrase\"\n\
                    user monitor SHA monitor-auth-pass\n\
                    access ops authPriv all all\naccess monitor authNoPriv all\n";
        let config = AgentConfig::parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.engine.id(), LocalEngine::text_id(8072, "edge-1"));
        assert_eq!(config.engine.boots(), 3);
        assert_eq!(config.users.len(), 2);
        assert_eq!(
            config.users[0].privacy_protocol(),
            Some(PrivProtocol::Aes256)
        );
        let expected = User::new("ops")
            .with_auth(AuthProtocol::Sha256, b"auth passphrase")
            .unwrap_or_else(|e| panic!("{e}"));
        let engine = config.engine.id();
        assert_eq!(
            config.users[0].keys(engine).auth.as_ref().cloned(),
            expected.keys(engine).auth.as_ref().cloned()
        );
        for (text, needle) in [
            ("user ops SHA short", "at least 8"),
            (
                "user ops SHA3 longenough",
                "unknown authentication protocol",
            ),
            (
                "user ops SHA longenough XES longenough",
                "unknown privacy protocol",
            ),
            ("user ops SHA \"unclosed", "not closed"),
            (
                "view all included .1\naccess nobody authPriv all",
                "no `user` line",
            ),
            ("user a SHA longenough\naccess a sometimes x", "not a level"),
            ("engineBoots 0", "1 to 2147483646"),
        ] {
            let err = AgentConfig::parse(text)
                .err()
                .unwrap_or_else(|| panic!("{text:?} parsed"));
            assert!(err.message.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn mistakes_name_their_line() {
        let cases = [
            ("listen nowhere", 1, "ADDRESS:PORT"),
            ("\nsockets 0", 2, "1 to 256"),
            ("frobnicate 1", 1, "unknown directive"),
            ("view all sideways .1", 1, "included"),
            ("view all included 1.x", 1, "numeric OID"),
            ("community public", 1, "READ-VIEW"),
            (
                "view a included .1\ncommunity public b",
                2,
                "no `view` line",
            ),
            ("sysServices 500", 1, "0 to 127"),
        ];
        for (text, line, needle) in cases {
            let err = AgentConfig::parse(text)
                .err()
                .unwrap_or_else(|| panic!("{text:?} parsed"));
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.message.contains(needle), "{text:?}: {err}");
        }
    }
}
