//! USM keys and ciphertexts against vectors from independent implementations, net-snmp
//! (snmpd, snmpget) and pysnmp, for every authentication protocol (MD5, SHA-1, SHA-2) and
//! every privacy protocol (DES, 3DES, AES-128, AES-192/256 with the Blumenthal and the
//! Reeder key extension): no RFC gives vectors for SHA-2 keys, 3DES or AES-192/256.
//!
//! The vectors are in `tests/vectors/*.tsv`, each row naming its source; the header of
//! each file says how it was made, and `tests/vectors/generate.py` (not run here) makes
//! it again. RFC 3414 A.3's own vectors are unit tests in `src/usm/auth.rs`; its engine
//! is among the engines here too.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use smic_snmp_proto::usm::{AuthProtocol, MasterKey, PrivKey, PrivProtocol, User};

const KEYS: &str = include_str!("vectors/usm-keys.tsv");
const ENCRYPT: &str = include_str!("vectors/usm-encrypt.tsv");

const KEY_COLUMNS: [&str; 8] = [
    "source",
    "engine_id",
    "auth",
    "auth_password",
    "priv",
    "priv_password",
    "auth_kul",
    "priv_kul",
];
const ENCRYPT_COLUMNS: [&str; 10] = [
    "source",
    "priv",
    "key",
    "boots",
    "time",
    "salt",
    "plaintext",
    "ciphertext",
    "priv_params",
    "check",
];

/// Fewer rows than this means the file was truncated or emptied (there are 540).
const MIN_KEY_ROWS: usize = 500;
/// The same for the encryption vectors (there are 94).
const MIN_ENCRYPT_ROWS: usize = 90;
/// The least each source (by prefix) must contribute to the key vectors.
const MIN_KEY_ROWS_PER_SOURCE: [(&str, usize); 2] = [("net-snmp-", 250), ("pysnmp-", 280)];
/// The same for the encryption vectors.
const MIN_ENCRYPT_ROWS_PER_SOURCE: [(&str, usize); 2] = [("net-snmp-", 24), ("pysnmp-", 70)];

/// One data row: where it is, and its fields by column name.
struct Row<'a> {
    file: &'static str,
    line: usize,
    fields: HashMap<&'static str, &'a str>,
}

impl<'a> Row<'a> {
    fn get(&self, column: &str) -> &'a str {
        self.fields
            .get(column)
            .copied()
            .unwrap_or_else(|| panic!("{self}: no column {column}"))
    }

    fn hex(&self, column: &str) -> Vec<u8> {
        let text = self.get(column);
        if text.len() % 2 != 0 {
            panic!("{self}: {column} is not hex: {text}");
        }
        (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .unwrap_or_else(|| panic!("{self}: {column} is not hex: {text}"))
            })
            .collect()
    }

    fn number<T: std::str::FromStr>(&self, column: &str) -> T {
        self.get(column)
            .parse()
            .unwrap_or_else(|_| panic!("{self}: {column} is not a number"))
    }
}

impl std::fmt::Display for Row<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tests/vectors/{}:{}", self.file, self.line)
    }
}

/// The rows of a TSV file: `#` lines are comments, the first other line names the
/// columns (and must name `columns`, in order).
fn rows<'a>(file: &'static str, text: &'a str, columns: &[&'static str]) -> Vec<Row<'a>> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty());
    let header = lines.next().map(|(_, line)| line).unwrap_or_default();
    assert_eq!(
        header,
        columns.join("\t"),
        "tests/vectors/{file}: unexpected column header"
    );
    lines
        .map(|(line, text)| {
            let values: Vec<&str> = text.split('\t').collect();
            assert_eq!(
                values.len(),
                columns.len(),
                "tests/vectors/{file}:{line}: {} fields, not {}",
                values.len(),
                columns.len()
            );
            Row {
                file,
                line,
                fields: columns.iter().copied().zip(values).collect(),
            }
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A failure: what the source says against what smic made, one under the other.
fn differs(what: &str, part: &str, source: &str, expected: &str, made: &str) -> String {
    let width = source.len().max("smic".len()) + 1;
    format!(
        "{what}: {part} differs\n    {:<width$} {expected}\n    {:<width$} {made}",
        format!("{source}:"),
        "smic:"
    )
}

/// Every source gave at least its share of rows.
fn check_sources(file: &str, per_source: &BTreeMap<&str, usize>, minimums: &[(&str, usize)]) {
    for (prefix, min) in minimums {
        let count: usize = per_source
            .iter()
            .filter(|(source, _)| source.starts_with(prefix))
            .map(|(_, count)| count)
            .sum();
        assert!(
            count >= *min,
            "{file}: {count} rows from {prefix}*, expected at least {min} ({per_source:?})"
        );
    }
}

fn auth_protocol(row: &Row<'_>) -> AuthProtocol {
    let name = row.get("auth");
    AuthProtocol::from_name(name)
        .unwrap_or_else(|| panic!("{row}: smic has no authentication protocol {name:?}"))
}

fn priv_protocol(row: &Row<'_>) -> Option<PrivProtocol> {
    let name = row.get("priv");
    (name != "-").then(|| {
        PrivProtocol::from_name(name)
            .unwrap_or_else(|| panic!("{row}: smic has no privacy protocol {name:?}"))
    })
}

#[test]
fn localized_keys_match_netsnmp_and_pysnmp() {
    let rows = rows("usm-keys.tsv", KEYS, &KEY_COLUMNS);
    assert!(
        rows.len() >= MIN_KEY_ROWS,
        "usm-keys.tsv has {} rows, expected at least {MIN_KEY_ROWS}",
        rows.len()
    );

    // Password expansion is the expensive step and rows share passwords: expand each
    // (hash, password) once.
    let mut masters: HashMap<(AuthProtocol, &'static str), MasterKey> = HashMap::new();
    let mut master = |protocol: AuthProtocol, password: &'static str, row: &Row<'_>| {
        masters
            .entry((protocol, password))
            .or_insert_with(|| {
                protocol
                    .password_to_key(password.as_bytes())
                    .unwrap_or_else(|e| panic!("{row}: {e}"))
            })
            .clone()
    };

    let mut failures = Vec::new();
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    let mut auths = BTreeSet::new();
    let mut privs = BTreeSet::new();
    for row in &rows {
        let source = row.get("source");
        let engine = row.hex("engine_id");
        let auth = auth_protocol(row);
        let privacy = priv_protocol(row);
        let what = format!(
            "{row} ({source}, engine {}, {auth}/{}, passwords {:?}/{:?})",
            row.get("engine_id"),
            privacy.map_or("-", PrivProtocol::name),
            row.get("auth_password"),
            row.get("priv_password"),
        );

        let mut user =
            User::new("vectors").with_auth_key(master(auth, row.get("auth_password"), row));
        if let Some(privacy) = privacy {
            // The privacy password is expanded with the authentication hash.
            user = user.with_privacy_key(privacy, master(auth, row.get("priv_password"), row));
        }
        let keys = user.keys(&engine);

        let expected = row.hex("auth_kul");
        match &keys.auth {
            Some(key) if key.protocol() == auth && key.bytes() == expected => {}
            Some(key) => failures.push(differs(
                &what,
                "auth key",
                source,
                &hex(&expected),
                &hex(key.bytes()),
            )),
            None => failures.push(format!("{what}: smic made no auth key")),
        }
        match (privacy, &keys.privacy) {
            (None, None) => {
                if row.get("priv_kul") != "-" {
                    failures.push(format!("{what}: a privacy key without a protocol"));
                }
            }
            (Some(privacy), Some(key)) => {
                let expected = row.hex("priv_kul");
                if key.protocol() != privacy || key.bytes() != expected {
                    failures.push(differs(
                        &what,
                        "priv key",
                        source,
                        &hex(&expected),
                        &hex(key.bytes()),
                    ));
                }
                // The lower-level path gives the same key as the user's cache.
                let direct =
                    privacy.localize(&master(auth, row.get("priv_password"), row), &engine);
                if direct.bytes() != key.bytes() {
                    failures.push(format!(
                        "{what}: PrivProtocol::localize gives {}, User::keys {}",
                        hex(direct.bytes()),
                        hex(key.bytes())
                    ));
                }
                privs.insert(privacy);
            }
            (privacy, made) => failures.push(format!(
                "{what}: privacy {privacy:?} but smic made {:?}",
                made.as_ref().map(PrivKey::protocol)
            )),
        }
        auths.insert(auth);
        *per_source.entry(source).or_default() += 1;
    }

    assert!(
        failures.is_empty(),
        "{} of {} key vectors differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    check_sources("usm-keys.tsv", &per_source, &MIN_KEY_ROWS_PER_SOURCE);
    assert_eq!(auths, AuthProtocol::ALL.into_iter().collect());
    assert_eq!(privs, PrivProtocol::ALL.into_iter().collect());
}

#[test]
fn ciphertexts_match_netsnmp_and_pysnmp() {
    let rows = rows("usm-encrypt.tsv", ENCRYPT, &ENCRYPT_COLUMNS);
    assert!(
        rows.len() >= MIN_ENCRYPT_ROWS,
        "usm-encrypt.tsv has {} rows, expected at least {MIN_ENCRYPT_ROWS}",
        rows.len()
    );

    let mut failures = Vec::new();
    let mut encrypted = BTreeSet::new();
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &rows {
        *per_source.entry(row.get("source")).or_default() += 1;
        let name = row.get("priv");
        let privacy = PrivProtocol::from_name(name)
            .unwrap_or_else(|| panic!("{row}: smic has no privacy protocol {name:?}"));
        let key =
            PrivKey::from_bytes(privacy, &row.hex("key")).unwrap_or_else(|e| panic!("{row}: {e}"));
        let boots: u32 = row.number("boots");
        let time: u32 = row.number("time");
        let salt = u64::from_str_radix(row.get("salt"), 16)
            .unwrap_or_else(|_| panic!("{row}: salt is not hex"));
        let plaintext = row.hex("plaintext");
        let ciphertext = row.hex("ciphertext");
        let params = row.hex("priv_params");
        let what = format!(
            "{row} ({}, {privacy}, boots {boots}, time {time}, salt {salt:016x}, {} octets)",
            row.get("source"),
            plaintext.len()
        );

        match row.get("check") {
            "both" => {
                let (made, made_params) = key
                    .encrypt(boots, time, salt, &plaintext)
                    .unwrap_or_else(|e| panic!("{row}: {e}"));
                if made != ciphertext || made_params[..] != params[..] {
                    failures.push(differs(
                        &what,
                        "encryption (ciphertext, msgPrivacyParameters)",
                        row.get("source"),
                        &format!("{} {}", hex(&ciphertext), hex(&params)),
                        &format!("{} {}", hex(&made), hex(&made_params)),
                    ));
                }
                encrypted.insert(privacy);
            }
            "decrypt" => {}
            other => panic!("{row}: check is {other:?}, not \"both\" or \"decrypt\""),
        }

        // Decrypting gives the plaintext, then the zeros it was padded with.
        let mut expected = plaintext.clone();
        if ciphertext.len() < expected.len() {
            failures.push(format!("{what}: ciphertext shorter than the plaintext"));
        }
        expected.resize(ciphertext.len().max(expected.len()), 0);
        match key.decrypt(boots, time, &params, &ciphertext) {
            Ok(made) if made[..] == expected[..] => {}
            Ok(made) => failures.push(differs(
                &what,
                "decryption (plaintext and zero padding)",
                row.get("source"),
                &hex(&expected),
                &hex(&made),
            )),
            Err(e) => failures.push(format!("{what}: decryption failed: {e}")),
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} encryption vectors differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    check_sources("usm-encrypt.tsv", &per_source, &MIN_ENCRYPT_ROWS_PER_SOURCE);
    assert_eq!(
        encrypted,
        PrivProtocol::ALL.into_iter().collect(),
        "every privacy protocol has an encryption vector checked both ways"
    );
}
