//! `smic agent`, the SNMP agent and AgentX master.
//!
//! The daemon is `smic_agent`; this module is its front door: flags over the TOML
//! file, logging, signals (SIGTERM and SIGINT close every AgentX session and stop),
//! exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use smic_agent::{Agent, AgentConfig, CommunityConfig, UserConfig};

use crate::daemon::{self, LogArgs, Reloads};

/// Serve SNMP (v1, v2c, v3) and be the AgentX master for subagents.
///
/// Flags override the configuration file (or, for communities and users, add to
/// it); communities and users given as flags see the whole tree. With neither, it
/// listens on udp:0.0.0.0:161 and answers nobody until a community or user is set.
#[derive(Debug, clap::Args)]
pub(crate) struct AgentArgs {
    /// A TOML configuration file (every field documented in
    /// runtime/agent/examples/agent.toml).
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where SNMP requests come in, repeatable: udp:HOST:PORT. Replaces `listen`.
    #[arg(long, value_name = "ADDRESS")]
    listen: Vec<String>,
    /// A read-only community, repeatable.
    #[arg(long, value_name = "COMMUNITY")]
    community: Vec<String>,
    /// A read-write community, repeatable.
    #[arg(long, value_name = "COMMUNITY")]
    rw_community: Vec<String>,
    /// An SNMPv3 user that reads and writes everything, repeatable:
    /// NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS], protocols as net-snmp names them
    /// (`ops:SHA-256:authpass:AES:privpass`).
    #[arg(long, value_name = "USER")]
    v3_user: Vec<String>,
    /// An AgentX master socket, repeatable: tcp:HOST:PORT or unix:PATH. Replaces the
    /// file's `agentx.listen`.
    #[arg(long, value_name = "ADDRESS")]
    agentx: Vec<String>,
    /// Check the configuration and that every socket binds, then exit.
    #[arg(long)]
    check_config: bool,
    #[command(flatten)]
    log: LogArgs,
}

pub(crate) fn run(args: AgentArgs) -> ExitCode {
    if let Err(error) = daemon::init_logging(&args.log) {
        eprintln!("smic agent: {error}");
        return ExitCode::from(2);
    }
    let config = match configuration(&args) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("smic agent: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match daemon::runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("smic agent: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let agent = match Agent::bind(&config).await {
            Ok(agent) => agent,
            Err(error) => {
                tracing::error!(%error, "cannot start");
                return ExitCode::FAILURE;
            }
        };
        for address in agent.udp_addresses() {
            tracing::info!(address = %format!("udp:{address}"), "listening");
        }
        if config.communities.is_empty() && config.users.is_empty() {
            tracing::warn!("no community and no SNMPv3 user: every request will be refused");
        }
        if args.check_config {
            tracing::info!("configuration ok");
            return ExitCode::SUCCESS;
        }
        let mut reloads = Reloads::new();
        let stop = async {
            tokio::select! {
                () = daemon::terminated() => {}
                () = async {
                    loop {
                        reloads.next().await;
                        // Restarting the master would close every subagent's session.
                        tracing::warn!("smic agent does not reload its configuration: restart it to apply changes");
                    }
                } => {}
            }
        };
        agent.run(stop).await;
        ExitCode::SUCCESS
    })
}

/// The configuration file (if any) with the flags laid over it.
fn configuration(args: &AgentArgs) -> Result<AgentConfig, String> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("{}: {error}", path.display()))?;
            AgentConfig::parse(&text).map_err(|error| format!("{}: {error}", path.display()))?
        }
        None => AgentConfig::default(),
    };
    if !args.listen.is_empty() {
        config.listen.clone_from(&args.listen);
    }
    if !args.agentx.is_empty() {
        config.agentx.listen.clone_from(&args.agentx);
    }
    for (names, write) in [(&args.community, false), (&args.rw_community, true)] {
        config
            .communities
            .extend(names.iter().map(|name| CommunityConfig {
                name: name.clone(),
                read_view: None,
                write_view: write.then(|| "all".to_owned()),
            }));
    }
    for spec in &args.v3_user {
        config.users.push(v3_user(spec)?);
    }
    config.check().map_err(|error| error.to_string())?;
    Ok(config)
}

/// `NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]` (a passphrase holds no colon).
fn v3_user(spec: &str) -> Result<UserConfig, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let owned = |s: &&str| Some((*s).to_owned());
    let (auth, privacy) = match parts.as_slice() {
        [_, a, ap] => ((owned(a), owned(ap)), (None, None)),
        [_, a, ap, p, pp] => ((owned(a), owned(ap)), (owned(p), owned(pp))),
        _ => {
            return Err(format!(
                "--v3-user {spec:?}: expected NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS], e.g. ops:SHA-256:authpass:AES:privpass"
            ));
        }
    };
    Ok(UserConfig {
        name: parts.first().map(|s| (*s).to_owned()).unwrap_or_default(),
        auth_protocol: auth.0,
        auth_password: auth.1,
        privacy_protocol: privacy.0,
        privacy_password: privacy.1,
        level: None,
        read_view: None,
        write_view: Some("all".to_owned()),
    })
}
