//! What every daemon subcommand (`smic agent`, `smic trapd`, and the proxy and simulator
//! after them) shares: log flags and the `tracing` subscriber, the runtime, and the
//! signals that stop and reload it.
//!
//! The daemons are libraries that log through `tracing` and take a shutdown future;
//! installing a subscriber and listening for signals is the binary's business, so it
//! lives here, once.

use std::io::{self, IsTerminal};
use std::str::FromStr;

use tracing_subscriber::EnvFilter;

/// Log options of a daemon subcommand.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LogArgs {
    /// What to log: a level (`error`, `warn`, `info`, `debug`, `trace`) or a `tracing`
    /// filter such as `info,smic_store=debug`. `RUST_LOG` overrides it.
    #[arg(long, value_name = "FILTER", default_value = "info")]
    pub(crate) log_level: String,
    /// How log lines are written on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

/// The shape of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event, for a log collector.
    Json,
}

/// Installs the process's `tracing` subscriber: stderr, filtered by `RUST_LOG` if set,
/// else by `--log-level`.
///
/// A bad filter is an error, not a silent default: an operator who asked for `debug`
/// and got nothing would look in the wrong place.
pub(crate) fn init_logging(args: &LogArgs) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(env) if !env.trim().is_empty() => {
            EnvFilter::from_str(&env).map_err(|error| format!("RUST_LOG={env:?}: {error}"))?
        }
        _ => EnvFilter::from_str(&args.log_level)
            .map_err(|error| format!("--log-level {:?}: {error}", args.log_level))?,
    };
    // Colour only for a person at a terminal, not in a journal or a file.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(io::stderr().is_terminal())
        // A log that cannot be written (a full disk, a closed pipe) loses the line;
        // reporting that on the same stderr would panic the task that logged.
        .log_internal_errors(false)
        .with_writer(io::stderr);
    let installed = match args.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    installed.map_err(|error| format!("cannot install the log subscriber: {error}"))
}

/// The runtime a daemon runs on: one worker per core, so reception, the store's writer
/// and the actions do not take turns.
pub(crate) fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("smic-worker")
        .build()
}

/// Completes when the process is asked to stop: SIGTERM (a service manager) or SIGINT
/// (Ctrl-C at a terminal).
///
/// If the handlers cannot be installed the future never completes, after logging why:
/// a daemon that cannot be stopped by signal can still be killed, whereas one that
/// stopped at once because of it would never serve.
pub(crate) async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                let name = tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                };
                tracing::info!(signal = name, "stopping");
            }
            (Err(error), _) | (_, Err(error)) => {
                tracing::error!(%error, "cannot listen for SIGTERM/SIGINT");
                std::future::pending::<()>().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("stopping");
    }
}

/// Turns SIGXFSZ (a write past `ulimit -f`) from "terminate" into an error of that
/// write, so a daemon at its file size limit keeps what it holds in memory and retries
/// instead of dying with it (call from inside the runtime).
pub(crate) fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // The handler stays installed for the life of the process.
        if let Err(error) = signal(SignalKind::from_raw(libc::SIGXFSZ)) {
            tracing::warn!(%error, "cannot handle SIGXFSZ: a file size limit would stop the daemon");
        }
    }
}

/// SIGHUP, the conventional "read your configuration again", as a stream of requests.
pub(crate) struct Reloads {
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
}

impl Reloads {
    /// Starts listening for SIGHUP (call from inside the runtime). If the handler
    /// cannot be installed, reloads are logged as unavailable and never arrive.
    pub(crate) fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let hangup = signal(SignalKind::hangup())
                .inspect_err(|error| {
                    tracing::warn!(%error, "cannot listen for SIGHUP: configuration reload disabled");
                })
                .ok();
            Self { hangup }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// Waits for the next reload request.
    pub(crate) async fn next(&mut self) {
        #[cfg(unix)]
        if let Some(hangup) = &mut self.hangup {
            if hangup.recv().await.is_some() {
                tracing::info!(signal = "SIGHUP", "reloading the configuration");
                return;
            }
        }
        std::future::pending::<()>().await;
    }
}
