//! Transports, as net-snmp users write them: one address syntax for the agent, the
//! notification receiver and their configuration files, and one stream server
//! (TCP per RFC 3430, and Unix sockets) that both daemons use.
//!
//! ```
//! use smic_snmp::transport::Address;
//! let tcp: Address = "tcp:127.0.0.1:1161".parse().unwrap();
//! assert_eq!(tcp.to_string(), "tcp:127.0.0.1:1161");
//! // A bare HOST:PORT is UDP, as in net-snmp.
//! assert!(matches!("127.0.0.1:162".parse(), Ok(Address::Udp(_))));
//! ```

pub mod stream;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// Where SNMP messages come in (or go out).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Address {
    /// `udp:HOST:PORT` (or `HOST:PORT`, `udp6:[::1]:PORT`).
    Udp(SocketAddr),
    /// `tcp:HOST:PORT` (or `tcp6:[::1]:PORT`): messages back to back (RFC 3430).
    Tcp(SocketAddr),
    /// `unix:PATH`: a stream socket, as net-snmp's `unix:` transport.
    Unix(PathBuf),
}

/// Why an address is refused; the message shows what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?}: {reason}")]
pub struct AddressError {
    text: String,
    reason: &'static str,
}

impl Address {
    /// The transport's name as net-snmp spells it: `udp`, `tcp` or `unix`.
    pub fn transport(&self) -> &'static str {
        match self {
            Address::Udp(_) => "udp",
            Address::Tcp(_) => "tcp",
            Address::Unix(_) => "unix",
        }
    }

    /// Whether messages on it are framed in a byte stream (TCP, Unix).
    pub fn is_stream(&self) -> bool {
        !matches!(self, Address::Udp(_))
    }
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(text: &str) -> Result<Address, AddressError> {
        let refuse = |reason| AddressError {
            text: text.to_owned(),
            reason,
        };
        let socket = |rest: &str, reason| rest.parse::<SocketAddr>().map_err(|_| refuse(reason));
        match text.split_once(':') {
            Some(("udp" | "udp6", rest)) => {
                socket(rest, "expected udp:HOST:PORT, e.g. udp:0.0.0.0:162").map(Address::Udp)
            }
            Some(("tcp" | "tcp6", rest)) => {
                socket(rest, "expected tcp:HOST:PORT, e.g. tcp:0.0.0.0:161").map(Address::Tcp)
            }
            Some(("unix", path)) if !path.is_empty() => Ok(Address::Unix(PathBuf::from(path))),
            Some(("unix", _)) => Err(refuse("expected unix:PATH, e.g. unix:/run/smic/snmp")),
            Some(("tls" | "tlstcp" | "dtls" | "dtlsudp", _)) => {
                Err(refuse("TLS and DTLS are not supported yet"))
            }
            _ => socket(
                text,
                "expected udp:HOST:PORT, tcp:HOST:PORT or unix:PATH, e.g. udp:0.0.0.0:162",
            )
            .map(Address::Udp),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Udp(a) => write!(f, "udp:{a}"),
            Address::Tcp(a) => write!(f, "tcp:{a}"),
            Address::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn net_snmp_notation() {
        let parse = |t: &str| t.parse::<Address>();
        assert_eq!(
            parse("udp6:[::1]:162"),
            Ok(Address::Udp("[::1]:162".parse().unwrap()))
        );
        assert_eq!(
            parse("tcp6:[::1]:1161").unwrap().to_string(),
            "tcp:[::1]:1161"
        );
        assert_eq!(parse("unix:/tmp/s"), Ok(Address::Unix("/tmp/s".into())));
        for bad in [
            "unix:",
            "tcp:nowhere",
            "udp:1.2.3.4",
            "tls:127.0.0.1:10161",
            "",
        ] {
            let error = parse(bad).unwrap_err().to_string();
            assert!(error.starts_with(&format!("{bad:?}:")), "{error}");
        }
        assert!(
            parse("dtls:127.0.0.1:10161")
                .unwrap_err()
                .to_string()
                .contains("not supported")
        );
    }
}
