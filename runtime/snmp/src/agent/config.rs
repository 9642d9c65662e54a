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
//! ```
//!
//! Every mistake is an error naming the line and what was expected; nothing is
//! guessed.

use std::net::SocketAddr;

use smic_smi::Oid;

use super::AccessControl;
use super::system::SystemInfo;

/// A parsed configuration.
#[derive(Debug)]
pub struct AgentConfig {
    /// Where to listen (`listen`; default `0.0.0.0:161`).
    pub listen: SocketAddr,
    /// How many sockets share the port (`sockets`; default: one per core).
    pub sockets: usize,
    /// The system group.
    pub system: SystemInfo,
    /// Communities and views.
    pub access: AccessControl,
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
                          sysLocation, sysServices, view, community";

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
        };
        let mut views: Vec<String> = Vec::new();
        let mut communities: Vec<(usize, String, Option<String>, Option<String>)> = Vec::new();
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
        Ok(config)
    }
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
