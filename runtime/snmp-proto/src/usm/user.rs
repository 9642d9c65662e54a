//! A USM user: name, protocols and master keys, with a cache of the keys localized
//! per engine.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use super::key::{AuthKey, KeyError, MasterKey, PrivKey};
use super::protocol::{AuthProtocol, PrivProtocol};

/// The keys a user has at one engine.
#[derive(Clone, Debug)]
pub struct EngineKeys {
    /// The authentication key, when the user authenticates.
    pub auth: Option<AuthKey>,
    /// The privacy key, extended to its cipher's length, when the user encrypts.
    pub privacy: Option<PrivKey>,
}

impl EngineKeys {
    /// No keys: what noAuthNoPriv messages (discovery, most Reports) are protected with.
    pub fn none() -> EngineKeys {
        EngineKeys {
            auth: None,
            privacy: None,
        }
    }
}

/// The most engines one user's cache remembers; past it the cache starts afresh
/// (localizing again costs one hash, not a password expansion).
const CACHE_LIMIT: usize = 65_536;

/// A USM user: name, protocols and master keys. Cloning is cheap and clones share the
/// cache of localized keys, so one user talking to a thousand agents expands each
/// password once and localizes once per engine.
///
/// ```
/// use smic_snmp_proto::usm::{AuthProtocol, PrivProtocol, User};
/// let user = User::new("admin")
///     .with_auth(AuthProtocol::Sha256, b"authpassword")?
///     .with_privacy(PrivProtocol::Aes128, b"privpassword")?;
/// let keys = user.keys(b"\x80\x00\x1f\x88\x80engine");
/// assert_eq!(keys.auth.as_ref().map(|k| k.bytes().len()), Some(32));
/// assert_eq!(keys.privacy.as_ref().map(|k| k.bytes().len()), Some(16));
/// # Ok::<(), smic_snmp_proto::usm::KeyError>(())
/// ```
#[derive(Clone)]
pub struct User {
    name: Vec<u8>,
    auth: Option<MasterKey>,
    privacy: Option<(PrivProtocol, MasterKey)>,
    cache: Arc<Mutex<HashMap<Vec<u8>, Arc<EngineKeys>>>>,
}

impl User {
    /// A user with neither authentication nor privacy (noAuthNoPriv).
    pub fn new(name: impl Into<Vec<u8>>) -> User {
        User {
            name: name.into(),
            auth: None,
            privacy: None,
            cache: Arc::default(),
        }
    }

    /// Authenticates with `protocol`, the key derived from `password`.
    pub fn with_auth(self, protocol: AuthProtocol, password: &[u8]) -> Result<User, KeyError> {
        let key = protocol.password_to_key(password)?;
        Ok(self.with_auth_key(key))
    }

    /// Authenticates with a master key already derived.
    pub fn with_auth_key(mut self, key: MasterKey) -> User {
        self.auth = Some(key);
        self.cache = Arc::default();
        self
    }

    /// Encrypts with `protocol`, the key derived from `password` with the
    /// authentication protocol's hash (so call [`User::with_auth`] first).
    pub fn with_privacy(self, protocol: PrivProtocol, password: &[u8]) -> Result<User, KeyError> {
        let auth = self.auth.as_ref().ok_or(KeyError::PrivacyWithoutAuth)?;
        let key = auth.protocol().password_to_key(password)?;
        Ok(self.with_privacy_key(protocol, key))
    }

    /// Encrypts with a master key already derived (with the authentication hash).
    pub fn with_privacy_key(mut self, protocol: PrivProtocol, key: MasterKey) -> User {
        self.privacy = Some((protocol, key));
        self.cache = Arc::default();
        self
    }

    /// A user as configuration files and command lines give one: protocols by
    /// net-snmp's names (`-a`, `-x`) with their passphrases, each pair optional
    /// (privacy only with authentication). The error says what is wrong.
    ///
    /// ```
    /// use smic_snmp_proto::usm::User;
    /// let ops = User::from_passphrases("ops", Some(("SHA-256", "auth passphrase")), Some(("AES", "priv passphrase")))?;
    /// assert_eq!(ops.name(), b"ops");
    /// assert!(User::from_passphrases("x", None, Some(("AES", "priv passphrase"))).is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn from_passphrases(
        name: &str,
        auth: Option<(&str, &str)>,
        privacy: Option<(&str, &str)>,
    ) -> Result<User, String> {
        let mut user = User::new(name.as_bytes());
        if let Some((protocol, passphrase)) = auth {
            let protocol: AuthProtocol = protocol.parse().map_err(|e| format!("{e}"))?;
            user = user
                .with_auth(protocol, passphrase.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        if let Some((protocol, passphrase)) = privacy {
            if auth.is_none() {
                return Err("privacy needs authentication".to_owned());
            }
            let protocol: PrivProtocol = protocol.parse().map_err(|e| format!("{e}"))?;
            user = user
                .with_privacy(protocol, passphrase.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        Ok(user)
    }

    /// `msgUserName`.
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The authentication protocol, if any.
    pub fn auth_protocol(&self) -> Option<AuthProtocol> {
        self.auth.as_ref().map(MasterKey::protocol)
    }

    /// The privacy protocol, if any.
    pub fn privacy_protocol(&self) -> Option<PrivProtocol> {
        self.privacy.as_ref().map(|(protocol, _)| *protocol)
    }

    /// The user's keys at `engine_id`, localized once and then cached.
    pub fn keys(&self, engine_id: &[u8]) -> Arc<EngineKeys> {
        // A poisoned lock only means another thread panicked mid-insert; the map is
        // still a valid cache.
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(keys) = cache.get(engine_id) {
            return Arc::clone(keys);
        }
        let keys = Arc::new(EngineKeys {
            auth: self.auth.as_ref().map(|key| key.localize(engine_id)),
            privacy: self
                .privacy
                .as_ref()
                .map(|(protocol, key)| protocol.localize(key, engine_id)),
        });
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(engine_id.to_vec(), Arc::clone(&keys));
        keys
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("name", &String::from_utf8_lossy(&self.name))
            .field("auth", &self.auth_protocol())
            .field("privacy", &self.privacy_protocol())
            .finish()
    }
}
