//! Notifications from subagents, sent to the configured targets as the agent's own
//! (RFC 2741 §7.1.11). Each target has its own sender; a target that cannot be
//! reached is logged and counted, the others still get the notification.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use smic_snmp::client::UsmConfig;
use smic_snmp::notify::{Notice, TrapSender};
use smic_snmp::usm::LocalEngine;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use crate::Shared;
use crate::config::Target;

pub(crate) struct Forwarder {
    senders: Vec<(String, TrapSender)>,
}

impl Forwarder {
    /// A sender per target; a target whose socket cannot be made is logged and left
    /// out.
    pub(crate) async fn start(targets: &[Target], engine: &LocalEngine) -> Forwarder {
        let mut senders = Vec::new();
        for target in targets {
            let (name, sender) = match target {
                Target::Community {
                    address,
                    version,
                    community,
                } => (
                    format!("{address}"),
                    TrapSender::community(*address, *version, community.as_bytes()).await,
                ),
                Target::Usm {
                    address,
                    user,
                    level,
                } => (
                    format!("{address}"),
                    TrapSender::usm(
                        *address,
                        UsmConfig::new(user.clone(), *level),
                        engine.clone(),
                    )
                    .await,
                ),
            };
            match sender {
                Ok(sender) => senders.push((name, sender)),
                Err(error) => warn!(target = %name, %error, "notification target unusable"),
            }
        }
        Forwarder { senders }
    }

    pub(crate) async fn run(self, mut notices: mpsc::Receiver<Notice>, shared: Arc<Shared>) {
        while let Some(notice) = notices.recv().await {
            debug!(trap = %notice.trap_oid, targets = self.senders.len(), "forwarding a subagent's notification");
            for (name, sender) in &self.senders {
                match sender.send(&notice).await {
                    Ok(()) => {
                        shared.counters.forwarded.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(error) => {
                        shared
                            .counters
                            .forward_failures
                            .fetch_add(1, Ordering::Relaxed);
                        warn!(target = %name, %error, "notification not sent");
                    }
                }
            }
        }
    }
}
