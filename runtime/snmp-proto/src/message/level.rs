//! The security level of a request (RFC 3411 §3.4.3): shared by USM, VACM and the
//! community models (always noAuthNoPriv there).

/// A security level (RFC 3411 §3.4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecurityLevel {
    /// Neither authenticated nor encrypted.
    NoAuthNoPriv,
    /// Authenticated, not encrypted.
    AuthNoPriv,
    /// Authenticated and encrypted.
    AuthPriv,
}

impl SecurityLevel {
    /// net-snmp's name for it (`-l`).
    pub fn name(self) -> &'static str {
        match self {
            SecurityLevel::NoAuthNoPriv => "noAuthNoPriv",
            SecurityLevel::AuthNoPriv => "authNoPriv",
            SecurityLevel::AuthPriv => "authPriv",
        }
    }

    /// Parses net-snmp's names (case-insensitive; `1`, `2`, `3` too).
    pub fn from_name(name: &str) -> Option<SecurityLevel> {
        Some(match name.to_ascii_lowercase().as_str() {
            "noauthnopriv" | "noauth" | "nanp" | "1" => SecurityLevel::NoAuthNoPriv,
            "authnopriv" | "auth" | "anp" | "2" => SecurityLevel::AuthNoPriv,
            "authpriv" | "priv" | "ap" | "3" => SecurityLevel::AuthPriv,
            _ => return None,
        })
    }
}

impl std::fmt::Display for SecurityLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
