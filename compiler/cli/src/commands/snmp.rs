//! `smic get`, `smic walk`, `smic set`: the manager on the command line, with
//! net-snmp's flags, names resolved through the MIBs and values shown through them.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use smic::Policy;
use smic::model::{BaseType, Model, instance};
use smic_smi::{Oid, Value};
use smic_snmp::client::{Client, Config, Security, UsmConfig};
use smic_snmp::message::SecurityLevel;
use smic_snmp::transport::Address;
use smic_snmp::usm::{AuthProtocol, PrivProtocol, User};
use smic_snmp::{VarBind, Version};

use crate::load::LoadArgs;

/// How to reach the agent (net-snmp's flags).
#[derive(Debug, Args)]
pub(crate) struct AgentArgs {
    /// Protocol version: 1, 2c or 3.
    #[arg(short = 'v', long = "snmp-version", default_value = "2c", value_parser = ["1", "2c", "3"])]
    snmp_version: String,
    /// Community string (v1, v2c).
    #[arg(short = 'c', long = "community", default_value = "public")]
    community: String,
    /// SNMPv3 security name (user).
    #[arg(short = 'u', long = "user", value_name = "NAME")]
    user: Option<String>,
    /// SNMPv3 security level: noAuthNoPriv, authNoPriv or authPriv (default: the
    /// highest the passphrases given allow).
    #[arg(short = 'l', long = "level", value_name = "LEVEL")]
    level: Option<String>,
    /// SNMPv3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512
    /// (default SHA).
    #[arg(short = 'a', long = "auth-protocol", value_name = "PROTOCOL")]
    auth_protocol: Option<String>,
    /// SNMPv3 authentication passphrase.
    #[arg(short = 'A', long = "auth-passphrase", value_name = "PASSPHRASE")]
    auth_passphrase: Option<String>,
    /// SNMPv3 privacy protocol: DES, 3DES, AES, AES-192, AES-256 (Blumenthal key
    /// extension), AES-192-C, AES-256-C (Reeder/Cisco) (default AES).
    #[arg(short = 'x', long = "priv-protocol", value_name = "PROTOCOL")]
    priv_protocol: Option<String>,
    /// SNMPv3 privacy passphrase.
    #[arg(short = 'X', long = "priv-passphrase", value_name = "PASSPHRASE")]
    priv_passphrase: Option<String>,
    /// SNMPv3 authoritative engine ID in hex (skips discovery).
    #[arg(short = 'e', long = "engine-id", value_name = "HEX")]
    engine_id: Option<String>,
    /// SNMPv3 context engine ID in hex (default: the agent's engine ID).
    #[arg(short = 'E', long = "context-engine-id", value_name = "HEX")]
    context_engine_id: Option<String>,
    /// SNMPv3 context name.
    #[arg(long = "context", value_name = "NAME", default_value = "")]
    context: String,
    /// SNMPv3 engine boots and time, as BOOTS,TIME (skips time synchronization).
    #[arg(short = 'Z', long = "boots-time", value_name = "BOOTS,TIME")]
    boots_time: Option<String>,
    /// Seconds to wait for each attempt.
    #[arg(short = 't', long = "timeout", default_value_t = 1.0)]
    timeout: f64,
    /// Retries after the first attempt.
    #[arg(short = 'r', long = "retries", default_value_t = 5)]
    retries: u32,
    /// Print OIDs numerically (`-On` in net-snmp).
    #[arg(short = 'n', long = "numeric")]
    numeric: bool,
    /// The agent: HOST, HOST:PORT, udp:HOST:PORT or [IPv6]:PORT.
    #[arg(value_name = "AGENT")]
    agent: String,
}

/// Get the values of instances.
#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    #[command(flatten)]
    agent: AgentArgs,
    /// Instances: `IF-MIB::ifDescr.1`, `sysDescr.0` or `1.3.6.1.2.1.1.1.0`.
    #[arg(required = true, value_name = "NAME|OID")]
    names: Vec<String>,
}

/// Walk a subtree (GetBulk with SNMPv2c, GetNext with SNMPv1).
#[derive(Debug, Args)]
pub(crate) struct WalkArgs {
    #[command(flatten)]
    agent: AgentArgs,
    /// Use GetNext even with SNMPv2c.
    #[arg(long = "no-bulk")]
    no_bulk: bool,
    /// max-repetitions of each GetBulk.
    #[arg(long = "max-repetitions", default_value_t = 10)]
    max_repetitions: u32,
    /// The subtree (default: the whole MIB).
    #[arg(value_name = "NAME|OID")]
    root: Option<String>,
}

/// Set values: NAME TYPE VALUE triples, TYPE as net-snmp's (i u t a o s x d n c C, or = from the MIB).
#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    #[command(flatten)]
    agent: AgentArgs,
    /// NAME TYPE VALUE, repeated.
    #[arg(required = true, num_args = 3.., value_name = "NAME TYPE VALUE")]
    triples: Vec<String>,
}

pub(crate) fn get(args: GetArgs, load: &LoadArgs) -> ExitCode {
    let names = args.names.clone();
    run(
        &args.agent,
        load,
        |client, model| async move {
            let oids = names
                .iter()
                .map(|n| resolve(model, n))
                .collect::<Result<Vec<_>, _>>()?;
            let bindings = client.get(&oids).await.map_err(|e| e.to_string())?;
            Ok(bindings)
        },
        &args.names,
    )
}

pub(crate) fn walk(args: WalkArgs, load: &LoadArgs) -> ExitCode {
    let root = args.root.clone().unwrap_or_else(|| "1".into());
    let bulk = !args.no_bulk;
    let repetitions = args.max_repetitions;
    let names = vec![root.clone()];
    run_with(
        &args.agent,
        load,
        (repetitions, bulk),
        move |client, model| async move {
            let root = resolve(model, &root)?;
            let mut walk = client.walk(root);
            let mut out = Vec::new();
            while let Some(binding) = walk.next().await {
                out.push(binding.map_err(|e| e.to_string())?);
            }
            Ok(out)
        },
        &names,
    )
}

pub(crate) fn set(args: SetArgs, load: &LoadArgs) -> ExitCode {
    if args.triples.len() % 3 != 0 {
        eprintln!("smic: set takes NAME TYPE VALUE triples");
        return ExitCode::from(2);
    }
    let names: Vec<String> = args.triples.chunks(3).map(|t| t[0].clone()).collect();
    run(
        &args.agent,
        load,
        |client, model| async move {
            let mut bindings = Vec::new();
            for triple in args.triples.chunks(3) {
                let oid = resolve(model, &triple[0])?;
                let value = parse_value(model, &oid, &triple[1], &triple[2])?;
                bindings.push(VarBind { oid, value });
            }
            client.set(bindings).await.map_err(|e| e.to_string())
        },
        &names,
    )
}

fn run<F, Fut>(agent: &AgentArgs, load: &LoadArgs, body: F, names: &[String]) -> ExitCode
where
    F: FnOnce(Client, &'static Model) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<VarBind>, String>>,
{
    run_with(agent, load, (10, true), body, names)
}

fn run_with<F, Fut>(
    agent: &AgentArgs,
    load: &LoadArgs,
    (repetitions, bulk): (u32, bool),
    body: F,
    names: &[String],
) -> ExitCode
where
    F: FnOnce(Client, &'static Model) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<VarBind>, String>>,
{
    // Modules that name the queried instances; the rest are loaded for the answers.
    // Numeric OIDs printed numerically need no MIB at all.
    let numeric_only = agent.numeric && names.iter().all(|n| n.parse::<smic::model::Oid>().is_ok());
    let model = if numeric_only {
        Model::default()
    } else {
        load.load(
            &crate::commands::translate::modules_for(names),
            &Policy::default(),
        )
        .model
    };
    // The model lives as long as the process: leaking it lets the request future borrow
    // it without tying the runtime's lifetimes to this frame.
    let model: &'static Model = Box::leak(Box::new(model));
    // One thread: the work is waiting on the agent, and a second thread only costs start-up.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("smic: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let addr = agent_address(&agent.agent).await?;
        let config = Config {
            security: security(agent)?,
            timeout: Duration::from_secs_f64(agent.timeout.max(0.01)),
            retries: agent.retries,
            max_repetitions: repetitions,
            bulk,
        };
        let client = Client::connect_to(&addr, config)
            .await
            .map_err(|e| format!("{}: {e}", agent.agent))?;
        body(client, model).await
    });
    let bindings = match result {
        Ok(bindings) => bindings,
        Err(err) => {
            eprintln!("smic: {err}{}", timeout_hint(agent, &err));
            return ExitCode::FAILURE;
        }
    };
    // Name the answers with the modules that cover them (loaded only now, when known).
    let oids: Vec<smic::model::Oid> = bindings.iter().map(|b| b.oid.clone()).collect();
    let values = bindings.iter().filter_map(|b| match &b.value {
        Value::ObjectIdentifier(oid) => Some(oid.clone()),
        _ => None,
    });
    let named_oids: Vec<smic::model::Oid> = oids.iter().cloned().chain(values).collect();
    let mut extra: Vec<String> = named_oids
        .iter()
        .flat_map(|o| smic::resolve::builtin::covering(o).map(str::to_string))
        .collect();
    extra.sort();
    extra.dedup();
    let named: Model = if agent.numeric || extra.iter().all(|m| model.module_id(m).is_some()) {
        Model::default()
    } else {
        load.load(&extra, &Policy::default()).model
    };
    let model = if named.modules.is_empty() {
        model
    } else {
        &named
    };
    let mut out = String::new();
    for (binding, oid) in bindings.iter().zip(&oids) {
        let name = if agent.numeric {
            format!(".{oid}")
        } else {
            instance::name_of(model, oid).unwrap_or_else(|| format!(".{oid}"))
        };
        out.push_str(&format!(
            "{name} = {}\n",
            instance::value_of(model, oid, &binding.value)
        ));
    }
    print!("{out}");
    ExitCode::SUCCESS
}

/// The agent as net-snmp's tools take it: `HOST[:PORT]` or `udp:` (names resolved,
/// port 161 by default), `tcp:HOST:PORT`, `unix:PATH`.
async fn agent_address(agent: &str) -> Result<Address, String> {
    if let Some(("tcp" | "tcp6" | "unix" | "tls" | "tlstcp" | "dtls" | "dtlsudp", _)) =
        agent.split_once(':')
    {
        return agent.parse::<Address>().map_err(|e| e.to_string());
    }
    udp_address(agent).await.map(Address::Udp)
}

async fn udp_address(agent: &str) -> Result<SocketAddr, String> {
    let spec = agent
        .strip_prefix("udp:")
        .or_else(|| agent.strip_prefix("udp6:"))
        .unwrap_or(agent);
    let with_port = if spec.parse::<SocketAddr>().is_ok()
        || (spec.contains(':') && !spec.starts_with('[') && spec.matches(':').count() == 1)
    {
        spec.to_string()
    } else if spec.starts_with('[') {
        format!("{spec}:161")
    } else if spec.contains(':') {
        format!("[{spec}]:161")
    } else {
        format!("{spec}:161")
    };
    tokio::net::lookup_host(&with_port)
        .await
        .map_err(|e| format!("{agent}: {e}"))?
        .next()
        .ok_or_else(|| format!("{agent}: no address"))
}

/// A name or OID as typed, to the instance OID.
fn resolve(model: &Model, text: &str) -> Result<Oid, String> {
    crate::commands::translate::to_oid(model, text)
}

/// A SET value from net-snmp's TYPE letter (or `=`: the MIB's syntax decides).
fn parse_value(model: &Model, oid: &Oid, kind: &str, text: &str) -> Result<Value, String> {
    let model_oid = oid.clone();
    let syntax = model
        .longest_prefix(&model_oid)
        .and_then(|id| model.node(id).syntax.clone());
    let kind = match (kind, &syntax) {
        ("=", Some(s)) => match s.base {
            BaseType::Integer32 => "i",
            BaseType::Unsigned32 | BaseType::Gauge32 => "u",
            BaseType::TimeTicks => "t",
            BaseType::IpAddress => "a",
            BaseType::ObjectIdentifier => "o",
            BaseType::Counter32 => "c",
            BaseType::Counter64 => "C",
            _ => "s",
        },
        ("=", None) => {
            return Err(format!(
                "no MIB knows .{oid}: give the type (i u t a o s x d n c C)"
            ));
        }
        (kind, _) => kind,
    };
    let bad = || format!("`{text}` is not a valid value of type {kind}");
    Ok(match kind {
        "i" => {
            let labelled = syntax
                .as_ref()
                .and_then(|s| s.values.iter().find(|v| v.label == text))
                .map(|v| v.value as i32);
            Value::Integer(labelled.map_or_else(|| text.parse().map_err(|_| bad()), Ok)?)
        }
        "u" => Value::Gauge32(text.parse().map_err(|_| bad())?),
        "c" => Value::Counter32(text.parse().map_err(|_| bad())?),
        "C" => Value::Counter64(text.parse().map_err(|_| bad())?),
        "t" => Value::TimeTicks(text.parse().map_err(|_| bad())?),
        "a" => Value::IpAddress(
            text.parse::<std::net::Ipv4Addr>()
                .map_err(|_| bad())?
                .octets(),
        ),
        "o" => Value::ObjectIdentifier(resolve(model, text)?),
        "s" => Value::OctetString(text.as_bytes().to_vec()),
        "x" => {
            let digits: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
            if digits.len() % 2 != 0 {
                return Err(bad());
            }
            Value::OctetString(
                (0..digits.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&digits[i..i + 2], 16))
                    .collect::<Result<_, _>>()
                    .map_err(|_| bad())?,
            )
        }
        "d" => Value::OctetString(
            text.split(['.', ' '])
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map_err(|_| bad())?,
        ),
        "n" => Value::Null,
        other => {
            return Err(format!(
                "unknown type `{other}` (i u t a o s x d n c C, or =)"
            ));
        }
    })
}

/// The version and security the flags ask for, checked: protocols and levels by
/// name, passphrases long enough, a level the passphrases allow.
fn security(agent: &AgentArgs) -> Result<Security, String> {
    match agent.snmp_version.as_str() {
        "1" | "2c" => {
            let version = if agent.snmp_version == "1" {
                Version::V1
            } else {
                Version::V2c
            };
            return Ok(Security::Community {
                version,
                community: agent.community.as_bytes().to_vec(),
            });
        }
        _ => {}
    }
    let name = agent
        .user
        .as_deref()
        .ok_or("SNMPv3 needs a user name (-u NAME)")?;
    let mut user = User::new(name);
    if let Some(passphrase) = &agent.auth_passphrase {
        let protocol = match &agent.auth_protocol {
            Some(name) => name.parse::<AuthProtocol>().map_err(|e| e.to_string())?,
            None => AuthProtocol::Sha1,
        };
        user = user
            .with_auth(protocol, passphrase.as_bytes())
            .map_err(|e| format!("authentication passphrase: {e}"))?;
    }
    if let Some(passphrase) = &agent.priv_passphrase {
        let protocol = match &agent.priv_protocol {
            Some(name) => name.parse::<PrivProtocol>().map_err(|e| e.to_string())?,
            None => PrivProtocol::Aes128,
        };
        user = user
            .with_privacy(protocol, passphrase.as_bytes())
            .map_err(|e| format!("privacy passphrase: {e}"))?;
    }
    let level = match &agent.level {
        Some(name) => SecurityLevel::from_name(name).ok_or_else(|| {
            format!("unknown security level {name:?} (noAuthNoPriv, authNoPriv, authPriv)")
        })?,
        None if user.privacy_protocol().is_some() => SecurityLevel::AuthPriv,
        None if user.auth_protocol().is_some() => SecurityLevel::AuthNoPriv,
        None => SecurityLevel::NoAuthNoPriv,
    };
    let mut usm = UsmConfig::new(user, level);
    usm.check().map_err(str::to_string)?;
    usm.context_name = agent.context.as_bytes().to_vec();
    usm.engine_id = agent.engine_id.as_deref().map(parse_hex).transpose()?;
    usm.context_engine_id = agent
        .context_engine_id
        .as_deref()
        .map(parse_hex)
        .transpose()?;
    usm.engine_time = agent
        .boots_time
        .as_deref()
        .map(|text| {
            let (boots, time) = text.split_once(',').ok_or("-Z takes BOOTS,TIME")?;
            let number = |n: &str| n.trim().parse::<u32>().map_err(|_| "-Z takes BOOTS,TIME");
            Ok::<_, &str>((number(boots)?, number(time)?))
        })
        .transpose()?;
    Ok(Security::Usm(usm))
}

/// Hex as net-snmp takes engine IDs: digits, optionally `0x`-prefixed.
fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.is_empty() || digits.len() % 2 != 0 || digits.len() > 64 {
        return Err(format!(
            "{text:?} is not an engine ID in hex (10 to 64 digits)"
        ));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&digits[i..i + 2], 16)
                .map_err(|_| format!("{text:?} is not an engine ID in hex"))
        })
        .collect()
}

/// Agents drop an authPriv request they cannot decrypt without a Report (the
/// scopedPDU does not parse, so there is nothing to answer), so a wrong privacy
/// passphrase shows up only as silence: say so.
fn timeout_hint(agent: &AgentArgs, err: &str) -> &'static str {
    let encrypted = agent.snmp_version == "3"
        && agent.priv_passphrase.is_some()
        && agent
            .level
            .as_deref()
            .and_then(SecurityLevel::from_name)
            .is_none_or(|level| level == SecurityLevel::AuthPriv);
    if encrypted && err.starts_with("timeout") {
        "\n  (with authPriv, a wrong privacy passphrase or protocol looks like this: \
         the agent cannot decrypt the request and drops it)"
    } else {
        ""
    }
}
