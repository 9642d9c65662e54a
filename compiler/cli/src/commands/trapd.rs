//! `smic trapd`, the notification receiver, and `smic traps`, what it stored.
//!
//! The daemon is `smic_trapd`; this module is its front door: flags over the TOML
//! file, logging, signals (SIGTERM and SIGINT drain and stop, SIGHUP reloads), exit
//! codes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use smic_store::{Database, Query, Reader, Security, StoreError, StoredNotification};
use smic_trapd::{Trapd, TrapdConfig, TrapdStats};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::daemon::{self, LogArgs, Reloads};

/// Receive SNMP traps and informs and store every one in SQLite or PostgreSQL.
///
/// Flags override the configuration file; with neither, it listens on udp:0.0.0.0:162
/// and writes traps.sqlite, but accepts nothing until a community or user is set. With
/// `-I DIR`, notifications are also named through the MIB modules in DIR (a vendor's),
/// each loaded the first time a notification needs it.
/// SIGTERM drains the queue and stops; SIGHUP reads the configuration again (the new
/// sockets are bound before the old ones close, so nothing sent meanwhile is lost).
#[derive(Debug, clap::Args)]
pub(crate) struct TrapdArgs {
    /// A TOML configuration file (every field documented in
    /// runtime/trapd/examples/trapd.toml).
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// The global `-I DIR`s: MIB directories whose modules name notifications.
    #[arg(skip)]
    mib_dirs: Vec<PathBuf>,
    /// Where to listen, repeatable: udp:HOST:PORT, tcp:HOST:PORT, unix:PATH. Replaces the
    /// file's `listen`.
    #[arg(long, value_name = "ADDRESS")]
    listen: Vec<String>,
    /// Where to store: an SQLite file or a postgresql:// URL. Replaces `database`.
    #[arg(long, value_name = "DATABASE")]
    db: Option<String>,
    /// Accept SNMPv1/v2c notifications with this community, repeatable. Added to
    /// the file's `communities`.
    #[arg(long, value_name = "COMMUNITY")]
    community: Vec<String>,
    /// Keep every message's bytes as received.
    #[arg(long)]
    store_raw: bool,
    /// Check the configuration (and that the database opens), then exit.
    #[arg(long)]
    check_config: bool,
    #[command(flatten)]
    log: LogArgs,
}

pub(crate) fn run(mut args: TrapdArgs, load: &crate::load::LoadArgs) -> ExitCode {
    // `-I DIR` (global to every command) adds MIB directories for names.
    args.mib_dirs.clone_from(&load.include);
    if let Err(error) = daemon::init_logging(&args.log) {
        eprintln!("smic trapd: {error}");
        return ExitCode::from(2);
    }
    let config = match configuration(&args) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("smic trapd: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match daemon::runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("smic trapd: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        daemon::survive_file_size_limit();
        let trapd = match bind(&config).await {
            Ok(trapd) => trapd,
            Err(error) => {
                tracing::error!(%error, "cannot start");
                return ExitCode::FAILURE;
            }
        };
        if args.check_config {
            // Bound and opened: everything the daemon needs is there.
            tracing::info!("configuration ok");
            return ExitCode::SUCCESS;
        }
        supervise(&args, trapd).await
    })
}

/// The configuration file (if any) with the flags laid over it.
fn configuration(args: &TrapdArgs) -> Result<TrapdConfig, String> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("{}: {error}", path.display()))?;
            TrapdConfig::parse(&text).map_err(|error| format!("{}: {error}", path.display()))?
        }
        None => TrapdConfig::default(),
    };
    if !args.listen.is_empty() {
        config.listen.clone_from(&args.listen);
    }
    if let Some(db) = &args.db {
        config.database.clone_from(db);
    }
    config.communities.extend(args.community.iter().cloned());
    config.store_raw |= args.store_raw;
    config.mib_dirs.extend(args.mib_dirs.iter().cloned());
    Ok(config)
}

/// Binds the daemon and says where it listens and what it accepts.
async fn bind(config: &TrapdConfig) -> Result<Trapd, String> {
    let trapd = Trapd::bind(config).await.map_err(|e| e.to_string())?;
    for address in trapd.local_addrs().map_err(|e| e.to_string())? {
        tracing::info!(%address, database = %config.database, "listening");
    }
    if config.communities.is_empty() && config.users.is_empty() {
        tracing::warn!("no community and no SNMPv3 user: every notification will be refused");
    }
    Ok(trapd)
}

/// A daemon running on its own task, and the way to stop it.
struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<TrapdStats>,
}

impl Running {
    fn start(trapd: Trapd) -> Running {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(trapd.run(async {
            // A dropped sender stops the daemon as surely as a sent one.
            let _ = stopped.await;
        }));
        Running { stop, task }
    }

    /// Stops receiving, drains the store, and reports what was done.
    async fn stop(self) -> Option<TrapdStats> {
        // The daemon may have ended already; the join below says how.
        let _ = self.stop.send(());
        match self.task.await {
            Ok(stats) => Some(stats),
            Err(error) => {
                tracing::error!(%error, "the daemon's task failed");
                None
            }
        }
    }
}

/// Runs until SIGTERM or SIGINT, reloading on SIGHUP.
async fn supervise(args: &TrapdArgs, trapd: Trapd) -> ExitCode {
    let mut reloads = Reloads::new();
    let terminated = daemon::terminated();
    tokio::pin!(terminated);
    let mut running = Running::start(trapd);
    loop {
        tokio::select! {
            () = &mut terminated => {
                let stats = running.stop().await;
                report(stats.as_ref());
                return if stats.is_some() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
            }
            () = reloads.next() => {
                // The new daemon is bound before the old one stops: SO_REUSEPORT lets
                // both hold the port meanwhile, so the kernel always has a socket to
                // deliver to. A configuration that does not load changes nothing.
                let next = match configuration(args) {
                    Ok(config) => bind(&config).await,
                    Err(error) => Err(error),
                };
                match next {
                    Ok(next) => {
                        report(running.stop().await.as_ref());
                        running = Running::start(next);
                        tracing::info!("configuration reloaded");
                    }
                    Err(error) => {
                        tracing::error!(%error, "configuration not reloaded; the running one stays");
                    }
                }
            }
        }
    }
}

fn report(stats: Option<&TrapdStats>) {
    if let Some(stats) = stats {
        tracing::info!(
            received = stats.received,
            stored = stats.stored,
            duplicates = stats.duplicates,
            acknowledged = stats.acknowledged,
            refused = stats.refused,
            dropped = stats.dropped,
            "stopped"
        );
    }
}

/// List the notifications `smic trapd` stored.
///
/// Oldest first, as snmptrapd logs them (or newest first with --newest); --follow
/// prints new ones as they are stored.
#[derive(Debug, clap::Args)]
pub(crate) struct TrapsArgs {
    /// The database: an SQLite file or a postgresql:// URL.
    #[arg(long, value_name = "DATABASE", default_value = "traps.sqlite")]
    db: String,
    /// Only those received since: an RFC 3339 time (2026-12-03T06:00:00Z) or a
    /// duration ago (15m, 2h, 7d).
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// Only those received before (same forms as --since).
    #[arg(long, value_name = "WHEN")]
    until: Option<String>,
    /// Only those from this address.
    #[arg(long, value_name = "ADDRESS")]
    source: Option<String>,
    /// Only this notification: a name (IF-MIB::linkDown) or an OID.
    #[arg(long, value_name = "NAME")]
    trap: Option<String>,
    /// At most this many.
    #[arg(long, short = 'n', value_name = "COUNT")]
    limit: Option<u32>,
    /// Newest first.
    #[arg(long)]
    newest: bool,
    /// Keep printing new notifications as they are stored.
    #[arg(long, short = 'f')]
    follow: bool,
    /// How each notification is printed.
    #[arg(long, value_enum, default_value_t = TrapsFormat::Text)]
    format: TrapsFormat,
}

/// How `smic traps` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TrapsFormat {
    /// What snmptrapd's default log shows: a header line, then the bindings.
    Text,
    /// One JSON object per line.
    Json,
}

pub(crate) fn list(args: TrapsArgs) -> ExitCode {
    let query = match query(&args) {
        Ok(query) => query,
        Err(error) => {
            eprintln!("smic traps: {error}");
            return ExitCode::from(2);
        }
    };
    let database = match Database::parse(&args.db) {
        Ok(database) => database,
        Err(error) => {
            eprintln!("smic traps: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("smic traps: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(print_rows(&args, query, &database));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("smic traps: {}: {error}", args.db);
            ExitCode::FAILURE
        }
    }
}

/// Prints the stored rows `query` selects, then (with `--follow`) new ones until
/// SIGTERM or SIGINT.
async fn print_rows(args: &TrapsArgs, query: Query, database: &Database) -> Result<(), StoreError> {
    let reader = Reader::open(database).await?;
    let rows = reader.query(&query).await?;
    for row in &rows {
        print(row, args.format);
    }
    if !args.follow {
        return Ok(());
    }
    let mut follow = reader.follow(
        Query {
            after_id: rows.last().map(|row| row.id).or(query.after_id),
            limit: None,
            ..query
        },
        Duration::from_millis(500),
    );
    let terminated = daemon::terminated();
    tokio::pin!(terminated);
    loop {
        tokio::select! {
            () = &mut terminated => return Ok(()),
            rows = follow.next() => {
                for row in rows? {
                    print(&row, args.format);
                }
            }
        }
    }
}

fn query(args: &TrapsArgs) -> Result<Query, String> {
    Ok(Query {
        since: args.since.as_deref().map(when).transpose()?,
        until: args.until.as_deref().map(when).transpose()?,
        source: args.source.clone(),
        trap: args.trap.clone(),
        after_id: None,
        limit: args.limit,
        newest_first: args.newest,
    })
}

/// An RFC 3339 time, or a duration before now.
fn when(text: &str) -> Result<SystemTime, String> {
    if let Ok(at) = humantime::parse_rfc3339_weak(text) {
        return Ok(at);
    }
    let ago = humantime::parse_duration(text).map_err(|_| {
        format!(
            "{text:?}: expected an RFC 3339 time (2026-12-03T06:00:00Z) or a duration (15m, 2h, 7d)"
        )
    })?;
    SystemTime::now()
        .checked_sub(ago)
        .ok_or_else(|| format!("{text:?}: too long ago"))
}

fn print(row: &StoredNotification, format: TrapsFormat) {
    use std::io::Write;
    let text = match format {
        TrapsFormat::Text => text(row),
        TrapsFormat::Json => format!("{}\n", row.to_json()),
    };
    // A closed pipe (`smic traps | head`) ends the listing, quietly.
    if std::io::stdout().write_all(text.as_bytes()).is_err() {
        std::process::exit(0);
    }
}

/// snmptrapd's default shape: `TIME SOURCE [TRANSPORT: [ADDR]:PORT]:` then the
/// bindings, tab-separated, `name = value`.
fn text(row: &StoredNotification) -> String {
    let record = &row.record;
    let at = humantime::format_rfc3339_seconds(record.received_at);
    let mut out = format!(
        "{at} {source} [{transport}: [{source}]:{port}]: {version} {kind} {security}\n",
        source = record.source,
        transport = record.transport.to_uppercase(),
        port = record.source_port,
        version = record.version.as_str(),
        kind = record.kind.as_str(),
        security = security(&record.security),
    );
    // The two bindings every notification starts with (RFC 3416 §4.2.6), which the
    // store keeps as columns, then the rest.
    let header = [
        format!(
            "SNMPv2-MIB::sysUpTime.0 = Timeticks: {}",
            ticks(record.uptime)
        ),
        format!(
            "SNMPv2-MIB::snmpTrapOID.0 = OID: {}",
            record.trap_name.as_deref().unwrap_or(&record.trap_oid)
        ),
    ];
    let bindings: Vec<String> = header
        .into_iter()
        .chain(
            record
                .varbinds
                .iter()
                .map(|vb| format!("{} = {}", vb.name.as_deref().unwrap_or(&vb.oid), vb.value)),
        )
        .collect();
    out.push_str(&bindings.join("\t"));
    out.push('\n');
    out
}

/// TimeTicks as net-snmp prints them: `(123456) 0:20:34.56`.
fn ticks(ticks: u32) -> String {
    let (hundredths, seconds) = (ticks % 100, ticks / 100);
    let (days, hours, minutes, seconds) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let clock = format!("{hours}:{minutes:02}:{seconds:02}.{hundredths:02}");
    match days {
        0 => format!("({ticks}) {clock}"),
        1 => format!("({ticks}) 1 day, {clock}"),
        _ => format!("({ticks}) {days} days, {clock}"),
    }
}

fn security(security: &Security) -> String {
    match security {
        Security::Community(community) => {
            format!("community {:?}", String::from_utf8_lossy(community))
        }
        Security::Usm { user, level, .. } => format!(
            "user {:?} {}",
            String::from_utf8_lossy(user),
            level.as_str()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn timeticks_read_as_net_snmp_prints_them() {
        assert_eq!(ticks(0), "(0) 0:00:00.00");
        assert_eq!(ticks(123_456), "(123456) 0:20:34.56");
        assert_eq!(ticks(8_640_000), "(8640000) 1 day, 0:00:00.00");
        assert_eq!(ticks(u32::MAX), "(4294967295) 497 days, 2:27:52.95");
    }
}
